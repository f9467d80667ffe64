"""What the staff site reads from the records, in one place; the views only call these.

The reports list: filters read from the URL (so a view can be bookmarked), sorting, pages. Then one
report or application by its reference, the case-review queue, the overview's figures, the audit
log. (What the chat and the staff site both do to the records, such as filing a report or changing
its status, is in community_safety/records/reports.py.)"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields
from typing import Any
from urllib.parse import urlencode

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, selectinload

from community_safety.case_review import default_rules
from community_safety.channels import CHANNELS
from community_safety.records.models import (
    AuditEvent,
    CaseReviewApplication,
    Report,
    Resident,
)
from community_safety.records.reports import standing_of
from community_safety.records.statuses import OPEN_STATUSES, REPORT_STATUSES

PAGE_SIZE = 25
SORTS = {
    "newest": (Report.created_at.desc(), Report.id.desc()),
    "oldest": (Report.created_at.asc(), Report.id.asc()),
    "due": (Report.due_on.asc(), Report.id.asc()),
    "status": (Report.status.asc(), Report.created_at.desc()),
    "priority": (Report.priority.desc(), Report.created_at.desc()),
}


def whole_number(value: str) -> int | None:
    """A page or id from the address: plain digits only ("²" and "٣" are digits to str.isdigit)."""
    return int(value) if value.isascii() and value.isdigit() and len(value) <= 9 else None


LANGUAGES = ("en", "bn")


def _date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


@dataclass
class ReportFilters:
    status: str = ""
    category: str = ""
    ward: str = ""
    language: str = ""  # en or bn
    postcode_area: str = ""
    date_from: str = ""
    date_to: str = ""
    channel: str = ""
    assignee: str = ""  # a staff id, "me" or "none"
    overdue: str = ""  # "yes"
    eligible: str = ""  # "yes": the resident can apply for a case review now
    sort: str = "newest"
    page: int = 1

    @classmethod
    def from_args(cls, args) -> ReportFilters:
        values: dict[str, Any] = {}
        for field in fields(cls):
            raw = (args.get(field.name) or "").strip()[:100]
            if field.name == "page":
                number = whole_number(raw)
                values["page"] = number if number and number < 100000 else 1
            elif raw:
                values[field.name] = raw
        filters = cls(**values)
        if filters.sort not in SORTS:
            filters.sort = "newest"
        return filters

    def query_string(self, **changes) -> str:
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        values.update(changes)
        return urlencode(
            {
                k: v
                for k, v in values.items()
                if v and not (k == "page" and v == 1) and not (k == "sort" and v == "newest")
            }
        )

    def statement(self, me: int | None):
        query = select(Report).options(
            selectinload(Report.resident), selectinload(Report.assignee), selectinload(Report.history)
        )
        if self.status in REPORT_STATUSES:
            query = query.where(Report.status == self.status)
        if self.category:
            query = query.where(Report.category == self.category)
        if self.ward:
            query = query.where(Report.ward == self.ward)
        if self.language in LANGUAGES:
            query = query.where(Report.language == self.language)
        if self.postcode_area:
            area = self.postcode_area.upper().replace(" ", "")
            query = query.where(or_(func.upper(Report.postcode).like(f"{area} %"), func.upper(Report.postcode) == area))
        start, end = _date(self.date_from), _date(self.date_to)
        if start:
            query = query.where(Report.created_at >= dt.datetime.combine(start, dt.time.min))
        if end:
            query = query.where(Report.created_at < dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min))
        if self.channel in CHANNELS:
            query = query.where(Report.channel == self.channel)
        if self.assignee == "none":
            query = query.where(Report.assignee_id.is_(None))
        elif self.assignee == "me" and me:
            query = query.where(Report.assignee_id == me)
        elif whole_number(self.assignee) is not None:
            query = query.where(Report.assignee_id == whole_number(self.assignee))
        if self.overdue == "yes":
            query = query.where(Report.status.in_(OPEN_STATUSES), Report.due_on < dt.date.today())
        return query.order_by(*SORTS[self.sort])


def is_overdue(report: Report, today: dt.date | None = None) -> bool:
    return report.status in OPEN_STATUSES and report.due_on is not None and report.due_on < (today or dt.date.today())


def eligibility(session: Session, reports: list[Report]) -> dict[int, Any]:
    """Each linked resident's standing toward the case review, computed once per resident."""
    rules, standings = default_rules(), {}
    for report in reports:
        resident: Resident | None = report.resident
        if resident and resident.id not in standings:
            standings[resident.id] = standing_of(session, resident.channel, resident.channel_user_id, rules)
    return standings


@dataclass
class Page:
    reports: list[Report]
    standings: dict[int, Any]
    total: int
    number: int
    pages: int


def find_reports(session: Session, filters: ReportFilters, me: int | None, everything: bool = False) -> Page:
    reports = list(session.execute(filters.statement(me)).scalars().unique())
    standings = eligibility(session, reports)
    if filters.eligible == "yes":
        reports = [r for r in reports if r.resident and standings[r.resident.id].eligible]
    total = len(reports)
    pages = max(1, -(-total // PAGE_SIZE))
    number = min(filters.page, pages)
    shown = reports if everything else reports[(number - 1) * PAGE_SIZE : number * PAGE_SIZE]
    return Page(shown, standings, total, number, pages)


def report_by_reference(session: Session, reference: str) -> Report | None:
    return session.execute(select(Report).where(Report.reference == reference)).scalar_one_or_none()


def application_by_reference(session: Session, reference: str) -> CaseReviewApplication | None:
    return session.execute(
        select(CaseReviewApplication).where(CaseReviewApplication.reference == reference)
    ).scalar_one_or_none()


def reports_with_history(session: Session, references: list[str]) -> dict[str, Report]:
    query = select(Report).options(selectinload(Report.history)).where(Report.reference.in_(references))
    return {report.reference: report for report in session.execute(query).scalars()}


def case_review_queue(session: Session) -> list[CaseReviewApplication]:
    """Undecided applications first, soonest due first."""
    query = (
        select(CaseReviewApplication)
        .options(selectinload(CaseReviewApplication.resident))
        .order_by(
            CaseReviewApplication.decision.is_not(None),
            CaseReviewApplication.respond_by,
            CaseReviewApplication.id,
        )
    )
    return list(session.execute(query).scalars())


def reports_since(session: Session, start: dt.datetime) -> list[Any]:
    """The overview's rows: when, category, status and ward of each report since ``start``."""
    query = select(Report.created_at, Report.category, Report.status, Report.ward).where(Report.created_at >= start)
    return list(session.execute(query).all())


def overdue_count(session: Session, today: dt.date) -> int:
    query = select(func.count(Report.id)).where(Report.status.in_(OPEN_STATUSES), Report.due_on < today)
    return session.execute(query).scalar_one()


def audit_page(session: Session, number: int, size: int) -> tuple[list[AuditEvent], int]:
    """One page of the audit log, newest first, and how many events there are."""
    total = session.execute(select(func.count(AuditEvent.id))).scalar_one()
    query = select(AuditEvent).order_by(AuditEvent.id.desc()).offset((number - 1) * size).limit(size)
    return list(session.execute(query).scalars()), total
