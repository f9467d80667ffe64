"""The patches replace Rasa 3.6.21's internals: on any other release Rasa is not started with them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import rasa_patches
from rasa_patches.registry import RASA_VERSION, RasaVersionError, check_rasa_version

ROOT = Path(__file__).resolve().parents[2]


def test_the_installed_rasa_is_the_release_the_patches_were_written_against():
    import rasa

    assert rasa.__version__ == RASA_VERSION
    check_rasa_version()


@pytest.mark.parametrize("release", ["3.6.20", "3.7.0", "3.6.21rc1", ""])
def test_another_release_is_refused_saying_what_to_do(release):
    with pytest.raises(RasaVersionError) as refused:
        check_rasa_version(release)
    assert f"Rasa {release} is installed" in str(refused.value)
    assert f"rasa=={RASA_VERSION}" in str(refused.value) and "rasa_patches/" in str(refused.value)


def test_every_patch_names_a_rasa_function_that_exists_and_says_what_it_does():
    import importlib

    assert len({patch.key for patch in rasa_patches.PATCHES}) == len(rasa_patches.PATCHES) == 11
    for patch in rasa_patches.PATCHES:
        module, _, cls = patch.owner.partition(":")
        owner = importlib.import_module(module)
        owner = getattr(owner, cls) if cls else owner
        assert patch.attribute in owner.__dict__, patch.key
        assert patch.said


def _launch(*code: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", "\n".join(code)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": "/usr/bin:/bin", "RASA_TELEMETRY_ENABLED": "false", "PYTHONPATH": str(ROOT)},
    )


def test_the_launcher_stops_before_rasa_starts_on_another_release():
    stopped = _launch(
        "import rasa",
        "rasa.__version__ = '3.7.1'",
        "from deploy.rasa_server import main",
        "main(['--version'])",
    )
    assert stopped.returncode == 2
    assert "Rasa not started: Rasa 3.7.1 is installed" in stopped.stderr
    assert "fixes installed" not in stopped.stderr and "Rasa Version" not in stopped.stdout


def test_the_launcher_starts_rasa_on_the_release_it_knows():
    started = _launch("from deploy.rasa_server import main", "main(['--version'])")
    assert started.returncode == 0, started.stderr[-2000:]
    assert "Rasa fixes installed: no error reports to Rasa's Sentry" in started.stderr
    assert RASA_VERSION in started.stdout
