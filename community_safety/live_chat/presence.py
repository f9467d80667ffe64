"""Who is there to chat. A caseworker is available while they have said so on the "Live chats"
page and that page keeps checking in (``presence_seconds``) and they keep using it
(``idle_minutes``): closing the page, losing the connection or walking away takes them off by
itself, so no resident waits for someone who has left."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from community_safety.live_chat.config import LiveChatConfig, default_live_chat
from community_safety.records.models import StaffPresence, StaffUser, utcnow
from community_safety.signposting import opening_hours_moment


def check_in(
    session: Session,
    staff_user_id: int,
    available: bool | None = None,
    active: bool = False,
    now: dt.datetime | None = None,
) -> StaffPresence:
    """The page checking in; ``available`` when the caseworker changed it, ``active`` when they used
    the page since the last check-in."""
    now = now or utcnow()
    presence = session.get(StaffPresence, staff_user_id)
    if presence is None:
        presence = StaffPresence(staff_user_id=staff_user_id, available=False, seen_at=now, active_at=now)
        session.add(presence)
    presence.seen_at = now
    if active or available is not None:
        presence.active_at = now
    if available is not None:
        presence.available = available
    session.flush()
    return presence


def is_available(presence: StaffPresence | None, now: dt.datetime, config: LiveChatConfig | None = None) -> bool:
    config = config or default_live_chat()
    return bool(
        presence
        and presence.available
        and presence.seen_at >= now - config.presence
        and presence.active_at >= now - dt.timedelta(minutes=config.idle_minutes)
    )


def available_caseworkers(
    session: Session, now: dt.datetime | None = None, config: LiveChatConfig | None = None
) -> int:
    """How many caseworkers are there to chat now (signed-in accounts that are still active)."""
    config = config or default_live_chat()
    now = now or utcnow()
    return session.execute(
        select(func.count())
        .select_from(StaffPresence)
        .join(StaffUser, StaffUser.id == StaffPresence.staff_user_id)
        .where(
            StaffPresence.available.is_(True),
            StaffPresence.seen_at >= now - config.presence,
            StaffPresence.active_at >= now - dt.timedelta(minutes=config.idle_minutes),
            StaffUser.active.is_(True),
        )
    ).scalar_one()


def someone_to_talk_to(session: Session, now: dt.datetime | None = None, config: LiveChatConfig | None = None) -> bool:
    """A person can be offered: within the chat's hours (OPENING_HOURS_AT in rehearsals), someone
    is available."""
    config = config or default_live_chat()
    return config.is_open(opening_hours_moment()) and available_caseworkers(session, now, config) > 0
