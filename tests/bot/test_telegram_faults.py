"""The bridge when things go wrong: Rasa unreachable, and the webhook's secret token."""

from __future__ import annotations

import pytest
import requests

from tests.bot.conftest import SECRET
from tests.fake_telegram import TOKEN
from tests.stack import free_port, start_telegram_bridge


@pytest.fixture(scope="module")
def bridge_without_rasa(telegram, tmp_path_factory):
    # Nothing listens on this port: Rasa is down.
    process = start_telegram_bridge(
        tmp_path_factory.mktemp("no-rasa"),
        f"http://127.0.0.1:{free_port()}",
        telegram.base_url,
        TOKEN,
        name="telegram-no-rasa",
    )
    yield process
    process.stop()


def test_rasa_down_still_gives_999_and_101(telegram, bridge_without_rasa):
    chat_id = 7001
    [reply] = telegram.reply_after(chat_id, lambda: telegram.send_text(chat_id, "the bins weren't collected"))
    assert "999" in reply["text"] and "101" in reply["text"] and "try me again" in reply["text"]
    [reply] = telegram.reply_after(chat_id, lambda: telegram.send_text(chat_id, "he's got a knife and he's coming in"))
    assert reply["text"].startswith("Call 999")
    # Logged without the resident's words or chat id.
    log = bridge_without_rasa.log.read_text()
    assert "Rasa unavailable" in log and "knife" not in log and str(chat_id) not in log


def test_the_webhook_is_registered_with_its_secret(webhook):
    fake, url = webhook
    [registered] = fake.called("setWebhook")
    assert registered["url"] == url and registered["secret_token"] == SECRET


@pytest.mark.parametrize(
    "headers",
    [{}, {"X-Telegram-Bot-Api-Secret-Token": "wrong"}, {"X-Telegram-Bot-Api-Secret-Token": SECRET[:-1]}],
    ids=["missing", "wrong", "almost"],
)
def test_the_webhook_refuses_a_wrong_or_missing_secret(webhook, headers):
    fake, url = webhook
    update = fake.update(**fake.text_update(7101, "hello"))
    response = requests.post(url, json=update, headers=headers, timeout=10)
    assert response.status_code == 403
    assert fake.sent(7101) == []


def test_the_webhook_answers_an_update_with_the_right_secret(webhook):
    fake, url = webhook
    chat_id = 7102

    def post():
        update = fake.update(**fake.text_update(chat_id, "someone is threatening to stab me"))
        response = requests.post(url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": SECRET}, timeout=10)
        assert response.status_code == 200

    replies = fake.reply_after(chat_id, post)
    assert replies[0]["text"].startswith("Call 999")


def test_the_webhook_refuses_a_body_that_is_not_an_update(webhook):
    _, url = webhook
    response = requests.post(
        url, data=b"\xff\xfe not json", headers={"X-Telegram-Bot-Api-Secret-Token": SECRET}, timeout=10
    )
    assert response.status_code == 400
