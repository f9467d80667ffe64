"""Rasa is started one way, through the launcher that installs the project's patches to Rasa."""

from __future__ import annotations

from deploy.profile import local_commands, rasa_command


def test_every_rasa_process_starts_through_the_project():
    assert "-m deploy.rasa_server run" in rasa_command(5005, "endpoints.yml")
    assert "-m deploy.rasa_server run" in local_commands()["rasa"]


def test_every_server_runs_with_one_thread_per_numeric_pool(tmp_path):
    from community_safety.settings import SERVER_ENVIRONMENT
    from deploy.processes import _env
    from deploy.profile import Profile

    for environment in (SERVER_ENVIRONMENT, Profile(out=tmp_path).environment(), _env()):
        assert environment["TF_NUM_INTRAOP_THREADS"] == environment["OMP_NUM_THREADS"] == "1"


def test_every_replica_said_its_fixes_when_it_started(production):
    for name in ("rasa1", "rasa2"):
        log = production.processes[name].log.read_text()
        assert "no error reports to Rasa's Sentry" in log and "validator built once" in log
        assert "questions asked from the form's validation" in log
