"""Filing and finding reports, and where a resident stands toward the case review."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from community_safety.case_review import CaseReviewRules, Incident, Standing, standing
from community_safety.casework import default_casework
from community_safety.open311 import outbox as open311_outbox
from community_safety.places import ward_for
from community_safety.records.models import (
    REPORT_FIELDS,
    CallbackRequest,
    CaseReviewApplication,
    LiveChat,
    LiveChatMessage,
    Report,
    Resident,
    StatusChange,
    day_of,
    utcnow,
)
from community_safety.records.statuses import REPORT_STATUSES
from community_safety.signposting import default_signposting
from community_safety.updates import Delivery

APPLICATION_PREFIX = "CR"
# Reports that are not separate incidents for the case review.
NOT_COUNTED = {"duplicate"}
# The first update on every report, told in the conversation that filed it.
RECEIVED = "We have received your report."
# What an erased resident's reports say in place of their words.
ERASED = "(erased at the resident's request)"


def reference(prefix: str, year: int, number: int) -> str:
    return f"{prefix}-{year}-{number:05d}"


def find_or_create_resident(session: Session, channel: str, channel_user_id: str) -> Resident:
    query = select(Resident).where(Resident.channel == channel, Resident.channel_user_id == channel_user_id)
    resident = session.execute(query).scalar_one_or_none()
    if resident:
        return resident
    try:
        with session.begin_nested():
            resident = Resident(channel=channel, channel_user_id=channel_user_id)
            session.add(resident)
    except IntegrityError:
        # Another conversation turn created them a moment ago.
        resident = session.execute(query).scalar_one()
    return resident


def file_report(
    session: Session,
    *,
    channel: str,
    channel_user_id: str | None,
    submission_key: str,
    fields: dict[str, Any],
    anonymous: bool = False,
    contact: str | None = None,
    need: str | None = None,
) -> Report:
    """Store a report once: filing the same submission again returns the first one. ``need``: the need
    whose conversation filed it, which says its category (the needs file's `report` entries)."""
    existing = session.execute(select(Report).where(Report.submission_key == submission_key)).scalar_one_or_none()
    if existing:
        return existing
    unknown = set(fields) - REPORT_FIELDS
    if unknown:
        raise ValueError(f"not report fields: {sorted(unknown)}")
    if not str(fields.get("description") or "").strip():
        raise ValueError("a report needs a description")
    category = default_signposting().report_category(need, fields)
    resident = None if anonymous or not channel_user_id else find_or_create_resident(session, channel, channel_user_id)
    if resident is not None and contact:
        # Given in answer to a question that says what it is kept for: that is the consent.
        if "@" in contact:
            resident.email = contact
        else:
            resident.phone = contact
        resident.contact_consent = True
        resident.consented_at = utcnow()
    report = Report(
        submission_key=submission_key,
        channel=channel,
        anonymous=anonymous or resident is None,
        resident=resident,
        ward=ward_for(fields.get("location_text")),
        category=category.value,
        **fields,
    )
    try:
        with session.begin_nested():
            session.add(report)
            session.flush()
            report.reference = reference(category.reference_prefix, report.created_at.year, report.id)
            report.due_on = default_casework().contact_due(report.created_at.date())
            filed_at = utcnow()
            if report.anonymous:
                # Only the day: the conversation's events keep their times, and must not lead to it.
                filed_at = report.created_at = report.updated_at = day_of(report.created_at)
            # The promise to send it to the council's casework system is kept with the report.
            open311_outbox.queue(session, report)
            # Told in the conversation that filed it, so already delivered.
            session.add(
                StatusChange(
                    report=report,
                    from_status=None,
                    to_status="new",
                    changed_by="resident",
                    resident_update=RECEIVED,
                    changed_at=filed_at,
                    delivered_at=filed_at,
                    delivered_by=Delivery.CONVERSATION.value,
                )
            )
            session.flush()
    except IntegrityError:
        # The same submission filed at the same moment by a retried request.
        return session.execute(select(Report).where(Report.submission_key == submission_key)).scalar_one()
    return report


def reports_of(session: Session, channel: str, channel_user_id: str) -> list[Report]:
    query = (
        select(Report)
        .join(Resident)
        .where(Resident.channel == channel, Resident.channel_user_id == channel_user_id)
        .order_by(Report.created_at, Report.id)
    )
    return list(session.execute(query).scalars())


def last_update(report: Report) -> StatusChange | None:
    updates = [change for change in report.history if change.resident_update]
    return updates[-1] if updates else None


def as_incident(report: Report) -> Incident:
    reported_on = report.created_at.date()
    if report.ongoing:
        # Behaviour that is still going on happened most recently when it was reported.
        occurred_on, approximate = reported_on, False
    elif report.occurred_on and not report.occurred_approximate:
        occurred_on, approximate = report.occurred_on, False
    else:
        # A range ("last weekend") counts on its last possible day, and no date at all on the day it
        # was reported: the resident has the benefit of the doubt, and a caseworker checks their words.
        occurred_on, approximate = report.occurred_to or report.occurred_on or reported_on, True
    return Incident(
        reference=report.reference,
        occurred_on=occurred_on,
        reported_on=reported_on,
        approximate=approximate,
        place=report.postcode or report.location_text or "",
        hate=bool(report.hate_motivated),
        action_taken=any(change.to_status == "action_taken" for change in report.history),
    )


def standing_of(
    session: Session, channel: str, channel_user_id: str, rules: CaseReviewRules, today: dt.date | None = None
) -> Standing:
    counts = default_signposting().counts_toward_case_review
    reports = [
        r for r in reports_of(session, channel, channel_user_id) if r.status not in NOT_COUNTED and counts(r.category)
    ]
    return standing([as_incident(r) for r in reports], rules, today or dt.date.today())


def file_case_review_application(
    session: Session,
    *,
    channel: str,
    channel_user_id: str,
    submission_key: str,
    current: Standing,
    on_behalf_of: str | None = None,
) -> CaseReviewApplication:
    existing = session.execute(
        select(CaseReviewApplication).where(CaseReviewApplication.submission_key == submission_key)
    ).scalar_one_or_none()
    if existing:
        return existing
    resident = find_or_create_resident(session, channel, channel_user_id)
    evidence = [
        {
            "reference": i.reference,
            "occurred_on": i.occurred_on.isoformat(),
            "reported_on": i.reported_on.isoformat(),
            "reported_to": "Tower Hamlets Council (community safety chatbot)",
        }
        for i in current.qualifying
    ]
    application = CaseReviewApplication(
        submission_key=submission_key,
        resident=resident,
        on_behalf_of=on_behalf_of,
        report_references=json.dumps(evidence),
        standing_reason=current.reason,
    )
    session.add(application)
    session.flush()
    application.reference = reference(APPLICATION_PREFIX, application.created_at.year, application.id)
    application.respond_by = default_casework().decision_due(application.created_at.date())
    session.flush()
    return application


def change_status(
    session: Session, report: Report, to_status: str, *, note: str, by: str, resident_update: str | None = None
) -> StatusChange:
    """A caseworker moves a report on. The note is for staff; the update, if any, is for the resident."""
    if to_status not in REPORT_STATUSES:
        raise ValueError(f"unknown status {to_status!r}")
    if not (note or "").strip():
        raise ValueError("a status change needs a note")
    change = StatusChange(
        report=report,
        from_status=report.status,
        to_status=to_status,
        note=note.strip(),
        resident_update=(resident_update or "").strip() or None,
        changed_by=by,
    )
    report.status = to_status
    session.add(change)
    session.flush()
    return change


def resident_record(session: Session, resident: Resident) -> dict[str, Any]:
    """Everything held about one resident (a subject access request), conversation aside."""

    def plain(value):
        return value.isoformat() if isinstance(value, (dt.date, dt.datetime)) else value

    def row(obj, skip=()):
        return {c.name: plain(getattr(obj, c.name)) for c in obj.__table__.columns if c.name not in skip}

    applications = session.execute(
        select(CaseReviewApplication).where(CaseReviewApplication.resident_id == resident.id)
    ).scalars()
    chats = session.execute(select(LiveChat).where(LiveChat.resident_id == resident.id).order_by(LiveChat.id)).scalars()
    callbacks = session.execute(select(CallbackRequest).where(CallbackRequest.resident_id == resident.id)).scalars()
    return {
        "resident": row(resident),
        "live_chats": [{**row(c), "messages": [row(m) for m in c.messages]} for c in chats],
        "callback_requests": [row(c, skip=("submission_key",)) for c in callbacks],
        "reports": [
            {**row(r, skip=("submission_key",)), "history": [row(c, skip=("note",)) for c in r.history]}
            for r in resident.reports
        ],
        "case_review_applications": [row(a, skip=("submission_key",)) for a in applications],
    }


def erase_resident(session: Session, resident: Resident) -> dict[str, Any]:
    """Anonymise a resident: contact details gone, reports kept for the council's casework but
    no longer linked to anyone, the channel id replaced so the bot can't find them again.

    Returns counts, and the casework system's references for their reports
    (``service_request_ids``): the council must ask that system to erase its copies too."""
    reports = list(resident.reports)
    service_request_ids = []
    for report in reports:
        report.resident_id = None
        report.anonymous = True
        # Their words can name them, or where they live: kept are only what the council's figures
        # need (category, dates, ward, postcode district, status).
        report.description = ERASED
        report.people_involved = report.other_agencies = report.agency_references = None
        report.location_text = report.ward
        report.occurred_text = None
        report.postcode = (report.postcode or "").split(" ")[0] or None
        # Staff notes and what the resident was told quote them too; the steps themselves stay.
        for change in report.history:
            change.note = ERASED if change.note else None
            change.resident_update = ERASED if change.resident_update else None
        if report.sending is not None:
            report.sending.remote_notes = None
            report.sending.last_error = ERASED if report.sending.last_error else None
            if report.sending.service_request_id:
                service_request_ids.append(report.sending.service_request_id)
    applications = session.execute(
        select(CaseReviewApplication).where(CaseReviewApplication.resident_id == resident.id)
    ).scalars()
    for application in applications:
        application.on_behalf_of = None
        # The references tie the application to the reports; the reasons retell the resident's case.
        application.report_references = "[]"
        application.standing_reason = ERASED
        application.decision_reason = ERASED if application.decision_reason else None
    # What they said to a person, and the numbers they left for a call-back, go whole.
    session.flush()
    chat_ids = select(LiveChat.id).where(LiveChat.resident_id == resident.id)
    unsynchronised = {"synchronize_session": False}
    live_messages = session.execute(
        delete(LiveChatMessage).where(LiveChatMessage.live_chat_id.in_(chat_ids)), execution_options=unsynchronised
    ).rowcount
    for table in (LiveChat, CallbackRequest):
        session.execute(delete(table).where(table.resident_id == resident.id), execution_options=unsynchronised)
    resident.name = resident.phone = resident.email = None
    resident.contact_consent = False
    resident.consented_at = None
    resident.channel_user_id = f"erased-{resident.id}"
    session.flush()
    return {
        "reports_unlinked": len(reports),
        "live_chat_messages": live_messages,
        "service_request_ids": sorted(service_request_ids),
    }
