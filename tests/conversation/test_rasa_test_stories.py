"""Rasa's own conversation tests: `rasa test core` on tests/stories with the trained model."""

from __future__ import annotations

import os
import subprocess

import yaml

from community_safety.settings import PROCESS_ENVIRONMENT
from tests.conftest import MODEL, PROJECT


def test_rasa_test_stories_pass(tmp_path):
    result = subprocess.run(
        [
            str(PROJECT / ".venv" / "bin" / "rasa"),
            "test",
            "core",
            "--model",
            str(MODEL),
            "--stories",
            str(PROJECT / "tests" / "stories"),
            "--out",
            str(tmp_path),
            "--fail-on-prediction-errors",
        ],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, **PROCESS_ENVIRONMENT},
    )
    failed = tmp_path / "failed_test_stories.yml"
    failures = failed.read_text() if failed.exists() else ""
    assert result.returncode == 0, failures or result.stdout[-3000:] + result.stderr[-3000:]
    assert not (yaml.safe_load(failures) or {}).get("stories"), failures
