"""Talking to a person on Telegram: the caseworker's words (and what the chat says: joined, left,
handed back) reach the resident within a second or two. The bridge asks the records for what is
undelivered every half second (bot/telegram/delivery.py) and marks each message once Telegram has taken it, so
a message stored while Telegram or the bridge was down goes as soon as they are back."""

from __future__ import annotations

import asyncio
import logging

from sqlalchemy.exc import SQLAlchemyError
from telegram.error import Forbidden, TelegramError
from telegram.ext import Application

from bot.rasa_client import Button
from bot.telegram.replies import keyboard, split_text
from community_safety.channels import channel_and_user
from community_safety.live_chat.chats import mark_delivered, offer_callbacks_to_the_long_waiting, undelivered
from community_safety.records.database import session_scope

log = logging.getLogger(__name__)


def _due(sweep: bool) -> list:
    with session_scope() as db:
        if sweep:
            offer_callbacks_to_the_long_waiting(db)
        return undelivered(db, "telegram")


def _delivered(ids: list[int]) -> None:
    with session_scope() as db:
        mark_delivered(db, ids)


async def deliver_once(application: Application, sweep: bool = True) -> int:
    """Sends what is due; returns how many messages went. ``sweep``: also offer call-backs to residents
    who have waited too long."""
    try:
        due = await asyncio.to_thread(_due, sweep)
    except SQLAlchemyError as error:
        log.warning("Could not read live chat messages to send (%s)", type(error).__name__)
        return 0
    sent: list[int] = []
    for sender, message in due:
        chat_id = channel_and_user(sender)[1]
        buttons = tuple(Button(b["title"], b["payload"]) for b in message.buttons)
        pieces = split_text(message.text) or [" "]
        try:
            for number, piece in enumerate(pieces, start=1):
                markup = keyboard(buttons) if number == len(pieces) else None
                await application.bot.send_message(chat_id, piece, reply_markup=markup)
        except Forbidden:
            sent.append(message.id)  # the resident blocked the bot: it can never go, don't try forever
            log.warning("A live chat message could not reach a resident who blocked the bot")
            continue
        except TelegramError as error:
            log.warning("Telegram did not take a live chat message (%s): trying again", type(error).__name__)
            break  # in order: the rest wait for this one
        sent.append(message.id)
    if sent:
        try:
            await asyncio.to_thread(_delivered, sent)
        except SQLAlchemyError as error:
            log.warning("Could not mark live chat messages delivered (%s)", type(error).__name__)
    return len(sent)
