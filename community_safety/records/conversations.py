"""Residents' conversations with the bot, read from (and, for erasure and retention, deleted
from) Rasa's SQL tracker store. Rasa owns that database; we only touch its ``events`` table.

TRACKER_DATABASE_URL names it (by default the SQLite file ``make run`` uses, as in endpoints.yml)."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from sqlalchemy import inspect, text
from sqlalchemy.exc import SQLAlchemyError

from community_safety.records.database import engine_for
from community_safety.settings import settings


def tracker_database_url() -> str:
    return settings().conversations_database_url


@dataclass(frozen=True)
class Turn:
    speaker: str  # "resident" or "bot"
    text: str
    at: dt.datetime


def _has_events_table(connection) -> bool:
    return inspect(connection).has_table("events")


def conversation(sender: str, url: str | None = None, limit: int = 500) -> list[Turn] | None:
    """What the resident and the bot said, oldest first; None when the store can't be read."""
    try:
        with engine_for(url or tracker_database_url()).connect() as connection:
            if not _has_events_table(connection):
                return []
            rows = connection.execute(
                text(
                    "SELECT type_name, timestamp, data FROM events WHERE sender_id = :sender "
                    "AND type_name IN ('user', 'bot') ORDER BY id DESC LIMIT :limit"
                ),
                {"sender": sender, "limit": limit},
            ).fetchall()
    except SQLAlchemyError:
        return None
    turns = []
    for type_name, timestamp, data in reversed(rows):
        try:
            event = json.loads(data or "{}")
        except ValueError:
            continue
        if event.get("text"):
            turns.append(
                Turn(
                    "resident" if type_name == "user" else "bot",
                    str(event["text"]),
                    dt.datetime.fromtimestamp(timestamp or 0, dt.timezone.utc).replace(tzinfo=None),
                )
            )
    return turns


def delete_conversation(sender: str, url: str | None = None) -> int:
    with engine_for(url or tracker_database_url()).begin() as connection:
        if not _has_events_table(connection):
            return 0
        return connection.execute(text("DELETE FROM events WHERE sender_id = :sender"), {"sender": sender}).rowcount


def purge_conversations(before: dt.datetime, url: str | None = None) -> int:
    """Delete whole conversations whose last message is older than ``before`` (UTC). A conversation
    still going on is kept whole: cutting its early events would break what Rasa remembers."""
    cutoff = before.replace(tzinfo=dt.timezone.utc).timestamp()
    with engine_for(url or tracker_database_url()).begin() as connection:
        if not _has_events_table(connection):
            return 0
        return connection.execute(
            text(
                "DELETE FROM events WHERE sender_id IN (SELECT sender_id FROM events GROUP BY sender_id "
                "HAVING MAX(timestamp) < :cutoff)"
            ),
            {"cutoff": cutoff},
        ).rowcount
