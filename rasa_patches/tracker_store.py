"""Rasa's conversation store (``rasa.core.tracker_store.SQLTrackerStore._retrieve``), measured in
issue #12.

The store read every event of the session as an ORM object on every message, and SQLAlchemy made a
cache key for that query each time: a cost that grew with the conversation. Here the events' JSON is
read as plain rows, and a conversation's events, with a tracker replayed from them, are kept for
``RECENT_SECONDS`` after its last message (``RECENT_CONVERSATIONS`` at most): a message reads only
the rows added since (another replica's included), after checking no earlier row went (erasure,
retention), and gets a copy of that tracker with just those replayed. Kept for less time than the
shortest quiet spell before ``staff-admin purge`` scrubs a conversation, so a scrubbed conversation
is never read from memory.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from rasa_patches.registry import RASAS_OWN, Patch
from rasa_patches.trackers import copy_tracker

log = logging.getLogger(__name__)

# Conversations whose stored rows are kept in memory, and for how long after their last message.
RECENT_CONVERSATIONS = 500
RECENT_SECONDS = 120.0  # below WIDGET_IDLE_MINUTES' least (5): purge scrubs only quieter chats


@dataclass
class _StoredSession:
    last_id: int  # the sender's newest row read
    rows_up_to_last: int  # how many rows the sender had up to it: fewer means some were deleted
    events: list = field(default_factory=list)  # this session's events, read (Rasa's Event objects)
    tracker: Any = None  # those events replayed, for a domain's slots: copied for each message
    used: float = 0.0


_RECENT: OrderedDict[tuple[int, str], _StoredSession] = OrderedDict()
_RECENT_LOCK = threading.Lock()


def _read(rows: Any) -> list:
    import json

    from rasa.shared.core.events import deserialise_events

    return deserialise_events([json.loads(row.data) for row in rows])


def _session_events(store: Any, session: Any, sender_id: str) -> list:
    """The sender's events since their last session start, as Rasa's own query returns them: from
    memory plus the rows added since, or read afresh. Events are not changed once made (a tracker
    replaying them leaves them be), so trackers may share them."""
    import sqlalchemy as sa

    table = store.SQLEvent.__table__
    key, now = (id(store), sender_id), time.monotonic()
    with _RECENT_LOCK:
        kept = _RECENT.get(key)
    if kept is not None and now - kept.used < RECENT_SECONDS:
        earlier = session.execute(
            sa.select(sa.func.count()).where(table.c.sender_id == sender_id, table.c.id <= kept.last_id)
        ).scalar()
        if earlier == kept.rows_up_to_last:
            new = session.execute(
                sa.select(table.c.id, table.c.type_name, table.c.data)
                .where(table.c.sender_id == sender_id, table.c.id > kept.last_id)
                .order_by(table.c.id)
            ).all()
            # A new session changes which events count: read afresh, as Rasa does.
            if not any(row.type_name == "session_started" for row in new):
                if new:
                    kept.events.extend(_read(new))
                    kept.last_id, kept.rows_up_to_last = new[-1].id, kept.rows_up_to_last + len(new)
                kept.used = now
                with _RECENT_LOCK:
                    _RECENT.move_to_end(key)
                return list(kept.events)
    query = store._event_query(session, sender_id, fetch_events_from_all_sessions=False)
    rows = query.with_entities(store.SQLEvent.id, store.SQLEvent.data).all()
    if not rows:
        with _RECENT_LOCK:
            _RECENT.pop(key, None)
        return []
    last_id = rows[-1].id
    earlier = session.execute(
        sa.select(sa.func.count()).where(table.c.sender_id == sender_id, table.c.id <= last_id)
    ).scalar()
    events = _read(rows)
    with _RECENT_LOCK:
        _RECENT[key] = _StoredSession(last_id, earlier, events, used=now)
        _RECENT.move_to_end(key)
        # Least recently used first: drop what has gone quiet, and the oldest beyond the most kept.
        while _RECENT and (
            len(_RECENT) > RECENT_CONVERSATIONS or next(iter(_RECENT.values())).used < now - RECENT_SECONDS
        ):
            _RECENT.popitem(last=False)
    return list(events)


async def retrieve(self, sender_id: str, fetch_events_from_all_sessions: bool):
    """SQLTrackerStore._retrieve (Rasa 3.6.21): the session's events from memory and new rows."""
    from rasa.shared.core.trackers import DialogueStateTracker

    if fetch_events_from_all_sessions:
        return await RASAS_OWN["SQLTrackerStore._retrieve"](self, sender_id, fetch_events_from_all_sessions)
    with self.session_scope() as session:
        events = _session_events(self, session, sender_id)
    if not (self.domain and events):
        return None
    kept = _RECENT.get((id(self), sender_id))
    template = kept.tracker if kept is not None else None
    slots, done = self.domain.slots, len(template.events) if template is not None else 0
    if (
        template is None
        or getattr(template, "_slots_from", None) is not slots
        or done > len(events)
        or (done and template.events[-1] is not events[done - 1])
    ):
        template, done = DialogueStateTracker.from_events(sender_id, [], slots), 0
    for event in events[done:]:
        template.update(event)
    template.applied_events()  # worked out once here; each message's copy carries on from it
    if kept is not None:
        template._slots_from = slots
        kept.tracker = template
    return copy_tracker(template)


def _sqlite_settings(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # Readers don't wait for the writer; a commit appends to the log without waiting for the disk
    # (synchronous=NORMAL): a conversation survives Rasa stopping or crashing, and only the last
    # moments before the machine itself loses power could be lost. Issue #29: a commit 0.68 ms ->
    # 0.009 ms on this project's machine's disk (no change in `make load` there); where the disk
    # is slower, each commit's wait blocks Rasa's event loop.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def init(self, *args: Any, **kwargs: Any) -> None:
    """SQLTrackerStore.__init__ (Rasa 3.6.21), then its engine made again: on SQLite, connections
    kept in a pool with the settings above (SQLAlchemy 1.4 opens and closes a SQLite file's
    connection for every session: opening, the settings and closing were 6 % of a Rasa server's
    time under load, `make profile`); on PostgreSQL, each connection checked before use."""
    RASAS_OWN["SQLTrackerStore.__init__"](self, *args, **kwargs)
    dialect = self.engine.dialect.name
    if dialect not in ("postgresql", "sqlite"):
        return
    import sqlalchemy as sa
    from rasa.core.tracker_store import create_engine_kwargs

    url = self.engine.url
    if dialect == "postgresql":
        # A pooled connection to a database host that was unreachable is dead once it is back:
        # checked before use and replaced, instead of failing the first message after.
        options = {"pool_pre_ping": True, **create_engine_kwargs(url)}
    else:
        options = {"poolclass": sa.pool.QueuePool, "connect_args": {"check_same_thread": False, "timeout": 30}}
    self.engine.dispose()
    self.engine = sa.create_engine(url, **options)
    if dialect == "sqlite":
        sa.event.listen(self.engine, "connect", _sqlite_settings)
    self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)


class ConversationStoreUnavailable(RuntimeError):
    """The conversation store could not be read or written: the message is answered as not read."""


async def retrieve_or_fail(self: Any, sender_id: str) -> Any:
    """FailSafeTrackerStore.retrieve. Rasa's gives an empty conversation when the store can't be
    read: the resident's message then starts afresh (an open report's answers forgotten), and the
    new conversation's events are written over theirs once the store is back. Measured with the
    data host unreachable (issue #29): "don't know" to "Who was involved?" was answered "That's
    fine. If you need anything else…" and the report was never filed. Here the message fails, and
    the channel tells the resident it wasn't read and to try again (999 first), which is then true."""
    try:
        return await self._tracker_store.retrieve(sender_id)
    except Exception as error:
        raise _unavailable("read", error) from None


async def save_or_fail(self: Any, tracker: Any) -> None:
    """FailSafeTrackerStore.save. Rasa's keeps the conversation in this process's memory, where
    the other replicas never see it and a restart loses it. Here the message fails instead: the
    resident sends it again, and anything the actions did is done once (a report's submission key)."""
    try:
        await self._tracker_store.save(tracker)
    except Exception as error:
        raise _unavailable("written", error) from None


def _unavailable(done: str, error: Exception) -> ConversationStoreUnavailable:
    # The kind only: SQLAlchemy's messages carry the statement's parameters, the resident's words.
    log.error("The conversation store could not be %s (%s): the message fails", done, type(error).__name__)
    return ConversationStoreUnavailable(f"the conversation store could not be {done}: {type(error).__name__}")


PATCHES = [
    Patch("conversation store read from recent rows", "rasa.core.tracker_store:SQLTrackerStore", "_retrieve", retrieve),
    Patch(
        "an unreadable conversation store fails the message (no empty conversation in its place)",
        "rasa.core.tracker_store:FailSafeTrackerStore",
        "retrieve",
        retrieve_or_fail,
    ),
    Patch(
        "an unwritable conversation store fails the message (not kept in one process's memory)",
        "rasa.core.tracker_store:FailSafeTrackerStore",
        "save",
        save_or_fail,
    ),
    Patch(
        "conversation store on SQLite: connections kept, write-ahead log, commits not waiting for the disk",
        "rasa.core.tracker_store:SQLTrackerStore",
        "__init__",
        init,
    ),
]
