"""What is installed, and how: every file hash-pinned, the services without the test tools, and the
mitigations docs/security.md's dependency table relies on for what Rasa 3.6 holds back."""

from __future__ import annotations

import re

from community_safety.settings import PROCESS_ENVIRONMENT
from tests.conftest import PROJECT

TEST_TOOLS = {"pytest", "hypothesis", "playwright", "axe-playwright-python", "ruff"}


def pinned(lock: str) -> dict[str, list[str]]:
    """Each requirement of a lock file with its hashes."""
    found: dict[str, list[str]] = {}
    name = None
    for line in (PROJECT / lock).read_text().splitlines():
        if match := re.match(r"^([A-Za-z0-9_.\-]+)==(\S+)", line):
            name = match.group(1).lower().replace("_", "-").replace(".", "-")
            found[name] = []
        elif name and (digest := re.search(r"--hash=sha256:([0-9a-f]{64})", line)):
            found[name].append(digest.group(1))
        elif line and not line.startswith((" ", "#")):
            raise AssertionError(f"{lock}: not a pinned requirement: {line}")
    return found


def top_level(requirements: str) -> set[str]:
    names = set()
    for line in (PROJECT / requirements).read_text().splitlines():
        line = line.split("#")[0].strip()
        if line and not line.startswith("-"):
            names.add(re.split(r"[\[<>=!~ ]", line)[0].lower().replace("_", "-").replace(".", "-"))
    return names


LOCKS = (
    "requirements.lock",
    "requirements-test.lock",
    "requirements-profile.lock",
    "requirements-pip.lock",
    "requirements-uv.lock",
    "requirements-audit.lock",
)


def test_every_requirement_is_pinned_with_the_hashes_of_its_files():
    for lock in LOCKS:
        requirements = pinned(lock)
        assert requirements
        assert [name for name, hashes in requirements.items() if not hashes] == [], lock


def test_the_services_install_no_test_tools_and_the_tests_add_them():
    runtime, tests = pinned("requirements.lock"), pinned("requirements-test.lock")
    assert top_level("requirements.in") <= set(runtime)
    assert TEST_TOOLS & set(runtime) == set()
    assert set(tests) >= TEST_TOOLS
    # What both need is the same file in both.
    shared = set(runtime) & set(tests)
    assert shared and all(set(tests[name]) <= set(runtime[name]) for name in shared)


def test_the_telegram_webhook_parses_http_with_aiohttps_c_parser():
    # aiohttp 3.9 (Rasa's pin) has request-smuggling advisories for its pure-Python parser only.
    from aiohttp import _http_parser, http_parser

    assert http_parser.HttpRequestParser is _http_parser.HttpRequestParser
    assert "AIOHTTP_NO_EXTENSIONS" not in PROCESS_ENVIRONMENT


def test_rasas_error_reporting_to_sentry_stays_off():
    # Rasa starts sentry-sdk (held at 1.14 by its pin) only with telemetry on.
    assert PROCESS_ENVIRONMENT["RASA_TELEMETRY_ENABLED"] == "false"


def test_the_installers_themselves_come_from_hash_pinned_locks():
    # pip, uv and pip-audit run before anything else is checked: an unpinned one could install anything.
    makefile = (PROJECT / "Makefile").read_text()
    installs = re.findall(r"pip\"? install ([^\n&]*)", makefile)
    assert len(installs) >= 6
    for arguments in installs:
        assert "--require-hashes" in arguments or arguments.rstrip().endswith("-e ."), arguments
    for tool in ("pip", "uv", "pip-audit"):
        assert tool in pinned(f"requirements-{'audit' if tool == 'pip-audit' else tool}.lock")
        assert f"-r requirements-{'audit' if tool == 'pip-audit' else tool}.lock" in makefile


def test_aiohttp_and_tensorflow_are_as_new_as_rasas_own_pins_allow_and_run():
    """aiohttp 3.9.5 is the last 3.9 release (Rasa 3.6.21 asks <3.10); TensorFlow is pinned ==2.12.0."""
    from importlib.metadata import requires, version

    from packaging.requirements import Requirement

    rasa_asks = {Requirement(r).name: Requirement(r) for r in requires("rasa") if "extra ==" not in r}
    assert version("aiohttp") == "3.9.5" and "3.9.5" in rasa_asks["aiohttp"].specifier
    assert "3.10.0" not in rasa_asks["aiohttp"].specifier  # the fixed releases are out of reach
    assert version("tensorflow") == "2.12.0" and "2.12.1" not in rasa_asks["tensorflow"].specifier
    for package in ("dnspython", "pymongo", "setuptools"):
        assert version(package) in rasa_asks[package].specifier, package
    import aiohttp
    import tensorflow as tf

    assert int(tf.reduce_sum(tf.constant([1, 2, 3]))) == 6
    assert aiohttp.__version__ == "3.9.5"


def test_the_security_notes_list_what_rasa_holds_back():
    notes = (PROJECT / "docs" / "security.md").read_text()
    table = notes[notes.index("## Dependencies Rasa 3.6 holds back") :]
    for package in ("aiohttp", "tensorflow", "transformers", "dnspython", "pymongo", "setuptools"):
        assert f"\n| {package} " in table, package
