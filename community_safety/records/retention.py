"""Storage limitation: closed reports and decided case-review applications past the retention
period go, with their history, and residents left with nothing go too (with their contact
details). Open reports and undecided applications are never purged: left with no change for long
enough they are closed (``close_stale_records``), and then the rule for closed ones applies.
The audit log has its own period, which the database itself enforces (migration 0009)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from community_safety.records.models import (
    LAPSED,
    OPEN_LIVE_CHAT_STATES,
    AuditEvent,
    AuditLogRetention,
    CallbackRequest,
    CaseReviewApplication,
    Evidence,
    LiveChat,
    LiveChatMessage,
    Open311Sending,
    Report,
    Resident,
    SignInFailure,
    StaffSession,
    StatusChange,
    utcnow,
)
from community_safety.records.reports import change_status
from community_safety.records.statuses import OPEN_STATUSES

# Said on a report or application the retention rule closes, and recorded as who closed it.
STALE_NOTE = "Closed by the retention rule: nothing changed on this {record} for {months} months."
RETENTION = "retention rule"


def purge_reports(session: Session, before: dt.datetime, dry_run: bool = False) -> dict[str, int]:
    # Counted from the last change (closing is one): a report closed today is kept the whole period.
    old = select(Report.id).where(Report.updated_at < before, Report.status.not_in(OPEN_STATUSES))
    report_ids = list(session.execute(old).scalars())
    if not dry_run and report_ids:
        session.execute(delete(StatusChange).where(StatusChange.report_id.in_(report_ids)))
        session.execute(delete(Open311Sending).where(Open311Sending.report_id.in_(report_ids)))
        # The files' records go with their report; the evidence sweep then deletes the files.
        session.execute(delete(Evidence).where(Evidence.report_id.in_(report_ids)))
        session.execute(delete(Report).where(Report.id.in_(report_ids)))
    old_applications = select(CaseReviewApplication.id).where(
        CaseReviewApplication.decided_at < before, CaseReviewApplication.decision.is_not(None)
    )
    application_ids = list(session.execute(old_applications).scalars())
    if not dry_run and application_ids:
        session.execute(delete(CaseReviewApplication).where(CaseReviewApplication.id.in_(application_ids)))
    has_reports = select(Report.resident_id).where(Report.resident_id.is_not(None))
    has_applications = select(CaseReviewApplication.resident_id)
    has_live_chats = select(LiveChat.resident_id)
    has_callbacks = select(CallbackRequest.resident_id)
    empty = select(Resident.id).where(
        Resident.id.not_in(has_reports),
        Resident.id.not_in(has_applications),
        Resident.id.not_in(has_live_chats),
        Resident.id.not_in(has_callbacks),
        Resident.created_at < before,
    )
    resident_ids = list(session.execute(empty).scalars())
    if not dry_run and resident_ids:
        session.execute(delete(Resident).where(Resident.id.in_(resident_ids)))
    return {
        "reports": len(report_ids),
        "case_review_applications": len(application_ids),
        "residents": len(resident_ids),
    }


def purge_live_chats(session: Session, before: dt.datetime, dry_run: bool = False) -> dict[str, int]:
    """Live chats closed before ``before`` (kept as long as conversations with the bot), with their
    messages, and call-back requests dealt with before it. Open chats and requests nobody has dealt
    with yet stay."""
    chat_ids = list(
        session.execute(
            select(LiveChat.id).where(LiveChat.state.not_in(OPEN_LIVE_CHAT_STATES), LiveChat.closed_at < before)
        ).scalars()
    )
    callback_ids = list(
        session.execute(
            select(CallbackRequest.id).where(CallbackRequest.state != "open", CallbackRequest.handled_at < before)
        ).scalars()
    )
    if not dry_run:
        if chat_ids:
            session.execute(delete(LiveChatMessage).where(LiveChatMessage.live_chat_id.in_(chat_ids)))
            session.execute(delete(LiveChat).where(LiveChat.id.in_(chat_ids)))
        if callback_ids:
            session.execute(delete(CallbackRequest).where(CallbackRequest.id.in_(callback_ids)))
    return {"live_chats": len(chat_ids), "callback_requests": len(callback_ids)}


def close_stale_records(session: Session, before: dt.datetime, months: int, dry_run: bool = False) -> dict[str, int]:
    """Reports still open, and applications still undecided, with no change since ``before``:
    closed, saying why, so the rule for closed records applies to them from now on. Nothing is
    told to the resident (nothing happened on their report; the council's own process does that)."""
    reports = list(
        session.execute(
            select(Report).where(Report.status.in_(OPEN_STATUSES), Report.updated_at < before).order_by(Report.id)
        ).scalars()
    )
    applications = list(
        session.execute(
            select(CaseReviewApplication).where(
                CaseReviewApplication.decision.is_(None), CaseReviewApplication.created_at < before
            )
        ).scalars()
    )
    if not dry_run:
        for report in reports:
            note = STALE_NOTE.format(record="report", months=months)
            change_status(session, report, "closed", note=note, by=RETENTION)
        for application in applications:
            application.decision, application.decided_by, application.decided_at = LAPSED, RETENTION, utcnow()
            application.status = "decided"
            application.decision_reason = STALE_NOTE.format(record="application", months=months)
    return {"stale_reports_closed": len(reports), "undecided_applications_closed": len(applications)}


def purge_audit_log(session: Session, before: dt.datetime, dry_run: bool = False) -> int:
    """Audit entries older than ``before``. The database refuses any younger than the period the
    owner set in ``audit_log_retention``, so a mistaken ``before`` fails rather than erasing."""
    old = AuditEvent.at < before
    if dry_run:
        return session.execute(select(func.count()).select_from(AuditEvent).where(old)).scalar_one()
    return session.execute(delete(AuditEvent).where(old)).rowcount or 0


def set_audit_log_retention(session: Session, days: int) -> None:
    """Run as the owner (the services can only read it)."""
    row = session.get(AuditLogRetention, 1)
    if row is None:
        session.add(AuditLogRetention(id=1, days=days))
    else:
        row.days = days


def purge_staff_sessions(session: Session, before: dt.datetime) -> int:
    """Sessions older than the longest a session lasts: nothing to remember them for."""
    return session.execute(delete(StaffSession).where(StaffSession.created_at < before)).rowcount or 0


def purge_sign_in_failures(session: Session, before: dt.datetime) -> int:
    """Counts of wrong passwords (keyed hashes of an account and an address) no longer holding anyone back."""
    return (
        session.execute(
            delete(SignInFailure).where(
                SignInFailure.first_at < before,
                (SignInFailure.blocked_until.is_(None)) | (SignInFailure.blocked_until < before),
            )
        ).rowcount
        or 0
    )
