"""The live chat's life: a resident asks for a person and waits in the queue; a caseworker takes
the chat (exactly one, however many press "Take" at once); they talk; the caseworker hands the
resident back to the bot or ends the chat, or the resident leaves the queue.

Every message is stored before anyone is told it was sent; what reaches the resident (the
caseworker's words and what the chat itself says: joined, left, still busy) is marked delivered
once the widget has shown it or Telegram has taken it."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from community_safety.channels import channel_and_user
from community_safety.live_chat.config import LiveChatConfig, default_live_chat
from community_safety.records.models import OPEN_LIVE_CHAT_STATES, LiveChat, LiveChatMessage, StaffUser, utcnow
from community_safety.records.reports import find_or_create_resident

# Telegram allows 4,096 characters in a message; the widget and caseworkers are held to the same.
MAX_TEXT = 4096
# Buttons the chat offers; the channels act on them while a live chat is open, never the bot.
LEAVE = "/leave_live_chat"
KEEP_WAITING = "/keep_waiting"
END = "/end_live_chat"
REQUEST_PERSON = "/request_person"
REQUEST_CALLBACK = "/request_callback"
CHAT_BUTTONS = (LEAVE, KEEP_WAITING, END)


class LiveChatError(ValueError):
    """What a caseworker tried can't be done (someone else has the chat, it ended, an empty reply):
    the message says so, in words to show them."""


@dataclass(frozen=True)
class ResidentTurn:
    """What the channel does with a resident's message while a live chat is open: say these
    replies (maybe none: the person answers), and pass the message on to the bot only if
    ``to_the_bot``."""

    state: str
    replies: list[tuple[str, list[dict[str, str]]]] = field(default_factory=list)
    to_the_bot: bool = False
    place: int | None = None
    language: str = "en"
    closed_since: dt.datetime | None = None  # the chat's start, when the resident has just left it


def open_chat(session: Session, sender: str) -> LiveChat | None:
    return session.execute(
        select(LiveChat).where(LiveChat.sender == sender, LiveChat.state.in_(OPEN_LIVE_CHAT_STATES))
    ).scalar_one_or_none()


def place_in_queue(session: Session, chat: LiveChat) -> int:
    return session.execute(
        select(func.count()).select_from(LiveChat).where(LiveChat.state == "waiting", LiveChat.id <= chat.id)
    ).scalar_one()


def _system(chat: LiveChat, kind: str, text: str, buttons: list[dict[str, str]] | None = None, now=None):
    return LiveChatMessage(
        chat=chat,
        author="system",
        kind=kind,
        text=text,
        buttons=json.dumps(buttons, ensure_ascii=False) if buttons else None,
        created_at=now or utcnow(),
    )


def request_person(
    session: Session, sender: str, need: str | None, language: str, now: dt.datetime | None = None
) -> LiveChat:
    """Into the queue (or the chat already open for this conversation)."""
    existing = open_chat(session, sender)
    if existing:
        return existing
    channel, user = channel_and_user(sender)
    resident = find_or_create_resident(session, channel, user)
    try:
        with session.begin_nested():
            chat = LiveChat(
                resident_id=resident.id,
                sender=sender,
                channel=channel,
                need=need,
                language=language,
                state="waiting",
                requested_at=now or utcnow(),
            )
            session.add(chat)
    except IntegrityError:
        # The same resident's other message opened one a moment ago (one open chat per sender).
        return open_chat(session, sender)
    return chat


def _close(session: Session, chat: LiveChat, state: str, now: dt.datetime, from_states=OPEN_LIVE_CHAT_STATES) -> bool:
    """Closed by whoever gets there first: a caseworker's "end" and the resident's "leave" can't both win."""
    done = session.execute(
        update(LiveChat)
        .where(LiveChat.id == chat.id, LiveChat.state.in_(from_states))
        .values(state=state, closed_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    session.refresh(chat)
    return done == 1


def resident_says(
    session: Session,
    sender: str,
    text: str,
    danger: bool,
    now: dt.datetime | None = None,
    config: LiveChatConfig | None = None,
) -> ResidentTurn | None:
    """A resident's message while their live chat is open; None when none is (the bot answers)."""
    chat = open_chat(session, sender)
    if chat is None:
        return None
    config, now, language = config or default_live_chat(), now or utcnow(), chat.language
    if text in (LEAVE, REQUEST_CALLBACK) or (text == END and chat.state == "active"):
        kind = "resident_ended" if chat.state == "active" else "left_queue"
        if not _close(session, chat, "left", now):
            return resident_says(session, sender, text, danger, now, config)  # a caseworker acted first
        session.add(_system(chat, kind, config.say(kind, language), now=now))
        session.flush()
        if text == REQUEST_CALLBACK:
            return ResidentTurn("left", to_the_bot=True, language=language, closed_since=chat.requested_at)
        return ResidentTurn(
            "left", [(config.say(kind, language), [])], language=language, closed_since=chat.requested_at
        )
    replies: list[tuple[str, list[dict[str, str]]]] = []
    if text not in CHAT_BUTTONS:
        session.add(
            LiveChatMessage(
                chat=chat, author="resident", kind="danger" if danger else "message", text=text, created_at=now
            )
        )
    if danger:
        chat.danger_at = now
        replies.append((config.say("danger", language), []))
    place = None
    if chat.state == "waiting" and not danger:
        place = place_in_queue(session, chat)
        replies.append(
            (config.say("still_in_queue", language, place=place), [config.button("leave_button", LEAVE, language)])
        )
    session.flush()
    return ResidentTurn(chat.state, replies, place=place, language=language)


def resident_gone(session: Session, sender: str, now: dt.datetime | None = None) -> bool:
    """The resident ended the web chat or used quick exit: an open live chat closes, and the
    caseworker's page says why (the resident never sees this)."""
    chat = open_chat(session, sender)
    if chat is None:
        return False
    now = now or utcnow()
    if not _close(session, chat, "left", now):
        return False
    message = _system(chat, "resident_left", "The resident ended the chat or used quick exit.", now=now)
    message.delivered_at = now  # for the caseworker only: the resident's chat is gone
    session.add(message)
    session.flush()
    return True


def chat_by_id(session: Session, chat_id: int) -> LiveChat:
    chat = session.get(LiveChat, chat_id)
    if chat is None:
        raise LiveChatError("There is no such chat.")
    return chat


def take(
    session: Session, chat_id: int, caseworker: StaffUser, now: dt.datetime | None = None, config=None
) -> LiveChat:
    """One conditional UPDATE: of two caseworkers pressing "Take" at once, exactly one gets the chat."""
    config, now = config or default_live_chat(), now or utcnow()
    chat = chat_by_id(session, chat_id)
    taken = session.execute(
        update(LiveChat)
        .where(LiveChat.id == chat_id, LiveChat.state == "waiting")
        .values(state="active", caseworker_id=caseworker.id, taken_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    session.refresh(chat)
    if taken != 1:
        if chat.state == "active":
            raise LiveChatError("Someone else has already taken this chat.")
        raise LiveChatError("This resident is no longer waiting: they left the queue or the chat has ended.")
    who = config.who(caseworker.first_name, chat.language)
    session.add(_system(chat, "joined", config.say("joined", chat.language, who=who), now=now))
    session.flush()
    return chat


def _held_by(session: Session, chat_id: int, caseworker: StaffUser) -> LiveChat:
    chat = chat_by_id(session, chat_id)
    if chat.state == "waiting":
        raise LiveChatError("Take this chat before replying: your message was not sent.")
    if chat.state != "active":
        raise LiveChatError("This chat has ended: your message was not sent.")
    if chat.caseworker_id != caseworker.id:
        raise LiveChatError("Another caseworker has this chat: your message was not sent.")
    return chat


def clean_reply(text: Any) -> str:
    if not isinstance(text, str) or not text.strip():
        raise LiveChatError("Write a message before sending.")
    text = text.strip()
    if len(text) > MAX_TEXT:
        raise LiveChatError(
            f"That message is too long ({len(text):,} characters): send at most {MAX_TEXT:,} at a time."
        )
    return text


def _caseworker_says(
    session: Session, chat_id: int, caseworker: StaffUser, text: str, kind: str, now: dt.datetime | None
) -> LiveChatMessage:
    chat = _held_by(session, chat_id, caseworker)
    message = LiveChatMessage(
        chat=chat, author="caseworker", kind=kind, text=text, staff_user_id=caseworker.id, created_at=now or utcnow()
    )
    session.add(message)
    session.flush()
    return message


def reply(
    session: Session, chat_id: int, caseworker: StaffUser, text: Any, now: dt.datetime | None = None
) -> LiveChatMessage:
    return _caseworker_says(session, chat_id, caseworker, clean_reply(text), "message", now)


def send_service(
    session: Session, chat_id: int, caseworker: StaffUser, text: str, now: dt.datetime | None = None
) -> LiveChatMessage:
    """A service's card (name, how to reach it, hours), in the resident's language, sent as the caseworker's."""
    return _caseworker_says(session, chat_id, caseworker, text, "service", now)


def hand_back(
    session: Session,
    chat_id: int,
    caseworker: StaffUser,
    where: tuple[str, list[dict[str, str]]] | None = None,
    now: dt.datetime | None = None,
    config: LiveChatConfig | None = None,
) -> LiveChat:
    """The bot answers again, from where it was: ``where`` is the question it had asked (a half-filled
    report's), said again with its buttons."""
    config, now = config or default_live_chat(), now or utcnow()
    chat = _held_by(session, chat_id, caseworker)
    if not _close(session, chat, "handed_back", now, ("active",)):
        raise LiveChatError("This chat has ended.")
    text, buttons = config.say("handed_back", chat.language), []
    if where:
        text += "\n\n" + config.say("handed_back_question", chat.language, question=where[0])
        buttons = where[1]
    session.add(_system(chat, "handed_back", text, buttons, now=now))
    session.flush()
    return chat


def end(session: Session, chat_id: int, caseworker: StaffUser, now: dt.datetime | None = None, config=None) -> LiveChat:
    config, now = config or default_live_chat(), now or utcnow()
    chat = _held_by(session, chat_id, caseworker)
    if not _close(session, chat, "ended", now, ("active",)):
        raise LiveChatError("This chat has ended.")
    session.add(_system(chat, "ended", config.say("ended", chat.language), now=now))
    session.flush()
    return chat


def offer_callbacks_to_the_long_waiting(
    session: Session, now: dt.datetime | None = None, config: LiveChatConfig | None = None
) -> int:
    """Residents who have waited ``wait_minutes`` are told everyone is busy and offered a call-back,
    once each (a conditional UPDATE, so two processes doing this tell each resident once)."""
    config, now = config or default_live_chat(), now or utcnow()
    waiting = session.execute(
        select(LiveChat).where(
            LiveChat.state == "waiting",
            LiveChat.callback_offered_at.is_(None),
            LiveChat.requested_at <= now - config.wait,
        )
    ).scalars()
    told = 0
    for chat in list(waiting):
        claimed = session.execute(
            update(LiveChat)
            .where(LiveChat.id == chat.id, LiveChat.callback_offered_at.is_(None), LiveChat.state == "waiting")
            .values(callback_offered_at=now)
            .execution_options(synchronize_session=False)
        ).rowcount
        if claimed:
            buttons = [
                config.button("keep_waiting_button", KEEP_WAITING, chat.language),
                config.button("callback_button", REQUEST_CALLBACK, chat.language),
            ]
            session.add(_system(chat, "waited_too_long", config.say("waited_too_long", chat.language), buttons, now))
            told += 1
    session.flush()
    return told


# --- what reaches the resident ------------------------------------------------------------------


@dataclass(frozen=True)
class Said:
    """One message of a live chat as a channel shows it."""

    id: int
    author: str  # resident | caseworker | system
    kind: str
    text: str
    buttons: list[dict[str, str]]
    at: dt.datetime

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "from": {"caseworker": "person", "system": "chat"}.get(self.author, self.author),
            "text": self.text,
            "buttons": self.buttons,
            "at": self.at.isoformat(),
        }


def _said(message: LiveChatMessage) -> Said:
    buttons = json.loads(message.buttons) if message.buttons else []
    return Said(message.id, message.author, message.kind, message.text, buttons, message.created_at)


def said_to(session: Session, sender: str, after_id: int = 0, mark_delivered: bool = True, now=None) -> list[Said]:
    """What caseworkers and the chat have said to this resident since ``after_id``, oldest first."""
    messages = list(
        session.execute(
            select(LiveChatMessage)
            .join(LiveChat)
            .where(
                LiveChat.sender == sender,
                LiveChatMessage.id > after_id,
                LiveChatMessage.author != "resident",
                LiveChatMessage.kind != "resident_left",
            )
            .order_by(LiveChatMessage.id)
        ).scalars()
    )
    if mark_delivered:
        for message in messages:
            message.delivered_at = message.delivered_at or now or utcnow()
    return [_said(m) for m in messages]


def whole_chat(session: Session, sender: str, after_id: int = 0) -> list[Said]:
    """Everything said in this conversation's live chats (for a transcript after a reload), or since ``after_id``."""
    return [
        _said(m)
        for m in session.execute(
            select(LiveChatMessage)
            .join(LiveChat)
            .where(LiveChat.sender == sender, LiveChatMessage.id > after_id)
            .order_by(LiveChatMessage.id)
        ).scalars()
    ]


def undelivered(session: Session, channel: str, limit: int = 100) -> list[tuple[str, Said]]:
    """(sender, message) not yet delivered on this channel, oldest first: for the Telegram bridge."""
    rows = session.execute(
        select(LiveChat.sender, LiveChatMessage)
        .join(LiveChat)
        .where(
            LiveChat.channel == channel, LiveChatMessage.author != "resident", LiveChatMessage.delivered_at.is_(None)
        )
        .order_by(LiveChatMessage.id)
        .limit(limit)
    ).all()
    return [(sender, _said(message)) for sender, message in rows]


def mark_delivered(session: Session, message_ids: list[int], now: dt.datetime | None = None) -> None:
    if message_ids:
        session.execute(
            update(LiveChatMessage)
            .where(LiveChatMessage.id.in_(message_ids), LiveChatMessage.delivered_at.is_(None))
            .values(delivered_at=now or utcnow())
            .execution_options(synchronize_session=False)
        )


def status_for_resident(session: Session, sender: str) -> dict[str, Any] | None:
    """The open chat as the widget shows it: waiting (with the place) or with a person."""
    chat = open_chat(session, sender)
    if chat is None:
        return None
    status: dict[str, Any] = {"state": chat.state}
    if chat.state == "waiting":
        status["place"] = place_in_queue(session, chat)
    return status
