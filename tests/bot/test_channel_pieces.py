"""The channels' pure parts: splitting, button ids, cleaning text, messages and settings."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.messages import NEEDED, MessagesError, load_messages
from bot.rasa_client import MAX_MESSAGE, Button, clean_text, parse_replies, unavailable_replies
from bot.telegram.replies import keyboard, split_text
from bot.telegram.settings import Settings, SettingsError


@given(st.text(min_size=1, max_size=12000))
def test_split_text_keeps_every_word_within_the_limit(text):
    pieces = split_text(text)
    assert all(0 < len(piece) <= 4096 for piece in pieces)
    assert "".join(pieces).split() == text.split() or "".join("".join(pieces).split()) == "".join(text.split())


def test_split_text_breaks_at_paragraphs():
    text = ("word " * 600).strip() + "\n\n" + ("more " * 600).strip()
    first, second = split_text(text)
    assert first.endswith("word") and second.startswith("more")


def test_buttons_carry_their_whole_payload_one_a_row():
    # python-telegram-bot's arbitrary callback data swaps each payload for a short id when it sends.
    long_payload = '/inform{"answer": "' + "x" * 100 + '"}'
    markup = keyboard((Button("Yes", "yes"), Button("", long_payload)))
    assert [[b.callback_data for b in row] for row in markup.inline_keyboard] == [["yes"], [long_payload]]
    assert markup.inline_keyboard[1][0].text == long_payload[:64]
    assert keyboard(()) is None


def test_clean_text_drops_controls_and_bidi_overrides_but_keeps_languages():
    assert clean_text("  hi\u202e there\x00 \u09a6\u09b2 😡 ") == "hi there \u09a6\u09b2 😡"
    assert clean_text("line one\nline two") == "line one\nline two"
    assert MAX_MESSAGE == 4096


def test_rasa_replies_are_read_defensively():
    assert (
        parse_replies([{"text": "hi", "buttons": [{"title": "A", "payload": "/a"}, "junk"]}, 3, {}])[0]
        .buttons[0]
        .payload
        == "/a"
    )
    with pytest.raises(Exception):  # noqa: B017 - any refusal will do; what matters is no reply list
        parse_replies({"not": "a list"})


def test_the_unavailable_answers_come_from_the_directory():
    assert unavailable_replies("the bins")[0].text.count("999") == 1 and "101" in unavailable_replies("x")[0].text
    assert unavailable_replies("he has a gun")[0].text.startswith("Call 999")


def test_a_messages_file_naming_an_unknown_service_stops_start_up(tmp_path):
    bad = tmp_path / "messages.yml"
    bad.write_text("\n".join(f"{name}: call {{nowhere.phone}}" for name in NEEDED))
    with pytest.raises(MessagesError, match="nowhere.phone"):
        load_messages(bad)


def test_settings_need_a_token_and_a_webhook_secret(environment):
    environment(
        TELEGRAM_BOT_TOKEN=None, TELEGRAM_WEBHOOK_URL=None, TELEGRAM_WEBHOOK_SECRET=None, TELEGRAM_BASE_URL=None
    )
    with pytest.raises(SettingsError, match="TELEGRAM_BOT_TOKEN"):
        Settings.from_environment()
    environment(TELEGRAM_BOT_TOKEN="1:a", TELEGRAM_WEBHOOK_URL="https://x/telegram/webhook")
    with pytest.raises(SettingsError, match="SECRET"):
        Settings.from_environment()
    environment(TELEGRAM_WEBHOOK_URL=None)
    bridge = Settings.from_environment()
    assert not bridge.uses_webhook and bridge.base_url == "https://api.telegram.org/bot"


def test_the_sliding_window_lets_a_burst_through_then_waits():
    from web_security.limits import SlidingWindow

    window = SlidingWindow(limit=3, seconds=60)
    assert [window.allow("a", now=t) for t in (0, 1, 2)] == [0, 0, 0]
    assert window.allow("a", now=3) == pytest.approx(57)
    assert window.allow("b", now=3) == 0  # another conversation is not held up
    assert window.allow("a", now=61) == 0  # the first request has left the window


def test_the_widget_endpoint_limits_each_conversation_and_each_address(tmp_path):
    from bot.widget.app import create_app

    app = create_app({"SECRET_KEY": "test", "WIDGET_RATE_PER_SESSION": 3, "WIDGET_RATE_PER_ADDRESS": 5})
    first, second = app.test_client(), app.test_client()
    for client, chat_id in ((first, "one"), (second, "two")):
        with client.session_transaction() as session:
            session["chat_id"] = chat_id
    # Empty messages are refused at once, but still count: nothing reaches Rasa here.
    responses = [first.post("/chat/messages", json={"message": ""}) for _ in range(4)]
    assert [r.status_code for r in responses] == [400, 400, 400, 429]
    assert int(responses[-1].headers["Retry-After"]) > 0 and "999" in responses[-1].get_json()["error"]
    # The same address: the second conversation gets the address's remaining requests.
    assert [second.post("/chat/messages", json={"message": ""}).status_code for _ in range(3)] == [400, 429, 429]


def test_the_widget_endpoints_own_answers_are_in_the_widgets_language():
    from bot.widget.app import create_app

    app = create_app({"SECRET_KEY": "test", "WIDGET_RATE_PER_SESSION": 1, "WIDGET_RATE_PER_ADDRESS": 10})
    client = app.test_client()
    with client.session_transaction() as session:
        session["chat_id"] = "bn"
    empty = client.post("/chat/messages", json={"message": " ", "language": "bn"})
    assert empty.status_code == 400 and empty.get_json()["error"].startswith("আপনার মেসেজ খালি ছিল")
    limited = client.post("/chat/messages", json={"message": "hello", "language": "bn"})
    assert limited.status_code == 429 and "999-এ ফোন করুন" in limited.get_json()["error"]
    # Anything else in "language" is English.
    limited = client.post("/chat/messages", json={"message": "hello", "language": ["bn"]})
    assert "call 999 now" in limited.get_json()["error"]
