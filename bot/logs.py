"""Logging for the channel processes: levels and names only, no request URLs (Telegram's hold
the bot token; Rasa's tracker URLs hold a resident's sender id)."""

from __future__ import annotations

import logging


def configure() -> None:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)
