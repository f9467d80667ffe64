"""One report's page: status changes with notes, updates that reach the resident, assignment,
the conversation transcript, and the audit trail of every change."""

from __future__ import annotations

import datetime as dt
import json
import time

from community_safety.records.database import session_scope
from community_safety.records.models import AuditEvent, Report, StatusChange
from tests.staff.conftest import csrf_token, make_report
from tests.tracker_store import store_events


def change(client, reference, **form):
    form.setdefault("csrf_token", csrf_token(client, f"/staff/reports/{reference}"))
    return client.post(f"/staff/reports/{reference}/status", data=form)


def test_a_status_change_needs_a_note_and_a_different_status(caseworker):
    reference = make_report()
    missing = change(caseworker, reference, status="in_progress", note="")
    assert missing.status_code == 400 and "Write a note saying why" in missing.get_data(as_text=True)
    same = change(caseworker, reference, status="new", note="looked")
    assert same.status_code == 400 and "different from the current one" in same.get_data(as_text=True)
    with session_scope() as db:
        assert db.query(Report).filter_by(reference=reference).one().status == "new"


def test_internal_notes_stay_apart_from_the_resident_update(caseworker):
    reference = make_report()
    response = change(
        caseworker,
        reference,
        status="action_taken",
        note="Warning letter to flat 12 (J. Smith)",
        resident_update="We have written to the people responsible.",
    )
    assert response.status_code == 302
    with session_scope() as db:
        latest = db.query(StatusChange).order_by(StatusChange.id.desc()).first()
        assert latest.note == "Warning letter to flat 12 (J. Smith)"
        assert latest.resident_update == "We have written to the people responsible."
        assert latest.delivered_at is None  # a web resident: shown on their next visit
        event = db.query(AuditEvent).filter_by(action="changed status").one()
        assert json.loads(event.changes)["status"] == ["new", "action_taken"]
        assert "J. Smith" not in event.changes
    page = caseworker.get(f"/staff/reports/{reference}").get_data(as_text=True)
    assert "Internal note: </span>Warning letter" in page and "not yet seen" in page


def test_the_web_resident_sees_the_update_on_their_next_visit(app, caseworker):
    reference = make_report(channel="web", user="chat-abc")
    change(caseworker, reference, status="in_progress", note="visited", resident_update="An officer visited today.")
    resident = app.test_client()
    with resident.session_transaction() as session:
        session["chat_id"] = "chat-abc"
    messages = resident.get("/chat/messages").get_json()["messages"]  # Rasa is not running here
    assert any(f"Update on your report {reference}: An officer visited today." in m["text"] for m in messages)
    # Shown once, and staff see it arrived.
    assert not any("officer" in m["text"] for m in resident.get("/chat/messages").get_json()["messages"])
    with session_scope() as db:
        assert (
            db.query(StatusChange)
            .filter(StatusChange.resident_update.is_not(None), StatusChange.delivered_by == "web")
            .count()
            == 1
        )


def test_a_telegram_residents_update_waits_for_the_bridge_and_the_page_says_so(caseworker):
    """The staff request never calls Telegram: the update is kept for the Telegram bridge to send
    (tests/conversation/test_caseworker_updates.py sends it through the real bridge)."""
    from community_safety.updates import due_on_telegram

    reference = make_report(channel="telegram", user="8080")
    response = change(
        caseworker, reference, status="referred", note="to housing", resident_update="We have passed this on."
    )
    assert "will reach the resident on Telegram" in caseworker.get(response.headers["Location"]).get_data(as_text=True)
    with session_scope() as db:
        due = [(chat, text) for _, chat, text in due_on_telegram(db) if chat == "8080"]
        assert len(due) == 1 and due[0][1].startswith(f"Update on your report {reference}: We have passed this on.")
    page = caseworker.get(f"/staff/reports/{reference}").get_data(as_text=True)
    assert "waiting to be sent on Telegram" in page


def test_assignment_priority_and_due_date_are_saved_and_audited(caseworker):
    reference = make_report()
    response = caseworker.post(
        f"/staff/reports/{reference}/assignment",
        data={
            "assignee": "2",
            "priority": "urgent",
            "due_on": "2026-12-24",
            "csrf_token": csrf_token(caseworker, f"/staff/reports/{reference}"),
        },
    )
    assert response.status_code == 302
    with session_scope() as db:
        report = db.query(Report).filter_by(reference=reference).one()
        assert (report.assignee.email, report.priority, str(report.due_on)) == (
            "caseworker@council.example",
            "urgent",
            "2026-12-24",
        )
        changes = json.loads(db.query(AuditEvent).filter_by(action="changed assignment").one().changes)
        assert changes["priority"] == ["normal", "urgent"] and changes["assignee"] == [None, 2]
    bad = caseworker.post(
        f"/staff/reports/{reference}/assignment",
        data={
            "assignee": "999",
            "priority": "whenever",
            "csrf_token": csrf_token(caseworker, f"/staff/reports/{reference}"),
        },
    )
    assert bad.status_code == 400


def test_the_conversation_is_shown_from_the_tracker_store(caseworker, data):
    reference = make_report(channel="web", user="chat-xyz")
    said = [
        {"event": "user", "text": "kids keep <b>kicking</b> my door"},
        {"event": "bot", "text": "What's been happening?"},
        {"event": "user", "text": "/send_evidence", "metadata": {"evidence": {"id": "ab" * 16, "kind": "video"}}},
    ]
    store_events(data / "tracker.db", [("web:chat-xyz", event, time.time()) for event in said])
    page = caseworker.get(f"/staff/reports/{reference}").get_data(as_text=True)
    assert "kids keep &lt;b&gt;kicking&lt;/b&gt; my door" in page and "What&#39;s been happening?" in page
    # A file the resident sent shows as what it was, not as the channel's word to the bot.
    assert "(sent a video)" in page and "/send_evidence" not in page


def test_an_unknown_reference_is_a_plain_404(caseworker):
    response = caseworker.get("/staff/reports/ASB-1999-99999")
    assert response.status_code == 404 and "Page not found" in response.get_data(as_text=True)


def test_an_approximate_date_is_shown_as_a_range_beside_the_residents_words(caseworker):
    reference = make_report(
        occurred_on=None,
        occurred_from=dt.date(2026, 11, 21),
        occurred_to=dt.date(2026, 11, 22),
        occurred_approximate=True,
        occurred_text="last weekend",
    )
    page = caseworker.get(f"/staff/reports/{reference}").get_data(as_text=True)
    assert "last weekend" in page
    assert "between 21 November 2026 and 22 November 2026 (approximate)" in page


def test_the_status_shows_as_its_coloured_tag_and_the_form_offers_every_status(caseworker):
    from community_safety.records.statuses import REPORT_STATUSES

    reference = make_report()
    page = caseworker.get(f"/staff/reports/{reference}").get_data(as_text=True)
    assert '<strong class="govuk-tag govuk-tag--blue">New</strong>' in page
    assert "Received: a caseworker will look at it." in page
    for value, status in REPORT_STATUSES.items():
        assert f'value="{value}"' in page and status.name in page
