"""One report: everything about it, its conversation, the resident's other reports and case-review
standing; changing its status (with a note, and an optional update for the resident), assigning it."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from community_safety.case_review import default_rules
from community_safety.casework import default_casework
from community_safety.channels import sender_id
from community_safety.evidence.intake import of_report
from community_safety.records import audit
from community_safety.records.conversations import conversation
from community_safety.records.database import session_scope
from community_safety.records.models import PRIORITIES, SENDING_STATES, Report
from community_safety.records.reports import change_status, reports_of, standing_of
from community_safety.settings import settings
from staff.accounts import active_staff
from staff.forms import AssignmentForm, ConfirmForm, StatusForm
from staff.queries import is_overdue, report_by_reference
from staff.views import staff
from staff.views.evidence import opened_words, who_opened


def _report(db, reference: str) -> Report:
    report = report_by_reference(db, reference)
    if report is None:
        abort(404)
    return report


def _assignment_form(db, report: Report) -> AssignmentForm:
    # On a POST, Flask-WTF takes the submitted values over these.
    form = AssignmentForm(assignee=str(report.assignee_id or ""), priority=report.priority, due_on=report.due_on)
    form.assignee.choices = [("", "Not assigned")] + [(str(p.id), p.email) for p in active_staff(db)]
    return form


def _page(db, report: Report, status_form=None, assignment_form=None, status=200):
    resident = report.resident
    others, standing = [], None
    if resident:
        others = [r for r in reports_of(db, resident.channel, resident.channel_user_id) if r.id != report.id]
        standing = standing_of(db, resident.channel, resident.channel_user_id, default_rules())
    transcript = conversation(sender_id(resident.channel, resident.channel_user_id)) if resident else None
    files = of_report(db, report.id)
    return render_template(
        "staff/report.html",
        report=report,
        resident=resident,
        others=others,
        standing=standing,
        transcript=transcript,
        priorities=PRIORITIES,
        overdue=is_overdue(report),
        contact_within=default_casework().contact_within,
        status_form=status_form or StatusForm(status=report.status),
        assignment_form=assignment_form or _assignment_form(db, report),
        casework_system=settings().open311_endpoint,
        sending_states=SENDING_STATES,
        send_again_form=ConfirmForm(),
        evidence=files,
        opened=who_opened(db, files),
        opened_words=opened_words,
    ), status


@staff.get("/reports/<reference>")
def report(reference: str):
    with session_scope() as db:
        return _page(db, _report(db, reference))


@staff.post("/reports/<reference>/status")
def change_report_status(reference: str):
    form = StatusForm()
    with session_scope() as db:
        report = _report(db, reference)
        if not form.validate_on_submit() or form.status.data == report.status:
            if form.status.data == report.status:
                form.status.errors = list(form.status.errors) + ["Choose a status different from the current one"]
            return _page(db, report, status_form=form, status=400)
        before = report.status
        change = change_status(
            db,
            report,
            form.status.data,
            note=form.note.data.strip(),
            resident_update=(form.resident_update.data or "").strip() or None,
            by=current_user.email,
        )
        audit.record(
            db,
            current_user.email,
            "changed status",
            "report",
            report.reference,
            {
                "status": (before, report.status),
                "note": (None, f"status change {change.id}"),
                "resident_update": (None, "yes" if change.resident_update else "no"),
            },
        )
        on_telegram = bool(change.resident_update and report.resident and report.resident.channel == "telegram")
    if on_telegram:
        flash(
            "Status changed. Your update will reach the resident on Telegram within a few seconds; "
            "this page says when it has."
        )
    else:
        flash("Status changed.")
    return redirect(url_for("staff.report", reference=reference))


@staff.post("/reports/<reference>/assignment")
def assign_report(reference: str):
    with session_scope() as db:
        report = _report(db, reference)
        form = _assignment_form(db, report)
        if not form.validate_on_submit():
            return _page(db, report, assignment_form=form, status=400)
        before = {"assignee": report.assignee_id, "priority": report.priority, "due_on": report.due_on}
        report.assignee_id = int(form.assignee.data) if form.assignee.data else None
        report.priority = form.priority.data
        report.due_on = form.due_on.data or report.due_on
        after = {"assignee": report.assignee_id, "priority": report.priority, "due_on": report.due_on}
        changes = audit.changed(before, after)
        if changes:
            audit.record(db, current_user.email, "changed assignment", "report", report.reference, changes)
    flash("Saved." if changes else "Nothing was changed.")
    return redirect(url_for("staff.report", reference=reference))
