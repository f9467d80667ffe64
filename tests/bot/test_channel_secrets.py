"""Only the channels may speak to Rasa, each only for its own residents: a sender id is an identity,
so nobody who can reach Rasa may choose one."""

from __future__ import annotations

import os

import pytest
import requests


def post(rasa_url: str, sender: str, secret: str | None, path: str = "/webhooks/council/webhook"):
    headers = {"Authorization": f"Bearer {secret}"} if secret else {}
    return requests.post(
        f"{rasa_url}{path}", json={"sender": sender, "message": "/report_status"}, headers=headers, timeout=60
    )


def test_rasas_open_rest_webhook_is_gone(rasa_url):
    # Before: anyone who could reach Rasa read a Telegram resident's reports by naming their chat.
    assert post(rasa_url, "telegram:424242", None, "/webhooks/rest/webhook").status_code == 404


@pytest.mark.parametrize(
    "sender,secret,status",
    [
        ("telegram:424242", None, 401),
        ("telegram:424242", "a guess", 401),
        ("telegram:424242", "WEB_CHANNEL_SECRET", 403),  # the web server can't speak for a Telegram chat
        ("web:someone", "TELEGRAM_CHANNEL_SECRET", 403),  # nor the bridge for a web chat
        ("424242", "TELEGRAM_CHANNEL_SECRET", 403),
    ],
)
def test_a_message_needs_its_channels_secret_and_a_sender_of_its_own(rasa_url, sender, secret, status):
    assert post(rasa_url, sender, os.environ.get(secret, secret) if secret else None).status_code == status


def test_each_channel_speaks_for_its_own_residents(rasa_url):
    assert post(rasa_url, "web:someone", os.environ["WEB_CHANNEL_SECRET"]).json()
    assert post(rasa_url, "telegram:424242", os.environ["TELEGRAM_CHANNEL_SECRET"]).json()


def action_call(sender: str) -> dict:
    return {
        "next_action": "action_report_status",
        "sender_id": sender,
        "tracker": {"sender_id": sender, "slots": {}, "latest_message": {}, "events": [], "paused": False,
                    "followup_action": None, "active_loop": {}, "latest_action_name": None},
        "domain": {},
        "version": "3.6.2",
    }  # fmt: skip


def test_the_action_server_runs_actions_only_for_rasa(action_server):
    # Before: anyone who could reach it ran any action as any resident.
    call = action_call("telegram:424242")
    assert requests.post(action_server, json=call, timeout=30).status_code == 401
    wrong = {"Authorization": "Bearer a guess"}
    assert requests.post(action_server, json=call, headers=wrong, timeout=30).status_code == 401
    right = {"Authorization": f"Bearer {os.environ['ACTION_SERVER_SECRET']}"}
    answer = requests.post(action_server, json=call, headers=right, timeout=30)
    assert answer.ok and answer.json()["responses"]
    assert requests.get(action_server.replace("/webhook", "/health"), timeout=10).ok
