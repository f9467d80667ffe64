"""The widget's endpoint over real HTTP: the web server process forwarding to the real Rasa."""

from __future__ import annotations

import time

import pytest
import requests

from tests.stack import free_port, start_web_server


def say(session: requests.Session, base: str, message) -> requests.Response:
    return session.post(f"{base}/chat/messages", json={"message": message}, timeout=60)


def test_an_emergency_gets_999_first(web_url):
    response = say(requests.Session(), web_url, "there's a fire in the stairwell")
    assert response.status_code == 200
    assert response.json()["replies"][0]["text"].startswith("Call 999")


def test_buttons_come_back_as_title_and_payload(web_url):
    replies = say(requests.Session(), web_url, "/help").json()["replies"]
    buttons = [b for r in replies for b in r["buttons"]]
    assert buttons[0] == {"title": "In danger now? Call 999", "payload": "/emergency"}


def test_the_transcript_belongs_to_the_cookie_and_a_body_cannot_choose_the_sender(web_url):
    alice, mallory = requests.Session(), requests.Session()
    say(alice, web_url, "my neighbour's dog barks all night")
    # A forged sender in the body, and a made-up cookie, reach nobody's conversation.
    mallory.post(f"{web_url}/chat/messages", json={"message": "hi", "sender": "web:anything"}, timeout=60)
    mallory.cookies.set("community_safety_session", "eyJjaGF0X2lkIjoiYWxpY2UifQ.forged.signature")
    seen_by_mallory = mallory.get(f"{web_url}/chat/messages", timeout=30).json()["messages"]
    assert all("dog" not in m["text"] for m in seen_by_mallory)
    seen_by_alice = alice.get(f"{web_url}/chat/messages", timeout=30).json()["messages"]
    assert seen_by_alice[0] == {"from": "resident", "text": "my neighbour's dog barks all night", "buttons": []}
    assert seen_by_alice[1]["from"] == "bot"


def test_a_pressed_button_shows_its_title_in_the_transcript(web_url):
    resident = requests.Session()
    say(resident, web_url, "/help")
    say(resident, web_url, "/report_asb")
    messages = resident.get(f"{web_url}/chat/messages", timeout=30).json()["messages"]
    assert [m["text"] for m in messages if m["from"] == "resident"] == ["/help", "Anti-social behaviour"]


def test_ending_the_chat_forgets_it_in_this_browser(web_url):
    resident = requests.Session()
    say(resident, web_url, "someone keeps spraying graffiti on our block")
    assert resident.post(f"{web_url}/chat/end", json={}, timeout=10).json() == {"ended": True}
    assert resident.get(f"{web_url}/chat/messages", timeout=30).json()["messages"] == []


def test_ending_the_chat_revokes_a_copied_cookie(web_url):
    """Someone who copied the cookie on a shared device can't read the conversation after "End chat"."""
    resident = requests.Session()
    say(resident, web_url, "my partner hits me")
    copied = requests.Session()
    copied.cookies.update(resident.cookies)
    assert copied.get(f"{web_url}/chat/messages", timeout=30).json()["messages"]  # the cookie works...
    resident.post(f"{web_url}/chat/end", json={}, timeout=10)
    assert copied.get(f"{web_url}/chat/messages", timeout=30).json()["messages"] == []  # ...then never again
    replies = copied.post(f"{web_url}/chat/messages", json={"message": "what's happening with my report"}, timeout=60)
    assert replies.ok  # it may start a new conversation, as anyone may
    assert "partner" not in str(copied.get(f"{web_url}/chat/messages", timeout=30).json())


def test_the_chat_cookie_expires_when_idle(web_url):
    resident = requests.Session()
    say(resident, web_url, "hello")
    cookie = next(c for c in resident.cookies if c.name == "community_safety_session")
    # Not Flask's 31 days: the idle time in the settings (60 minutes), renewed with each message.
    assert cookie.expires is not None and cookie.expires - time.time() <= 60 * 60 + 5


@pytest.mark.parametrize(
    "body, content_type, status",
    [
        (b'{"message": "hi"}', "text/plain", 415),
        (b"not json", "application/json", 400),
        (b"\xff\xfe\xfd", "application/json", 400),
        (b"[]", "application/json", 400),
        (b'{"message": 42}', "application/json", 400),
        (b'{"message": null}', "application/json", 400),
        (b'{"text": "hi"}', "application/json", 400),
        (b'{"message": "   \\u0000\\u202e  "}', "application/json", 400),
        (b'{"message": "' + b"a" * 5000 + b'"}', "application/json", 400),
        (b'{"message": "' + b"a" * (1024 * 1024) + b'"}', "application/json", 413),
    ],
    ids=[
        "not-json-type",
        "bad-json",
        "invalid-utf8",
        "list",
        "number",
        "null",
        "no-message",
        "only-controls",
        "too-long",
        "1MB",
    ],
)
def test_bad_bodies_get_a_clear_4xx(web_url, body, content_type, status):
    response = requests.post(f"{web_url}/chat/messages", data=body, headers={"Content-Type": content_type}, timeout=30)
    assert response.status_code == status
    assert response.json()["error"]


def test_bengali_and_emoji_get_an_answer(web_url):
    response = say(requests.Session(), web_url, "আমার প্রতিবেশী খুব জোরে গান বাজায় 😡")
    assert response.status_code == 200 and response.json()["replies"]


def test_only_allowed_pages_may_embed_the_chat(web_url):
    allowed = requests.post(
        f"{web_url}/chat/messages", json={"message": "hello"}, headers={"Origin": "http://council.example"}, timeout=60
    )
    assert allowed.status_code == 200
    assert allowed.headers["Access-Control-Allow-Origin"] == "http://council.example"
    assert allowed.headers["Access-Control-Allow-Credentials"] == "true"
    refused = requests.post(
        f"{web_url}/chat/messages", json={"message": "hello"}, headers={"Origin": "http://evil.example"}, timeout=10
    )
    assert refused.status_code == 403 and "Access-Control-Allow-Origin" not in refused.headers


def test_pages_carry_security_headers(web_url):
    headers = requests.get(web_url, timeout=10).headers
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"


@pytest.fixture(scope="module")
def web_without_rasa(tmp_path_factory):
    process, base = start_web_server(tmp_path_factory.mktemp("web-no-rasa"), f"http://127.0.0.1:{free_port()}")
    yield base
    process.stop()


def test_rasa_down_still_gives_999_and_101(web_without_rasa):
    response = say(requests.Session(), web_without_rasa, "people keep smashing bottles in the park")
    assert response.status_code == 200
    [reply] = response.json()["replies"]
    assert "999" in reply["text"] and "101" in reply["text"]
    response = say(requests.Session(), web_without_rasa, "he is hitting her right now")
    assert response.json()["replies"][0]["text"].startswith("Call 999")
