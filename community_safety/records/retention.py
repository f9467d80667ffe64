"""Storage limitation: closed reports and decided case-review applications past the retention
period go, with their history, and residents left with nothing go too (with their contact
details). Open reports and undecided applications are never purged."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from community_safety.records.models import (
    OPEN_LIVE_CHAT_STATES,
    OPEN_STATUSES,
    CallbackRequest,
    CaseReviewApplication,
    LiveChat,
    LiveChatMessage,
    Open311Sending,
    Report,
    Resident,
    StatusChange,
)


def purge_reports(session: Session, before: dt.datetime, dry_run: bool = False) -> dict[str, int]:
    old = select(Report.id).where(Report.created_at < before, Report.status.not_in(OPEN_STATUSES))
    report_ids = list(session.execute(old).scalars())
    if not dry_run and report_ids:
        session.execute(delete(StatusChange).where(StatusChange.report_id.in_(report_ids)))
        session.execute(delete(Open311Sending).where(Open311Sending.report_id.in_(report_ids)))
        session.execute(delete(Report).where(Report.id.in_(report_ids)))
    old_applications = select(CaseReviewApplication.id).where(
        CaseReviewApplication.created_at < before, CaseReviewApplication.decision.is_not(None)
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
