"""Every report, filtered, sorted and paged; and the same view as a CSV file."""

from __future__ import annotations

import csv
import io

from flask import Response, render_template, request
from flask_login import current_user

from community_safety.channels import CHANNELS
from community_safety.places import ward_names
from community_safety.records import audit
from community_safety.records.database import session_scope
from community_safety.records.statuses import REPORT_STATUSES
from community_safety.signposting import default_signposting
from community_safety.wording import language_name
from staff.accounts import active_staff
from staff.queries import LANGUAGES, SORTS, ReportFilters, find_reports, is_overdue
from staff.views import staff

CSV_COLUMNS = [
    "reference",
    "created",
    "status",
    "category",
    "priority",
    "ward",
    "language",
    "postcode",
    "location",
    "channel",
    "assignee",
    "due",
    "overdue",
    "anonymous",
    "description",
]
# A cell starting with one of these is read as a formula by spreadsheet programs.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


def spreadsheet_safe(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


@staff.get("/reports")
def reports():
    filters = ReportFilters.from_args(request.args)
    with session_scope() as db:
        page = find_reports(db, filters, current_user.id)
        options = {
            "status": [(key, status.name) for key, status in REPORT_STATUSES.items()],
            "category": [(value, category.title) for value, category in default_signposting().categories.items()],
            "ward": [(ward, ward) for ward in ward_names()],
            "language": [(key, language_name(key)) for key in LANGUAGES],
            "channel": [(key, channel.name) for key, channel in CHANNELS.items()],
            "assignee": [("me", "Me"), ("none", "Not assigned")] + [(str(p.id), p.email) for p in active_staff(db)],
        }
        return render_template(
            "staff/reports.html", page=page, filters=filters, options=options, sorts=list(SORTS), is_overdue=is_overdue
        )


@staff.get("/reports.csv")
def reports_csv():
    filters = ReportFilters.from_args(request.args)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    with session_scope() as db:
        page = find_reports(db, filters, current_user.id, everything=True)
        for r in page.reports:
            writer.writerow(
                [
                    spreadsheet_safe(v)
                    for v in (
                        r.reference,
                        r.created_at.strftime("%Y-%m-%d %H:%M"),
                        r.status,
                        r.category,
                        r.priority,
                        r.ward,
                        r.language,
                        r.postcode,
                        r.location_text,
                        r.channel,
                        r.assignee.email if r.assignee else "",
                        r.due_on,
                        "yes" if is_overdue(r) else "no",
                        "yes" if r.anonymous else "no",
                        r.description,
                    )
                ]
            )
        audit.record(
            db,
            current_user.email,
            "exported reports",
            "report_list",
            "filtered" if filters.query_string() else "all",
            {"filters": (None, filters.query_string() or None), "rows": (None, page.total)},
        )
    return Response(
        out.getvalue(), mimetype="text/csv", headers={"Content-Disposition": 'attachment; filename="reports.csv"'}
    )
