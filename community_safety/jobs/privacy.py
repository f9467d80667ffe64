"""The privacy jobs: retention (data/casework.yml's periods) and taking the words out of the
conversations that went into anonymous reports. `staff-admin purge` runs the same at once."""

from __future__ import annotations

import datetime as dt
import logging

from community_safety.casework import default_casework, months
from community_safety.evidence.intake import purge_waiting, sweep
from community_safety.evidence.storage import evidence_store
from community_safety.records import audit
from community_safety.records.chat_sessions import purge_ended_chats
from community_safety.records.conversations import purge_conversations, scrub_anonymous_parts
from community_safety.records.database import session_scope
from community_safety.records.models import STAFF_SESSION_LONGEST, utcnow
from community_safety.records.retention import (
    close_stale_records,
    purge_audit_log,
    purge_live_chats,
    purge_reports,
    purge_sign_in_failures,
    purge_staff_sessions,
)
from community_safety.review.queue import purge_review_items
from community_safety.settings import settings

logger = logging.getLogger(__name__)

# The scheduler's scrub reads again the last hour of what it already read: a turn's events are
# written a moment after their time, and one written just after a run must not be missed.
RESCAN_SECONDS = 3600


def purge_records(now: dt.datetime | None = None, dry_run: bool = False, actor: str = "system") -> dict[str, int]:
    """The records' retention: stale open records closed, then what is past its period removed."""
    casework, now = default_casework(), now or utcnow()
    conversations_before = now - dt.timedelta(days=casework.conversations_days)
    store = evidence_store(settings())
    with session_scope() as db:
        counts = close_stale_records(db, now - months(casework.open_records_months), casework.open_records_months,
                                     dry_run=dry_run)  # fmt: skip
        # Live chats go with the conversations they were part of; residents with none left go after.
        counts.update(purge_live_chats(db, conversations_before, dry_run=dry_run))
        # Messages to review go with their conversations, unless a caseworker has labelled them.
        counts.update(purge_review_items(db, conversations_before, dry_run=dry_run))
        counts.update(purge_reports(db, now - months(casework.closed_reports_months), dry_run=dry_run))
        # Files sent for a report that was never filed go with their conversation.
        counts["evidence_waiting"] = purge_waiting(db, store, conversations_before, dry_run=dry_run)
        counts["audit_events"] = purge_audit_log(db, now - months(casework.audit_log_months), dry_run=dry_run)
        if not dry_run:
            # An ended chat's cookie has expired after the idle time: no need to remember it longer.
            purge_ended_chats(db, now - dt.timedelta(minutes=settings().widget_idle_minutes))
            purge_staff_sessions(db, now - STAFF_SESSION_LONGEST)
            purge_sign_in_failures(db, now - dt.timedelta(days=1))
            if any(counts.values()) or actor != "scheduler":
                audit.record(db, actor, "purged old records", "retention", now.date().isoformat(),
                             {name: (None, count) for name, count in counts.items()})  # fmt: skip
    if not dry_run:
        # Once the records are gone (committed above), the files no record names any more.
        with session_scope() as db:
            swept = sweep(db, store, now)
        if swept:
            logger.info("Evidence files whose records are gone, deleted: %d", swept)
    return counts


def purge_conversation_store(now: dt.datetime | None = None, dry_run: bool = False) -> int:
    """Conversation sessions past conversations_days. Raises ConversationStoreMissing when the
    store is not where the settings say."""
    now = now or utcnow()
    return purge_conversations(now - dt.timedelta(days=default_casework().conversations_days), dry_run=dry_run)


def scrub(now: dt.datetime | None = None, since: float | None = None, dry_run: bool = False) -> tuple[int, float]:
    """Anonymous reports' parts of conversations quiet for scrub_anonymous_after_minutes lose their
    words. Returns the events changed and the watermark to carry on from next time."""
    now = now or utcnow()
    quiet_since = now - dt.timedelta(minutes=default_casework().scrub_anonymous_after_minutes)
    active_since = None if since is None else since - RESCAN_SECONDS
    changed = scrub_anonymous_parts(quiet_since, dry_run=dry_run, active_since=active_since)
    return changed, quiet_since.replace(tzinfo=dt.timezone.utc).timestamp()
