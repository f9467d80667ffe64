"""The audit log, for admins: who changed what, when, from what to what."""

from __future__ import annotations

import json

from flask import render_template, request

from community_safety.records.database import session_scope
from staff.queries import audit_page, whole_number
from staff.views import admin_required, staff

PAGE_SIZE = 50


@staff.get("/audit")
@admin_required
def audit_log():
    page = request.args.get("page", "1")
    number = whole_number(page) or 1
    with session_scope() as db:
        events, total = audit_page(db, number, PAGE_SIZE)
        rows = [(event, json.loads(event.changes or "{}")) for event in events]
    return render_template("staff/audit_log.html", rows=rows, number=number, pages=max(1, -(-total // PAGE_SIZE)))
