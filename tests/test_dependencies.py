"""What is installed, and how: every file hash-pinned, the services without the test tools, and the
mitigations the README's dependency table relies on for what Rasa 3.6 holds back."""

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


def test_every_requirement_is_pinned_with_the_hashes_of_its_files():
    for lock in ("requirements.lock", "requirements-test.lock"):
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
