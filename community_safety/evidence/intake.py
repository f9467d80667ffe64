"""Receiving a file: checked, cleaned, within the limits, kept, recorded; or refused with a reason.

The channels (the Telegram bridge, the widget's web server) call ``receive`` with the bytes they
got; the resident is told it arrived only after the store has the cleaned copy and the record is
committed. A file sent before its report is filed waits under the conversation's key and
``link_waiting`` gives it to the report when the report is filed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import secrets
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from community_safety.evidence.cleaning import clean
from community_safety.evidence.kinds import TOO_BIG, TOO_MANY, EvidenceRefused, identify
from community_safety.evidence.storage import EvidenceStore, EvidenceStoreError
from community_safety.records.models import Evidence, Report, utcnow
from community_safety.settings import Settings

logger = logging.getLogger(__name__)
MB = 1024 * 1024
# A file kept this long without a record is left over from a failure (or its record was removed):
# the sweep deletes it. Long enough that a file being received now is never swept.
LEFT_OVER_AFTER = dt.timedelta(hours=1)


@dataclass(frozen=True)
class Limits:
    file_bytes: int
    files: int
    report_bytes: int

    @classmethod
    def from_settings(cls, config: Settings) -> Limits:
        return cls(
            int(config.evidence_max_file_mb * MB),
            config.evidence_max_files_per_report,
            int(config.evidence_max_report_mb * MB),
        )


def _kept_with(session: Session, report: Report | None, conversation_key: str | None):
    if report is not None:
        return Evidence.report_id == report.id
    return (Evidence.conversation_key == conversation_key) & Evidence.report_id.is_(None)


def _count_and_size(session: Session, together) -> tuple[int, int]:
    """How many files are kept together (a report's, or a conversation's waiting ones), and their bytes."""
    return tuple(
        session.execute(
            select(func.count(Evidence.id), func.coalesce(func.sum(Evidence.size), 0)).where(together)
        ).one()
    )


def receive(
    session: Session,
    store: EvidenceStore,
    data: bytes,
    *,
    channel: str,
    limits: Limits,
    report: Report | None = None,
    conversation_key: str | None = None,
) -> Evidence:
    """Keep one file for ``report`` (already filed) or the conversation (its report still to come)."""
    if report is None and not conversation_key:
        raise ValueError("evidence is kept for a report or a conversation")
    if len(data) > limits.file_bytes:
        raise EvidenceRefused(TOO_BIG, "file")
    cleaned = clean(data, identified := identify(data))
    count, total = _count_and_size(session, _kept_with(session, report, conversation_key))
    if count >= limits.files:
        raise EvidenceRefused(TOO_MANY)
    if total + len(cleaned.data) > limits.report_bytes:
        raise EvidenceRefused(TOO_BIG, "report")
    evidence = Evidence(
        public_id=secrets.token_hex(16),
        report_id=report.id if report is not None else None,
        conversation_key=None if report is not None else conversation_key,
        channel=channel,
        kind=identified.kind,
        content_type=cleaned.content_type,
        extension=cleaned.extension,
        size=len(cleaned.data),
        sha256=hashlib.sha256(cleaned.data).hexdigest(),
        has_thumbnail=cleaned.thumbnail is not None,
        received_at=utcnow(),
    )
    store.put(evidence.file_key, cleaned.data, cleaned.content_type)
    if cleaned.thumbnail is not None:
        store.put(evidence.thumbnail_key, cleaned.thumbnail, "image/jpeg")
    session.add(evidence)
    try:
        session.commit()
    except Exception:
        session.rollback()
        _delete_files(store, evidence)
        raise
    logger.info("Evidence received: %s, %d bytes, %s", evidence.kind, evidence.size, channel)
    return evidence


def link_waiting(session: Session, conversation_key: str, report: Report, limits: Limits | None = None) -> int:
    """Give the files a conversation sent before its report was filed to that report; the
    conversation's key is cleared from them (an anonymous report must not lead back to its chat).

    With ``limits`` (a report filed earlier, which may have files already), only what fits is given;
    the rest stay waiting, and go with the conversation."""
    count, total = _count_and_size(session, _kept_with(session, report, None))
    linked = 0
    for evidence in waiting_for(session, conversation_key):
        if limits is not None and (count >= limits.files or total + evidence.size > limits.report_bytes):
            continue
        evidence.report_id, evidence.conversation_key = report.id, None
        linked, count, total = linked + 1, count + 1, total + evidence.size
    return linked


def of_report(session: Session, report_id: int) -> list[Evidence]:
    return list(
        session.execute(
            select(Evidence).where(Evidence.report_id == report_id).order_by(Evidence.received_at, Evidence.id)
        ).scalars()
    )


def waiting_for(session: Session, conversation_key: str) -> list[Evidence]:
    return list(
        session.execute(
            select(Evidence)
            .where(Evidence.conversation_key == conversation_key, Evidence.report_id.is_(None))
            .order_by(Evidence.received_at, Evidence.id)
        ).scalars()
    )


def _delete_files(store: EvidenceStore, evidence: Evidence) -> None:
    for key in (evidence.file_key, evidence.thumbnail_key if evidence.has_thumbnail else None):
        if key:
            try:
                store.delete(key)
            except EvidenceStoreError:
                logger.warning("An evidence file could not be deleted now; the sweep will take it.")


def remove(session: Session, store: EvidenceStore, evidence: Evidence) -> None:
    """The record and its files (erasure, retention, a conversation forgotten)."""
    session.delete(evidence)
    session.flush()
    _delete_files(store, evidence)


def forget_conversation(session: Session, store: EvidenceStore, conversation_key: str) -> int:
    """A conversation's files still waiting for a report (the conversation erased or past retention)."""
    waiting = waiting_for(session, conversation_key)
    for evidence in waiting:
        remove(session, store, evidence)
    return len(waiting)


def purge_waiting(session: Session, store: EvidenceStore, before: dt.datetime, dry_run: bool = False) -> int:
    """Files no report was ever filed for, received before ``before`` (the conversations' retention)."""
    old = list(
        session.execute(select(Evidence).where(Evidence.report_id.is_(None), Evidence.received_at < before)).scalars()
    )
    if not dry_run:
        for evidence in old:
            remove(session, store, evidence)
    return len(old)


def sweep(session: Session, store: EvidenceStore, now: dt.datetime | None = None) -> int:
    """Delete kept files that no record names any more (their report went with retention or
    erasure, or a failure stopped them being recorded), once they are `LEFT_OVER_AFTER` old."""
    cutoff = (now or utcnow()) - LEFT_OVER_AFTER
    known = set(session.execute(select(Evidence.public_id)).scalars())
    swept = 0
    for key, modified in store.listing():
        if key.split("/", 1)[0] not in known and modified < cutoff:
            try:
                store.delete(key)
                swept += 1
            except EvidenceStoreError:
                logger.warning("A left-over evidence file could not be deleted; the next sweep will try again.")
    return swept


def of_resident(session: Session, resident_id: int, conversation_key: str | None = None) -> list[Evidence]:
    """Every file a resident sent: with their (named) reports, and still waiting in their conversation."""
    mine = select(Report.id).where(Report.resident_id == resident_id)
    found = Evidence.report_id.in_(mine)
    if conversation_key:
        found = found | ((Evidence.conversation_key == conversation_key) & Evidence.report_id.is_(None))
    return list(session.execute(select(Evidence).where(found).order_by(Evidence.received_at, Evidence.id)).scalars())


def erase_resident_evidence(
    session: Session, store: EvidenceStore, resident_id: int, conversation_key: str | None = None
) -> int:
    """Erasure: a photo or a recording can say who someone is as well as a name, so their files go
    whole (the reports stay, unlinked and without their words, for the council's figures)."""
    files = of_resident(session, resident_id, conversation_key)
    for evidence in files:
        remove(session, store, evidence)
    return len(files)


def described(evidence: Evidence) -> dict:
    """A file as the resident's data export lists it."""
    return {
        "report": evidence.report.reference if evidence.report is not None else None,
        "kind": evidence.kind,
        "type": evidence.content_type,
        "size": evidence.size,
        "sha256": evidence.sha256,
        "received_at": evidence.received_at.isoformat(),
        "channel": evidence.channel,
        "file": export_name(evidence),
    }


def export_name(evidence: Evidence) -> str:
    report = evidence.report.reference if evidence.report is not None else "no-report"
    return f"{report}-{evidence.received_at:%Y%m%d-%H%M%S}-{evidence.public_id[:8]}.{evidence.extension}"
