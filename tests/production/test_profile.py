"""What the profiles' processes are started with: nothing secret on a command line, no open API."""

from __future__ import annotations

import re

import pytest

from deploy.profile import Profile, local_commands

SECRETISH = re.compile(r"\$\{?\w*(SECRET|TOKEN|PASSWORD|KEY)", re.IGNORECASE)


@pytest.mark.parametrize(
    "commands",
    [local_commands(telegram=True, open311=True), Profile().commands(telegram=True, open311=True)],
    ids=["make run", "production"],
)
def test_commands_carry_no_secret_and_rasa_serves_no_api(commands):
    for name, command in commands.items():
        assert not SECRETISH.search(command), name
        for flag in ("--enable-api", "--auth-token", "--jwt-secret", "--cors"):
            assert flag not in command, (name, flag)


def test_the_open311_worker_runs_only_when_there_is_a_casework_system(environment, tmp_path, monkeypatch):
    from deploy import profile

    assert "open311" not in local_commands() and "open311" not in Profile().commands()
    worker = local_commands(open311=True)["open311"]
    assert worker.endswith("python -m community_safety.open311.worker") and "-u PROD_DB_PASSWORD" in worker
    monkeypatch.setattr(profile, "PROJECT", tmp_path)
    procfile = tmp_path / "build" / "local" / "Procfile"
    environment(OPEN311_ENDPOINT="https://casework.example/open311/v2", OPEN311_API_KEY="k", DATA_DIR=str(tmp_path))
    profile.main(["--local"])
    assert "open311: " in procfile.read_text()
    environment(OPEN311_ENDPOINT=None, OPEN311_API_KEY=None)
    profile.main(["--local"])
    assert "open311: " not in procfile.read_text()
