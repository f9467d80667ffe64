"""Rasa is started one way, with the measured fixes to its hot path, which change nothing but cost."""

from __future__ import annotations

import copy

import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction

from deploy import rasa_server
from deploy.profile import local_commands, rasa_command

GOOD = {
    "events": [{"event": "slot", "name": "need", "value": "report_asb", "timestamp": None}],
    "responses": [{"text": "Is anyone in danger right now?", "buttons": [{"title": "Yes", "payload": "yes"}]}],
}
MALFORMED = [
    {"events": "not a list"},
    {"events": [{"event": 42}]},
    {"events": [{"name": "need"}]},
    {"responses": {"text": "not a list"}},
]


def test_every_rasa_process_starts_through_the_project():
    assert "-m deploy.rasa_server run" in rasa_command(5005, "endpoints.yml")
    assert "-m deploy.rasa_server run" in local_commands()["rasa"]


def test_the_validator_is_built_once_and_in_effect():
    original = RemoteAction._validate_action_result
    try:
        assert "action response validator built once" in rasa_server.install_fixes()
        assert RemoteAction._validate_action_result is rasa_server._validate_action_result
        assert RemoteAction(name="action_x", action_endpoint=None)._validate_action_result(GOOD)
        assert rasa_server._action_response_validator() is rasa_server._action_response_validator()
    finally:
        RemoteAction._validate_action_result = original


@pytest.mark.parametrize("result", MALFORMED)
def test_a_malformed_action_response_is_refused_with_rasas_own_message(result):
    action = RemoteAction(name="action_x", action_endpoint=None)
    with pytest.raises(ValidationError) as rasas:
        RemoteAction._validate_action_result(action, copy.deepcopy(result))
    with pytest.raises(ValidationError) as ours:
        rasa_server._validate_action_result(action, copy.deepcopy(result))
    assert ours.value.message == rasas.value.message
    assert "Failed to validate Action server response" in ours.value.message


def test_every_server_runs_with_one_thread_per_numeric_pool(tmp_path):
    from community_safety.settings import SERVER_ENVIRONMENT
    from deploy.processes import _env
    from deploy.profile import Profile

    for environment in (SERVER_ENVIRONMENT, Profile(out=tmp_path).environment(), _env()):
        assert environment["TF_NUM_INTRAOP_THREADS"] == environment["OMP_NUM_THREADS"] == "1"


def test_rasa_sends_no_error_report_to_its_sentry():
    import rasa.telemetry
    import sentry_sdk

    # Rasa 3.6 ships a Sentry key and would start sentry-sdk with it, telemetry or not.
    assert rasa.telemetry.sentry_write_key()
    original = rasa.telemetry.initialize_error_reporting
    try:
        rasa_server.install_fixes()
        rasa.telemetry.initialize_error_reporting()
        assert sentry_sdk.Hub.current.client is None
    finally:
        rasa.telemetry.initialize_error_reporting = original


def test_every_replica_said_its_fixes_when_it_started(production):
    for name in ("rasa1", "rasa2"):
        log = production.processes[name].log.read_text()
        assert "no error reports to Rasa's Sentry" in log and "validator built once" in log
