"""Bad input, generated: whatever arrives at the widget endpoint or the Telegram webhook gets a
clear answer, never a 5xx, and the bot keeps working for the next resident."""

from __future__ import annotations

import json

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.bot.conftest import SECRET

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=50),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=10,
)
# What residents really send: other scripts, emoji, controls and bidi marks, and very long text.
RESIDENT_TEXT = st.one_of(
    st.text(max_size=300),
    st.text(alphabet=st.sampled_from("আমারপ্রতিবেশীগানবাজায়😡🔪🏠 \u202e\u2066\u0000\u200b\n\t"), max_size=200),
    st.builds(lambda n: "a" * n, st.integers(min_value=4000, max_value=9000)),
)
FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture(scope="module")
def widget(rasa_url):
    from bot.widget.app import create_app

    app = create_app(
        {"SECRET_KEY": "fuzz", "RASA_URL": rasa_url, "WIDGET_RATE_PER_SESSION": 10**6, "WIDGET_RATE_PER_ADDRESS": 10**6}
    )
    return app.test_client()


def check(response):
    assert response.status_code < 500, response.get_data(as_text=True)[:300]
    body = response.get_json()
    assert isinstance(body, dict) and (body.get("replies") or body.get("error")), body


@FUZZ
@given(body=JSON)
def test_any_json_body(widget, body):
    check(widget.post("/chat/messages", json=body))


@FUZZ
@given(message=RESIDENT_TEXT)
def test_any_message_text(widget, message):
    check(widget.post("/chat/messages", json={"message": message}))


@FUZZ
@given(raw=st.binary(max_size=2000))
def test_any_bytes(widget, raw):
    check(widget.post("/chat/messages", data=raw, content_type="application/json"))


def test_a_one_megabyte_message(widget):
    check(widget.post("/chat/messages", json={"message": "x" * (1024 * 1024)}))


@FUZZ
@given(body=JSON | st.fixed_dictionaries({"update_id": st.integers(), "message": JSON}))
def test_the_telegram_webhook_takes_anything_without_a_5xx(webhook, body):
    _, url = webhook
    response = requests.post(
        url,
        data=json.dumps(body),
        headers={"X-Telegram-Bot-Api-Secret-Token": SECRET, "Content-Type": "application/json"},
        timeout=10,
    )
    assert response.status_code in (200, 400)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=RESIDENT_TEXT)
def test_the_telegram_bridge_answers_any_text(webhook, text):
    fake, url = webhook
    chat_id = 7500

    def post():
        update = fake.update(**fake.text_update(chat_id, text))
        assert (
            requests.post(url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": SECRET}, timeout=10).status_code
            == 200
        )

    replies = fake.reply_after(chat_id, post)
    assert replies and all(0 < len(r["text"]) <= 4096 for r in replies)
