"""Caseworkers' updates to Telegram residents, sent by the bridge: the records keep each update until
Telegram has taken it (community_safety/updates.py ``due_on_telegram``), so an update saved while
Telegram or the bridge was down goes as soon as both are back, and the staff site never waits on
Telegram."""

from __future__ import annotations

import asyncio
import logging
import time

from sqlalchemy.exc import SQLAlchemyError
from telegram.error import Forbidden, TelegramError
from telegram.ext import Application

from bot.telegram.replies import split_text
from community_safety.records.database import session_scope
from community_safety.updates import due_on_telegram, sent_on_telegram

log = logging.getLogger(__name__)
# After Telegram refused or could not be reached, wait this long before trying again.
RETRY_AFTER_SECONDS = 10.0
BLOCKED = "telegram_updates_blocked"  # change ids whose resident blocked the bot: not tried again
RETRY_AT = "telegram_updates_retry_at"


def _due() -> list[tuple[int, str, str]]:
    with session_scope() as db:
        return due_on_telegram(db)


def _sent(change_ids: list[int]) -> None:
    with session_scope() as db:
        sent_on_telegram(db, change_ids)


async def send_updates_once(application: Application) -> int:
    """Sends the updates that are due; returns how many went."""
    if time.monotonic() < application.bot_data.get(RETRY_AT, 0.0):
        return 0
    blocked: set[int] = application.bot_data.setdefault(BLOCKED, set())
    try:
        due = [item for item in await asyncio.to_thread(_due) if item[0] not in blocked]
    except SQLAlchemyError as error:
        log.warning("Could not read caseworkers' updates to send (%s)", type(error).__name__)
        return 0
    sent: list[int] = []
    for change_id, chat_id, text in due:
        try:
            for piece in split_text(text):
                await application.bot.send_message(chat_id, piece)
        except Forbidden:
            # The resident blocked the bot: left unsent, so staff see it has not reached them and the
            # resident is told if they ask about their report.
            blocked.add(change_id)
            log.warning("An update could not reach a resident who blocked the bot")
            continue
        except TelegramError as error:
            log.warning("Telegram did not take an update (%s): trying again shortly", type(error).__name__)
            application.bot_data[RETRY_AT] = time.monotonic() + RETRY_AFTER_SECONDS
            break
        sent.append(change_id)
    if sent:
        try:
            await asyncio.to_thread(_sent, sent)
        except SQLAlchemyError as error:
            log.warning("Could not mark updates sent (%s)", type(error).__name__)
    return len(sent)
