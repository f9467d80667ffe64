"""Web chats the resident ended ("End chat", "Leave this site"). The widget's cookie is signed,
not stored, so ending must be remembered here for a copied cookie to stop working."""

from __future__ import annotations

import datetime as dt
import hashlib

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from community_safety.records.models import EndedChat, utcnow


def _key(chat_id: str) -> str:
    return hashlib.sha256(chat_id.encode("utf-8")).hexdigest()


def end_chat(session: Session, chat_id: str) -> None:
    if session.get(EndedChat, _key(chat_id)) is None:
        session.add(EndedChat(chat_key=_key(chat_id), ended_at=utcnow()))


def is_ended(session: Session, chat_id: str) -> bool:
    return session.execute(select(EndedChat.chat_key).where(EndedChat.chat_key == _key(chat_id))).first() is not None


def purge_ended_chats(session: Session, before: dt.datetime) -> int:
    """Chats ended before any of their cookies could still be valid need not be remembered."""
    return session.execute(delete(EndedChat).where(EndedChat.ended_at < before)).rowcount or 0
