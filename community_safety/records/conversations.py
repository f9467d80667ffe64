"""Residents' conversations with the bot, read from (and, for erasure and retention, deleted
from) Rasa's SQL tracker store. Rasa owns that database; we only touch its ``events`` table.

TRACKER_DATABASE_URL names it (by default the SQLite file ``make run`` uses, as in endpoints.yml)."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import inspect, text
from sqlalchemy.exc import SQLAlchemyError

from community_safety.evidence.kinds import TO_THE_BOT, as_said
from community_safety.records.database import engine_for
from community_safety.settings import settings


class ConversationStoreMissing(SQLAlchemyError):
    """The conversation store is not where the settings say: never quietly made anew and empty."""


def tracker_database_url() -> str:
    return settings().conversations_database_url


def _store(url: str | None):
    """An engine on Rasa's store; an SQLite file that isn't there is refused, not created."""
    url = url or tracker_database_url()
    if url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).exists():
        raise ConversationStoreMissing(f"no conversation store at {url.removeprefix('sqlite:///')}")
    return engine_for(url)


@dataclass(frozen=True)
class Turn:
    speaker: str  # "resident" or "bot"
    text: str
    at: dt.datetime


def _has_events_table(connection) -> bool:
    return inspect(connection).has_table("events")


def anonymous_parts(events: list[dict]) -> set[int]:
    """The events of the parts of a conversation that went into an anonymous report.

    From the message that led to the report (the one that began the signposting just before it,
    whose words may be the report's description) to the bot's last reply on filing it. Shown with
    the resident's identity, they would name the author of an anonymous report."""
    hidden: set[int] = set()
    last_user = led_by = start = None
    anonymous = submitting = False
    last_filed = -1
    for index, event in enumerate(events):
        kind, name = event.get("event"), event.get("name")
        if kind == "user":
            last_user = index
        elif kind == "action" and name == "action_start_signpost":
            led_by = last_user
        elif kind == "action" and name in ("action_start_report", "report_form") and start is None:
            start = led_by if led_by is not None and led_by > last_filed else last_user
        elif kind == "slot" and name == "report_anonymous" and event.get("value") is not None:
            # (Filing clears the answers before it sets report_filed: only an answer counts.)
            anonymous = event.get("value") == "anonymous"
        elif kind == "action" and name == "action_submit_report":
            submitting = True
        elif kind == "slot" and name == "report_filed" and submitting and event.get("value"):
            if anonymous and start is not None:
                end = next((i for i in range(index, len(events)) if events[i].get("event") == "user"), len(events))
                hidden.update(range(start, end))
            last_filed, start, anonymous, submitting = index, None, False, False
    return hidden


def _rows(connection, sender: str, kinds: tuple[str, ...]) -> list[tuple[int, dict]]:
    """(id, event) for one conversation, oldest first; each event with ``event`` and ``timestamp``."""
    marks = ", ".join(f":kind{i}" for i in range(len(kinds)))
    rows = connection.execute(
        text(
            f"SELECT id, type_name, timestamp, data FROM events WHERE sender_id = :sender "  # noqa: S608
            f"AND type_name IN ({marks}) ORDER BY id"
        ),
        {"sender": sender, **{f"kind{i}": kind for i, kind in enumerate(kinds)}},
    ).fetchall()
    found = []
    for event_id, type_name, timestamp, data in rows:
        try:
            event = json.loads(data or "{}")
        except ValueError:
            event = {}
        found.append(
            (event_id, {**(event if isinstance(event, dict) else {}), "event": type_name, "timestamp": timestamp})
        )
    return found


def events(sender: str, kinds: tuple[str, ...] = ("user", "bot", "action", "slot"), url: str | None = None):
    """One conversation's events of these kinds, oldest first, as Rasa's tracker holds them (with
    ``event`` and ``timestamp``); None when the store can't be read. The web server reads a
    resident's own transcript here, so Rasa's HTTP API (which could read anyone's) is not served."""
    try:
        with _store(url).connect() as connection:
            if not _has_events_table(connection):
                return []
            return [event for _, event in _rows(connection, sender, kinds)]
    except SQLAlchemyError:
        return None


def _without_words(event: dict) -> dict:
    """The same event with what the resident said, and the bot said back, taken out. What Rasa
    needs to replay the conversation stays: intents, actions, and every slot the report form does
    not own (filing has set those back to empty by the end of the part)."""
    kind = event.get("event")
    if kind == "user":
        parse_data = {**(event.get("parse_data") or {}), "text": "", "entities": []}
        # A shared Telegram location travels in the metadata: only the channel's name stays.
        metadata = {k: v for k, v in (event.get("metadata") or {}).items() if k == "channel"}
        return {**event, "text": "", "parse_data": parse_data, "metadata": metadata}
    if kind == "bot":
        return {**event, "text": ""}
    if kind == "slot" and str(event.get("name", "")).startswith("report_"):
        return {**event, "value": None}
    return event


def scrub_anonymous_parts(
    idle_before: dt.datetime, url: str | None = None, dry_run: bool = False, active_since: float | None = None
) -> int:
    """Take the words out of the parts of conversations that went into anonymous reports, in
    conversations idle since ``idle_before`` (UTC): the report keeps what it needs, and the
    conversation store no longer says who wrote it. Returns how many events were (or would be)
    changed.

    ``active_since`` (a store timestamp): only conversations with a message since then, so the
    scheduler's frequent runs read only what went quiet since its last run."""
    cutoff = idle_before.replace(tzinfo=dt.timezone.utc).timestamp()
    changed = 0
    with _store(url).begin() as connection:
        if not _has_events_table(connection):
            return 0
        senders = connection.execute(
            text(
                "SELECT sender_id FROM events WHERE sender_id IN (SELECT sender_id FROM events "
                "WHERE type_name = 'slot' AND data LIKE :slot AND data LIKE :value) "
                "GROUP BY sender_id HAVING MAX(timestamp) < :cutoff AND MAX(timestamp) >= :since"
            ),
            {"slot": '%"report_anonymous"%', "value": '%"anonymous"%', "cutoff": cutoff, "since": active_since or 0},
        ).scalars()
        for sender in list(senders):
            rows = _rows(connection, sender, ("user", "bot", "action", "slot"))
            for index in sorted(anonymous_parts([event for _, event in rows])):
                event_id, event = rows[index]
                scrubbed = _without_words(event)
                if scrubbed == event:
                    continue
                changed += 1
                if not dry_run:
                    connection.execute(
                        text("UPDATE events SET data = :data WHERE id = :id"),
                        {"data": json.dumps(scrubbed), "id": event_id},
                    )
    return changed


def quiet_conversations(
    idle_before: dt.datetime, active_since: float | None = None, url: str | None = None
) -> list[str]:
    """The senders of conversations quiet since ``idle_before`` (UTC) with a message since
    ``active_since`` (a store timestamp), so a job run every few minutes reads each once."""
    cutoff = idle_before.replace(tzinfo=dt.timezone.utc).timestamp()
    with _store(url).connect() as connection:
        if not _has_events_table(connection):
            return []
        return list(
            connection.execute(
                text(
                    "SELECT sender_id FROM events GROUP BY sender_id "
                    "HAVING MAX(timestamp) < :cutoff AND MAX(timestamp) >= :since ORDER BY MAX(timestamp)"
                ),
                {"cutoff": cutoff, "since": active_since or 0},
            ).scalars()
        )


def conversation(sender: str, url: str | None = None, limit: int = 500) -> list[Turn] | None:
    """What the resident and the bot said, oldest first; None when the store can't be read. The
    parts that went into an anonymous report are left out (``anonymous_parts``)."""
    found = events(sender, url=url)
    if found is None:
        return None
    hidden = anonymous_parts(found)
    turns = []
    for index, event in enumerate(found):
        type_name, timestamp = event["event"], event["timestamp"]
        if index in hidden or type_name not in ("user", "bot"):
            continue
        if event.get("text"):
            said = str(event["text"])
            if type_name == "user" and said == TO_THE_BOT:  # a file: what it was, not the channel's word
                said = as_said(((event.get("metadata") or {}).get("evidence") or {}).get("kind"))
            turns.append(
                Turn(
                    "resident" if type_name == "user" else "bot",
                    said,
                    dt.datetime.fromtimestamp(timestamp or 0, dt.timezone.utc).replace(tzinfo=None),
                )
            )
    return turns[-limit:]


def delete_conversation(sender: str, url: str | None = None) -> int:
    with _store(url).begin() as connection:
        if not _has_events_table(connection):
            return 0
        return connection.execute(text("DELETE FROM events WHERE sender_id = :sender"), {"sender": sender}).rowcount


def purge_conversations(before: dt.datetime, url: str | None = None, dry_run: bool = False) -> int:
    """Delete the conversation sessions whose last event is older than ``before`` (UTC), and so
    whole conversations that ended before it. A Telegram chat used every few months is purged
    session by session: Rasa starts a session after an hour's silence (domain.yml) and reads only
    the latest one back, so earlier sessions can go without changing what it remembers. The
    latest session is kept whole while it has anything newer than ``before``."""
    cutoff = before.replace(tzinfo=dt.timezone.utc).timestamp()
    removed = 0
    with _store(url).begin() as connection:
        if not _has_events_table(connection):
            return 0
        senders = connection.execute(
            text("SELECT sender_id FROM events GROUP BY sender_id HAVING MIN(timestamp) < :cutoff"),
            {"cutoff": cutoff},
        ).scalars()
        for sender in list(senders):
            rows = connection.execute(
                text("SELECT id, type_name, timestamp FROM events WHERE sender_id = :sender ORDER BY id"),
                {"sender": sender},
            ).fetchall()
            # Each session runs from one session_started event to the next (Rasa's own boundary).
            starts = [i for i, (_, kind, _) in enumerate(rows) if kind == "session_started"]
            bounds = [0, *[i for i in starts if i > 0], len(rows)]
            last_old = None
            for first, after in zip(bounds, bounds[1:], strict=False):
                if max(row[2] or 0 for row in rows[first:after]) < cutoff:
                    last_old = after
                else:
                    break
            if not last_old:
                continue
            if not dry_run:
                removed += (
                    connection.execute(
                        text("DELETE FROM events WHERE sender_id = :sender AND id <= :last"),
                        {"sender": sender, "last": rows[last_old - 1][0]},
                    ).rowcount
                    or 0
                )
            else:
                removed += last_old
    return removed


def where_the_bot_was(sender: str, before: dt.datetime, url: str | None = None) -> tuple[str, list[dict]] | None:
    """The question the bot had asked when a resident went to a person at ``before`` (UTC), with its
    buttons, if questions were under way (a form was active): said again when they come back, so a
    half-filled report carries on. None when no questions were under way or the store can't be read."""
    found = events(sender, kinds=("bot", "active_loop"), url=url)
    if not found:
        return None
    cutoff = before.replace(tzinfo=dt.timezone.utc).timestamp()
    earlier = [event for event in found if (event.get("timestamp") or 0) < cutoff]
    loops = [event for event in earlier if event["event"] == "active_loop"]
    if not loops or not loops[-1].get("name"):
        return None
    asked = next((event for event in reversed(earlier) if event["event"] == "bot" and event.get("text")), None)
    if asked is None:
        return None
    buttons = [b for b in (asked.get("data") or {}).get("buttons") or [] if isinstance(b, dict)]
    return str(asked["text"]), [{"title": str(b.get("title")), "payload": str(b.get("payload"))} for b in buttons]
