"""The scheduled jobs, for admins: when each last ran, what it did, and whether it is overdue."""

from __future__ import annotations

from flask import render_template

from community_safety.jobs.runs import states
from community_safety.jobs.scheduler import expected_jobs
from community_safety.records.database import session_scope
from staff.views import admin_required, staff


@staff.get("/jobs")
@admin_required
def jobs():
    with session_scope() as db:
        found = states(db, expected_jobs())
    return render_template("staff/jobs.html", jobs=found, overdue=sum(1 for job in found if job.overdue))
