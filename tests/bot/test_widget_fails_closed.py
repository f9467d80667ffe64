"""The widget with its records database down: reading fails closed (a copied cookie reads nothing
while nobody can say whether the chat was ended), sending stays open (the bot, or the 999 answer,
still replies), and ending says "ended" only once it is recorded. Other sites can't end a chat."""

from __future__ import annotations

import pytest

from community_safety.records import database
from community_safety.records.models import EndedChat


@pytest.fixture
def widget(tmp_path, environment):
    url = f"sqlite:///{tmp_path / 'records.db'}"
    database.upgrade(url)
    environment(
        DATA_DIR=str(tmp_path),
        DATABASE_URL=url,
        TRACKER_DATABASE_URL=f"sqlite:///{tmp_path / 'tracker.db'}",
        RASA_URL="http://127.0.0.1:9",  # nothing listens: the channel's own answer
    )
    (tmp_path / "tracker.db").touch()
    from webserver import create_app

    return create_app().test_client()


def database_down(environment, tmp_path):
    environment(DATABASE_URL=f"sqlite:///{tmp_path / 'gone' / 'records.db'}")


def test_with_the_database_down_a_cookie_reads_nothing_but_messages_are_answered(widget, environment, tmp_path):
    assert widget.post("/chat/messages", json={"message": "someone has a knife"}).status_code == 200
    database_down(environment, tmp_path)
    assert widget.get("/chat/messages").get_json()["messages"] == []
    assert widget.get("/chat/live").get_json() == {"messages": [], "live": None}
    answered = widget.post("/chat/messages", json={"message": "he has a knife"})
    assert answered.status_code == 200 and "999" in answered.get_json()["replies"][0]["text"]


def test_ended_is_said_only_when_recorded(widget, environment, tmp_path):
    widget.post("/chat/messages", json={"message": "hello"})
    database_down(environment, tmp_path)
    response = widget.post("/chat/end", json={})
    assert response.status_code == 503
    assert response.get_json()["ended"] is False and "End chat again" in response.get_json()["error"]


def test_ending_is_recorded(widget):
    widget.post("/chat/messages", json={"message": "hello"})
    assert widget.post("/chat/end", json={}).get_json() == {"ended": True}


def test_another_site_cannot_end_a_residents_chat(widget):
    widget.post("/chat/messages", json={"message": "hello"})
    refused = widget.post("/chat/end", json={}, headers={"Origin": "https://evil.example"})
    assert refused.status_code == 403
    with database.session_scope() as db:
        assert db.query(EndedChat).count() == 0  # still theirs
