"""Caseworkers' updates reaching residents, in one place: how an update reads, which are still to
be told, and each way one gets there (``Delivery``), recorded so staff see that it arrived.

- sent on Telegram, the one channel the bot can write to first, by the Telegram bridge within seconds
  (``due_on_telegram``: an outbox the bridge empties, so Telegram being down loses nothing);
- shown by the web widget on the resident's next visit;
- told on any channel when the resident asks about their report;
- the first ("We have received your report") is told in the conversation that filed it.
"""

from __future__ import annotations

import enum
import logging

from sqlalchemy import select
from sqlalchemy.orm import Session

from community_safety.records.models import Report, Resident, StatusChange, utcnow
from community_safety.translations import default_translations
from community_safety.wording import status_for_resident

log = logging.getLogger(__name__)


class Delivery(str, enum.Enum):
    """How an update reached the resident (stored in ``status_changes.delivered_by``)."""

    CONVERSATION = "conversation"
    TELEGRAM = "telegram"
    WEB = "web"
    ASKED = "asked"

    @property
    def words(self) -> str:
        """As the staff page says it: "reached them ... on Telegram"."""
        return {
            Delivery.CONVERSATION: "in the conversation",
            Delivery.TELEGRAM: "on Telegram",
            Delivery.WEB: "in the web chat",
            Delivery.ASKED: "when they asked the bot",
        }[self]


def delivery_words(stored: str | None) -> str:
    try:
        return Delivery(stored).words
    except ValueError:
        return f"by {stored}" if stored else ""


UPDATE = "Update on your report {reference}: {update}\nStatus: {status}."


def update_message(change: StatusChange) -> str:
    """How a caseworker's update reads when it reaches the resident, in the language they reported in:
    the caseworker's own words as written, the bot's own (data/open311.yml's, "We have received your
    report.") translated."""
    language, say = change.report.language, default_translations().say
    return say(UPDATE, language).format(
        reference=change.report.reference,
        update=say(change.resident_update, language),
        status=status_for_resident(change.to_status, language),
    )


def _undelivered(channel: str):
    """Updates for residents on this channel that have not reached them, oldest first."""
    return (
        select(StatusChange)
        .join(Report)
        .join(Resident)
        .where(
            Resident.channel == channel,
            StatusChange.resident_update.is_not(None),
            StatusChange.delivered_at.is_(None),
        )
        .order_by(StatusChange.changed_at, StatusChange.id)
    )


def undelivered_updates(session: Session, channel: str, channel_user_id: str) -> list[StatusChange]:
    query = _undelivered(channel).where(Resident.channel_user_id == channel_user_id)
    return list(session.execute(query).scalars())


def mark_delivered(changes: list[StatusChange], route: Delivery) -> None:
    for change in changes:
        change.delivered_at, change.delivered_by = utcnow(), Delivery(route).value


def told_when_asked(session: Session, channel: str, channel_user_id: str) -> None:
    """The resident asked about their reports and was told each one's latest update."""
    mark_delivered(undelivered_updates(session, channel, channel_user_id), Delivery.ASKED)


def shown_in_the_widget(session: Session, chat_id: str) -> list[str]:
    """Updates a web resident hasn't seen, as messages; shown once, then marked delivered."""
    changes = undelivered_updates(session, "web", chat_id)
    messages = [update_message(change) for change in changes]
    mark_delivered(changes, Delivery.WEB)
    return messages


def due_on_telegram(session: Session, limit: int = 50) -> list[tuple[int, str, str]]:
    """Caseworkers' updates for Telegram residents not yet sent, oldest first: (change id, chat id, message).
    The Telegram bridge sends them (bot/telegram/updates.py); a message waits here while Telegram or the
    bridge is down, so nothing is lost and no staff request waits on Telegram."""
    return [
        (change.id, change.report.resident.channel_user_id, update_message(change))
        for change in session.execute(_undelivered("telegram").limit(limit)).scalars()
    ]


def sent_on_telegram(session: Session, change_ids: list[int]) -> None:
    changes = session.execute(
        select(StatusChange).where(StatusChange.id.in_(change_ids), StatusChange.delivered_at.is_(None))
    ).scalars()
    mark_delivered(list(changes), Delivery.TELEGRAM)
