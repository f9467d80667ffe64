"""The case-review queue: applications with their evidence, the threshold decision with a
reason, and the date it is due."""

from __future__ import annotations

import datetime as dt
import json

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from community_safety.case_review import default_rules
from community_safety.records import audit
from community_safety.records.database import session_scope
from community_safety.records.models import DECISION_LABELS, CaseReviewApplication, utcnow
from community_safety.records.reports import standing_of
from staff.forms import DecisionForm
from staff.queries import application_by_reference, case_review_queue, reports_with_history
from staff.views import staff


def _application(db, reference: str) -> CaseReviewApplication:
    application = application_by_reference(db, reference)
    if application is None:
        abort(404)
    return application


def _evidence(db, application: CaseReviewApplication) -> list[dict]:
    """The incidents the application rests on, with what was done about each."""
    try:
        listed = json.loads(application.report_references or "[]")
    except ValueError:
        listed = []
    references = [item.get("reference") if isinstance(item, dict) else str(item) for item in listed]
    reports = reports_with_history(db, references)
    rows = []
    for item, ref in zip(listed, references, strict=False):
        report = reports.get(ref)
        rows.append(
            {
                "reference": ref,
                "detail": item if isinstance(item, dict) else {},
                "report": report,
                "actions": [c for c in report.history if c.from_status is not None] if report else [],
            }
        )
    return rows


@staff.get("/case-reviews")
def case_reviews():
    with session_scope() as db:
        applications = case_review_queue(db)
        return render_template(
            "staff/case_reviews.html", applications=applications, decisions=DECISION_LABELS, today=dt.date.today()
        )


def _page(db, application, form, status=200):
    resident = application.resident
    current = standing_of(db, resident.channel, resident.channel_user_id, default_rules()) if resident else None
    return render_template(
        "staff/case_review.html",
        application=application,
        evidence=_evidence(db, application),
        standing=current,
        decisions=DECISION_LABELS,
        form=form,
        today=dt.date.today(),
    ), status


@staff.get("/case-reviews/<reference>")
def case_review(reference: str):
    with session_scope() as db:
        return _page(db, _application(db, reference), DecisionForm())


@staff.post("/case-reviews/<reference>/decision")
def decide_case_review(reference: str):
    form = DecisionForm()
    with session_scope() as db:
        application = _application(db, reference)
        if not form.validate_on_submit():
            return _page(db, application, form, status=400)
        before = {"decision": application.decision, "decision_reason": application.decision_reason}
        application.decision = form.decision.data
        application.decision_reason = form.reason.data.strip()
        application.decided_by, application.decided_at = current_user.email, utcnow()
        application.status = "decided"
        audit.record(
            db,
            current_user.email,
            "decided case review",
            "case_review_application",
            application.reference,
            audit.changed(before, {"decision": application.decision, "decision_reason": application.decision_reason}),
        )
    flash("Decision recorded.")
    return redirect(url_for("staff.case_review", reference=reference))
