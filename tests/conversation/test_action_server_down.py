"""Danger to life is answered with 999 even when the action server is not running."""

from __future__ import annotations

import pytest

from tests.stack import Conversation, free_port, start_rasa


@pytest.fixture(scope="module")
def rasa_without_actions(tmp_path_factory):
    # Nothing listens on this port: every custom action call fails.
    process, base = start_rasa(
        tmp_path_factory.mktemp("no-actions"), f"http://127.0.0.1:{free_port()}/webhook", name="rasa-no-actions"
    )
    yield base
    process.stop()


@pytest.mark.parametrize("message", ["my ex is outside with a knife", "someone has collapsed and isn't breathing"])
def test_emergency_gets_999_with_the_action_server_down(rasa_without_actions, message):
    replies = Conversation(rasa_without_actions).say(message)
    assert replies and replies[0]["text"].startswith("Call 999"), replies


def test_menu_still_works_with_the_action_server_down(rasa_without_actions):
    replies = Conversation(rasa_without_actions).say("hello")
    assert "999" in replies[0]["text"]


def test_other_messages_get_a_clear_apology_through_the_widget(rasa_without_actions, tmp_path):
    """The custom actions fail, Rasa answers nothing: the channel says sorry and gives 999 and 101."""
    import requests

    from tests.stack import start_web_server

    process, base = start_web_server(tmp_path, rasa_without_actions)
    try:
        response = requests.post(
            f"{base}/chat/messages", json={"message": "people dealing drugs on my stairs"}, timeout=60
        )
        [reply] = response.json()["replies"]
        assert response.status_code == 200 and "went wrong on our side" in reply["text"]
        assert "999" in reply["text"] and "101" in reply["text"]
    finally:
        process.stop()
