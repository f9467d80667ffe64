"""Sending a report to the council's casework system again (Open311): an admin's task, for a report the
system refused (once what it objected to is put right) or one filed before the system was set up."""

from __future__ import annotations

from flask import abort, flash, redirect, url_for
from flask_login import current_user

from community_safety.open311.outbox import send_again
from community_safety.records.database import session_scope
from staff.forms import ConfirmForm
from staff.queries import report_by_reference
from staff.views import admin_required, staff


@staff.post("/reports/<reference>/send-again")
@admin_required
def send_report_again(reference: str):
    if not ConfirmForm().validate_on_submit():
        abort(400)
    with session_scope() as db:
        report = report_by_reference(db, reference)
        if report is None:
            abort(404)
        queued = send_again(db, report, current_user.email) is not None
    flash(
        "The report will be sent to the casework system within a minute."
        if queued
        else "Nothing to send: the casework system already has this report, or none is set up."
    )
    return redirect(url_for("staff.report", reference=reference))
