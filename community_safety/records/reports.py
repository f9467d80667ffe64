"""Filing and finding reports, and where a resident stands toward the case review."""
from __future__ import annotations

import datetime as dt
import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from community_safety.case_review import CaseReviewRules, Incident, Standing, standing
from community_safety.records.models import (STATUSES, CaseReviewApplication, Report, Resident,
                                             StatusChange, utcnow)

REPORT_PREFIX = "ASB"
APPLICATION_PREFIX = "CR"
# Reports that are not separate incidents for the case review.
NOT_COUNTED = {"duplicate"}
REPORT_FIELDS = {
    "asb_type", "description", "location_text", "postcode", "occurred_on", "occurred_text", "ongoing",
    "frequency", "people_involved", "feels_targeted", "hate_motivated", "health_affected",
    "children_in_home", "feels_safe_at_home", "other_agencies", "agency_references",
}


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


def file_report(session: Session, *, channel: str, channel_user_id: str | None, submission_key: str,
                fields: dict[str, Any], anonymous: bool = False, contact: str | None = None) -> Report:
    """Store a report once: filing the same submission again returns the first one."""
    existing = session.execute(select(Report).where(Report.submission_key == submission_key)).scalar_one_or_none()
    if existing:
        return existing
    unknown = set(fields) - REPORT_FIELDS
    if unknown:
        raise ValueError(f"not report fields: {sorted(unknown)}")
    if not str(fields.get("description") or "").strip():
        raise ValueError("a report needs a description")
    resident = None if anonymous or not channel_user_id else find_or_create_resident(session, channel, channel_user_id)
    if resident is not None and contact:
        # Given in answer to a question that says what it is kept for: that is the consent.
        if "@" in contact:
            resident.email = contact
        else:
            resident.phone = contact
        resident.contact_consent = True
        resident.consented_at = utcnow()
    report = Report(submission_key=submission_key, channel=channel, anonymous=anonymous or resident is None,
                    resident=resident, **fields)
    try:
        with session.begin_nested():
            session.add(report)
            session.flush()
            report.reference = reference(REPORT_PREFIX, report.created_at.year, report.id)
            session.add(StatusChange(report=report, from_status=None, to_status="new", changed_by="resident",
                                     resident_update="We have received your report."))
            session.flush()
    except IntegrityError:
        # The same submission filed at the same moment by a retried request.
        return session.execute(select(Report).where(Report.submission_key == submission_key)).scalar_one()
    return report


def reports_of(session: Session, channel: str, channel_user_id: str) -> list[Report]:
    query = (select(Report).join(Resident)
             .where(Resident.channel == channel, Resident.channel_user_id == channel_user_id)
             .order_by(Report.created_at, Report.id))
    return list(session.execute(query).scalars())


def status_text(report: Report) -> str:
    return STATUSES.get(report.status, report.status)


def last_update(report: Report) -> StatusChange | None:
    updates = [change for change in report.history if change.resident_update]
    return updates[-1] if updates else None


def as_incident(report: Report) -> Incident:
    reported_on = report.created_at.date()
    # Behaviour that is still going on happened most recently when it was reported.
    occurred_on = reported_on if report.ongoing or not report.occurred_on else report.occurred_on
    return Incident(
        reference=report.reference,
        occurred_on=occurred_on,
        reported_on=reported_on,
        place=report.postcode or report.location_text or "",
        hate=bool(report.hate_motivated),
        action_taken=any(change.to_status == "action_taken" for change in report.history),
    )


def standing_of(session: Session, channel: str, channel_user_id: str, rules: CaseReviewRules,
                today: dt.date | None = None) -> Standing:
    reports = [r for r in reports_of(session, channel, channel_user_id) if r.status not in NOT_COUNTED]
    return standing([as_incident(r) for r in reports], rules, today or dt.date.today())


def file_case_review_application(session: Session, *, channel: str, channel_user_id: str, submission_key: str,
                                 current: Standing, on_behalf_of: str | None = None) -> CaseReviewApplication:
    existing = session.execute(select(CaseReviewApplication)
                               .where(CaseReviewApplication.submission_key == submission_key)).scalar_one_or_none()
    if existing:
        return existing
    resident = find_or_create_resident(session, channel, channel_user_id)
    evidence = [{"reference": i.reference, "occurred_on": i.occurred_on.isoformat(), "reported_on": i.reported_on.isoformat(),
                 "reported_to": "Tower Hamlets Council (community safety chatbot)"} for i in current.qualifying]
    application = CaseReviewApplication(submission_key=submission_key, resident=resident, on_behalf_of=on_behalf_of,
                                        report_references=json.dumps(evidence), standing_reason=current.reason)
    session.add(application)
    session.flush()
    application.reference = reference(APPLICATION_PREFIX, application.created_at.year, application.id)
    session.flush()
    return application
