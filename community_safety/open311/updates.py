"""The casework system's changes, back to our report and to the resident.

Each sent report's status and notes are fetched (``GET requests`` for up to 50 ids at a time). A
change becomes a status change on our report, with an update for the resident (the system's notes
as written, or the Open311 file's words for its new status), so it reaches them the way a
caseworker's update does: sent on Telegram within seconds (by the bridge), shown in the web chat on their next visit,
told when they ask. Each is in the audit log. The first answer for a new request ("open", no
notes) is only noted: the resident was told when the report was filed.
"""

from __future__ import annotations

import datetime as dt
import logging

from sqlalchemy import or_, select

from community_safety.open311.client import Open311Client, Open311Error
from community_safety.open311.config import Open311Config
from community_safety.open311.outbox import ACTOR
from community_safety.records import audit
from community_safety.records.database import session_scope
from community_safety.records.models import Open311Sending, utcnow
from community_safety.records.reports import change_status

log = logging.getLogger(__name__)
BATCH = 50


def _in_batches(ids: list[str]) -> list[list[str]]:
    return [ids[i : i + BATCH] for i in range(0, len(ids), BATCH)]


def fetch_updates(client: Open311Client, config: Open311Config, now: dt.datetime | None = None) -> int:
    """Fetches every sent report's status; returns how many changes reached our reports."""
    now = now or utcnow()
    with session_scope() as db:
        ids = list(
            db.execute(
                select(Open311Sending.service_request_id).where(
                    Open311Sending.state == "sent",
                    or_(Open311Sending.remote_status.is_(None), Open311Sending.remote_status != "closed"),
                )
            ).scalars()
        )
    changes: list[int] = []
    for batch in _in_batches(ids):
        try:
            records = client.requests(batch)
        except Open311Error as error:
            log.warning("Open311: could not fetch updates (%s)", type(error).__name__)
            continue
        with session_scope() as db:
            for record in records:
                change_id = _apply(db, record, config, now)
                if change_id:
                    changes.append(change_id)
    if changes:
        log.info("Open311: %d updates from the casework system", len(changes))
    return len(changes)


def _apply(db, record: dict, config: Open311Config, now: dt.datetime) -> int | None:
    request_id = str(record.get("service_request_id") or "").strip()
    sending = db.execute(
        select(Open311Sending).where(Open311Sending.service_request_id == request_id, Open311Sending.state == "sent")
    ).scalar_one_or_none()
    if sending is None:
        return None
    status = str(record.get("status") or "").strip().lower()
    notes = " ".join(str(record.get("status_notes") or "").split())[:2000]
    updated = str(record.get("updated_datetime") or "").strip()[:40]
    first_answer = sending.remote_status is None
    changed = (status, notes) != (sending.remote_status, sending.remote_notes or "")
    sending.checked_at = now
    if not changed or status not in config.statuses:
        return None
    before_remote = sending.remote_status
    sending.remote_status, sending.remote_notes, sending.remote_updated = status, notes or None, updated or None
    if first_answer and status == "open" and not notes:
        return None
    report = sending.report
    before = report.status
    change = change_status(
        db,
        report,
        config.statuses[status],
        note=f"The casework system ({request_id}) says {status}" + (f": {notes}" if notes else "."),
        by=ACTOR,
        resident_update=notes or config.updates[status],
    )
    audit.record(
        db,
        ACTOR,
        "updated by the casework system",
        "report",
        report.reference,
        {"status": (before, report.status), "casework system status": (before_remote, status)},
    )
    db.flush()
    return change.id
