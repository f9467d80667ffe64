"""Send a message to a resident's Telegram chat outside a conversation (a caseworker's update).
Synchronous and small: the staff site calls it after saving the update."""

from __future__ import annotations

import logging

import httpx

from bot.telegram.replies import split_text
from bot.telegram.settings import Settings, SettingsError

log = logging.getLogger(__name__)


def push_message(chat_id: str, text: str) -> bool:
    """True when Telegram accepted every part of the message."""
    try:
        settings = Settings.from_environment()
    except SettingsError:
        return False  # no bridge configured: the resident is told when they next ask
    try:
        with httpx.Client(timeout=15) as client:
            for piece in split_text(text):
                response = client.post(
                    f"{settings.base_url}{settings.token}/sendMessage", json={"chat_id": chat_id, "text": piece}
                )
                if response.status_code != 200 or not response.json().get("ok"):
                    log.warning("Telegram refused an update to a resident (HTTP %s)", response.status_code)
                    return False
    except (httpx.HTTPError, ValueError) as error:
        log.warning("Could not reach Telegram to send an update (%s)", type(error).__name__)
        return False
    return True
