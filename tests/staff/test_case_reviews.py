"""The case-review queue: evidence, the threshold decision with its reason, the deadline."""

from __future__ import annotations

import datetime as dt
import json

from community_safety.case_review import default_rules
from community_safety.casework import default_casework
from community_safety.records.database import session_scope
from community_safety.records.models import AuditEvent, CaseReviewApplication
from community_safety.records.reports import file_case_review_application, standing_of
from community_safety.wording import day
from tests.staff.conftest import csrf_token, make_report


def apply(user="persistent") -> tuple[str, list[str]]:
    references = [
        make_report(
            user=user,
            occurred_on=dt.date.today() - dt.timedelta(days=day),
            created=dt.datetime.utcnow() - dt.timedelta(days=day),
        )
        for day in (2, 9, 16)
    ]
    with session_scope() as db:
        current = standing_of(db, "web", user, default_rules())
        assert current.eligible
        application = file_case_review_application(
            db, channel="web", channel_user_id=user, submission_key=f"cr-{user}", current=current
        )
        return application.reference, references


def test_the_queue_shows_applications_with_their_deadline(caseworker):
    reference, _ = apply()
    page = caseworker.get("/staff/case-reviews").get_data(as_text=True)
    due = default_casework().decision_due(dt.date.today())
    assert reference in page and day(due) in page and "Not decided yet" in page


def test_an_application_shows_its_evidence(caseworker):
    reference, reports = apply()
    page = caseworker.get(f"/staff/case-reviews/{reference}").get_data(as_text=True)
    assert all(r in page for r in reports)
    assert "3 of 3 qualifying incidents" in page


def test_a_decision_needs_a_reason_and_is_audited(caseworker):
    reference, _ = apply()
    token = csrf_token(caseworker, f"/staff/case-reviews/{reference}")
    missing = caseworker.post(
        f"/staff/case-reviews/{reference}/decision",
        data={"decision": "threshold_met", "reason": "", "csrf_token": token},
    )
    assert missing.status_code == 400 and "Give the reason" in missing.get_data(as_text=True)
    done = caseworker.post(
        f"/staff/case-reviews/{reference}/decision",
        data={"decision": "threshold_met", "reason": "Three separate incidents in six months.", "csrf_token": token},
    )
    assert done.status_code == 302
    with session_scope() as db:
        application = db.query(CaseReviewApplication).filter_by(reference=reference).one()
        assert application.decision == "threshold_met" and application.decided_by == "caseworker@council.example"
        event = db.query(AuditEvent).filter_by(action="decided case review").one()
        assert json.loads(event.changes)["decision"] == [None, "threshold_met"]
    assert "Threshold met" in caseworker.get(f"/staff/case-reviews/{reference}").get_data(as_text=True)
