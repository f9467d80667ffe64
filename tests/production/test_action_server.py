"""The action server fails closed: it does not start without its check of Rasa's secret (rasa-sdk's
own start would skip a plugin that failed to import and serve every action to anyone), and an
action that raises answers with the error's kind, never the request (which Rasa would log, and
which holds the resident's conversation)."""

from __future__ import annotations

import os
import sys
import types

import pytest
import requests

from deploy import action_server
from deploy.profile import actions_command, local_commands

WORDS = "my neighbour Mrs Example at 14 Sample Street hits her son"


@pytest.fixture
def fresh_plugins(monkeypatch):
    from rasa_sdk.plugin import plugin_manager
    from sanic import Sanic

    monkeypatch.setattr(Sanic, "test_mode", True)  # several apps named "rasa_sdk" in one process
    plugin_manager.cache_clear()
    yield monkeypatch
    plugin_manager.cache_clear()


def test_every_action_server_starts_through_the_project():
    assert "-m deploy.action_server" in actions_command(5055)
    assert "-m deploy.action_server" in local_commands()["actions"]
    assert "rasa run actions" not in actions_command(5055)


def test_the_app_has_the_check(fresh_plugins):
    assert action_server.secret_check_installed(action_server.build_app())


def test_a_plugin_that_fails_to_import_stops_start_up_where_rasa_sdk_would_carry_on(fresh_plugins):
    from rasa_sdk.endpoint import create_app
    from rasa_sdk.plugin import plugin_manager

    fresh_plugins.setitem(sys.modules, "rasa_sdk_plugins", None)  # importing it raises ModuleNotFoundError
    unchecked = create_app("actions")
    plugin_manager().hook.attach_sanic_app_extensions(app=unchecked)
    assert not action_server.secret_check_installed(unchecked)  # rasa-sdk alone would serve it like this
    with pytest.raises(ModuleNotFoundError):
        action_server.build_app()
    assert action_server.main(["--port", "1"]) == 2


def test_plugins_that_install_no_check_stop_start_up(fresh_plugins):
    hollow = types.ModuleType("rasa_sdk_plugins")
    hollow.init_hooks = lambda manager: None
    fresh_plugins.setitem(sys.modules, "rasa_sdk_plugins", hollow)
    with pytest.raises(action_server.CheckMissing):
        action_server.build_app()


def test_a_failing_action_answers_with_its_kind_and_logs_no_words(action_server_log):
    url, log = action_server_log
    call = {
        "next_action": "action_report_status",
        "sender_id": "web:someone",
        "tracker": {"sender_id": "web:someone", "latest_message": {"text": WORDS}, "slots": 5, "events": []},
        "domain": {},
        "version": "3.6.21",
    }
    headers = {"Authorization": f"Bearer {os.environ['ACTION_SERVER_SECRET']}"}
    response = requests.post(url, json=call, headers=headers, timeout=30)
    assert response.status_code == 500
    assert response.json() == {"error": "TypeError"}
    assert WORDS not in response.text
    printed = log.read_text()
    assert "Action action_report_status failed: TypeError" in printed
    assert "Mrs Example" not in printed and "Sample Street" not in printed


@pytest.fixture(scope="module")
def action_server_log(action_server, tmp_path_factory):
    """An action server of its own, so its log is this test's to read."""
    from tests.stack import start_action_server

    process, url = start_action_server(tmp_path_factory.mktemp("failing-action"), os.environ["DATABASE_URL"])
    yield url, process.log
    process.stop()
