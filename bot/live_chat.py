"""The channels' side of talking to a person: while a resident has an open live chat, their
messages go to the caseworker, not the bot (exactly one answers). Danger words still get 999
at once, here, without Rasa, and the caseworker sees an alert. Used by the widget and the
Telegram bridge alike."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from bot.rasa_client import Button, Reply
from community_safety.live_chat.chats import CHAT_BUTTONS, resident_says
from community_safety.live_chat.config import default_live_chat
from community_safety.records.conversations import where_the_bot_was
from community_safety.records.database import session_scope
from nlu.components.emergency_language import load as load_emergency_language

log = logging.getLogger(__name__)
# A chat button pressed after the chat has closed: the bot's menu instead.
MENU = "/help"


@dataclass(frozen=True)
class LiveTurn:
    """What to answer now (maybe nothing: the person answers), and what to send the bot instead,
    if anything (None: the bot is not asked)."""

    replies: list[Reply] = field(default_factory=list)
    to_the_bot: str | None = None
    live: dict[str, Any] | None = None


def for_the_bot(turn: LiveTurn | None, text: str, said: str) -> str:
    """What the bot is sent: ``text`` (a payload, when the resident's ``said`` is what a person would
    read instead), unless the live chat sends it something else (the menu, for a closed chat's button)."""
    return text if turn is None or turn.to_the_bot == said else turn.to_the_bot


def _reply(text: str, buttons: list[dict[str, str]]) -> Reply:
    return Reply(text, tuple(Button(b["title"], b["payload"]) for b in buttons))


def for_a_person(sender: str, text: str) -> LiveTurn | None:
    """None when no live chat is open: the message goes to the bot as usual. When the records
    can't be read it goes to the bot too: better an answer than silence."""
    danger = bool(load_emergency_language().find(text))
    try:
        with session_scope() as db:
            turn = resident_says(db, sender, text, danger)
    except SQLAlchemyError as error:
        log.warning("Could not check for a live chat (%s): the bot answers", type(error).__name__)
        return None
    if turn is None:
        return LiveTurn(to_the_bot=MENU) if text in CHAT_BUTTONS else None
    replies = [_reply(words, buttons) for words, buttons in turn.replies]
    if turn.state == "left":
        where = where_the_bot_was(sender, turn.closed_since) if turn.closed_since else None
        if where and not turn.to_the_bot:
            language = turn.language
            replies.append(
                _reply(default_live_chat().say("handed_back_question", language, question=where[0]), where[1])
            )
        return LiveTurn(replies, to_the_bot=text if turn.to_the_bot else None)
    live: dict[str, Any] = {"state": turn.state}
    if turn.place is not None:
        live["place"] = turn.place
    return LiveTurn(replies, live=live)
