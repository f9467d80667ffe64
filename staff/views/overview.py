"""An overview: reports by category, status and ward, month by month, and how many are overdue.
Charts are SVG drawn on the server, each with the same figures in a table."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from flask import render_template

from community_safety.records.database import session_scope
from community_safety.review.queue import counts as review_counts
from community_safety.signposting import default_signposting
from community_safety.wording import status_name
from staff.queries import overdue_count, reports_since
from staff.views import staff

MONTHS = 12


def _months(today: dt.date) -> list[str]:
    months, year, month = [], today.year, today.month
    for _ in range(MONTHS):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return list(reversed(months))


@staff.get("/overview")
def overview():
    today = dt.date.today()
    months = _months(today)
    start = dt.datetime.strptime(months[0], "%Y-%m")
    with session_scope() as db:
        rows = reports_since(db, start)
        overdue = overdue_count(db, today)
        review = review_counts(db)
    by_month = Counter(row.created_at.strftime("%Y-%m") for row in rows)
    charts = {
        "Reports by month": [(m, by_month.get(m, 0)) for m in months],
        "By category": [
            (default_signposting().category_name(c), n) for c, n in Counter(row.category for row in rows).most_common()
        ],
        "By status": [(status_name(s), n) for s, n in Counter(row.status for row in rows).most_common()],
        "By ward": Counter(row.ward or "Not known" for row in rows).most_common(),
    }
    return render_template(
        "staff/overview.html",
        charts=charts,
        overdue=overdue,
        total=len(rows),
        since=start.strftime("%B %Y"),
        review=review,
    )
