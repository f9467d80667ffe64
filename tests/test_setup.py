"""The set-up finds Python 3.10 and says clearly what to do when there is none."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from tests.conftest import PROJECT

FINDER = PROJECT / "scripts" / "find-python310.sh"


def run_finder(env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", str(FINDER)], env=env, capture_output=True, text=True, timeout=60)


def bare_env(tmp_path: Path, path: str) -> dict[str, str]:
    return {"PATH": path, "HOME": str(tmp_path), "PYENV_ROOT": str(tmp_path / "no-pyenv")}


def test_finds_the_interpreter_this_project_runs_on():
    result = run_finder(dict(os.environ))
    assert result.returncode == 0, result.stderr
    found = result.stdout.strip()
    version = subprocess.run(
        [found, "-c", "import sys; print(sys.version_info[:2])"], capture_output=True, text=True
    ).stdout.strip()
    assert version == "(3, 10)"


def test_no_python310_is_a_clear_message(tmp_path):
    result = run_finder(bare_env(tmp_path, "/usr/bin:/bin"))
    assert result.returncode == 1
    assert "No Python 3.10 interpreter was found" in result.stderr
    assert "pyenv install 3.10" in result.stderr


def test_a_python310_name_for_another_version_is_not_taken(tmp_path):
    fake_bin = tmp_path / "bin"
    fake_bin.mkdir()
    impostor = fake_bin / "python3.10"
    # What pyenv's shim does when 3.10 is installed but not active: the name is on PATH,
    # but it does not run. It must not be taken for an interpreter.
    impostor.write_text("#!/bin/sh\necho 'pyenv: python3.10: command not found' >&2\nexit 127\n")
    impostor.chmod(0o755)
    result = run_finder(bare_env(tmp_path, f"{fake_bin}:/usr/bin:/bin"))
    assert result.returncode == 1
    assert "No Python 3.10 interpreter was found" in result.stderr


def test_pyenv_versions_are_found_without_a_working_shim(tmp_path):
    real = run_finder(dict(os.environ)).stdout.strip()
    version_bin = tmp_path / "pyenv" / "versions" / "3.10.99" / "bin"
    version_bin.mkdir(parents=True)
    (version_bin / "python3.10").symlink_to(real)
    env = bare_env(tmp_path, "/usr/bin:/bin")
    env["PYENV_ROOT"] = str(tmp_path / "pyenv")
    result = run_finder(env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(version_bin / "python3.10")


def test_make_install_stops_with_the_message_when_no_python310(tmp_path):
    for name in (
        "Makefile",
        "requirements-pip.lock",
        "requirements.lock",
        "requirements-pretrained.lock",
        "pyproject.toml",
    ):
        shutil.copy(PROJECT / name, tmp_path / name)
    shutil.copytree(PROJECT / "scripts", tmp_path / "scripts")
    env = bare_env(tmp_path, "/usr/bin:/bin")
    result = subprocess.run(["make", "install"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode != 0
    assert "No Python 3.10 interpreter was found" in result.stderr
    assert not (tmp_path / ".venv").exists()


def test_the_makefile_exports_the_process_environment():
    """`make`'s own commands (train, validate, shell) run with what every process of the stack runs with."""
    import re

    from community_safety.settings import PROCESS_ENVIRONMENT

    root = Path(__file__).resolve().parent.parent
    exported = dict(re.findall(r"^export (\w+) := (.*)$", (root / "Makefile").read_text(), re.MULTILINE))
    exported = {name: value.replace("$(CURDIR)", str(root)) for name, value in exported.items()}
    assert exported == PROCESS_ENVIRONMENT
