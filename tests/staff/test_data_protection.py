"""Data protection: everything held about one resident, erasing them, and the retention purge."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import time

from sqlalchemy import text

from community_safety.records.database import session_scope
from community_safety.records.models import AuditEvent, Report, Resident
from tests.conftest import PROJECT
from tests.staff.conftest import csrf_token, make_report
from tests.tracker_store import store_events


def tracker(data, *rows):
    """Residents' messages (sender, words, time) in the conversation store."""
    events = [(sender, {"event": "user", "text": said}, when) for sender, said, when in rows]
    return store_events(data / "tracker.db", events)


def test_export_everything_held_about_a_resident(admin, data):
    reference = make_report(channel="web", user="chat-1", description="bikes on the pavement")
    tracker(data, ("web:chat-1", "bikes on the pavement again", time.time()))
    response = admin.get("/staff/residents/1/export")
    record = json.loads(response.get_data(as_text=True))
    assert record["reports"][0]["reference"] == reference
    assert record["conversation"][0]["text"] == "bikes on the pavement again"
    assert "submission_key" not in record["reports"][0]
    with session_scope() as db:
        assert db.query(AuditEvent).filter_by(action="exported resident data").count() == 1


def test_erasing_a_resident_unlinks_reports_and_deletes_the_conversation(admin, data):
    reference = make_report(channel="web", user="chat-2")
    with session_scope() as db:
        resident = db.query(Resident).one()
        resident.email, resident.contact_consent = "someone@example.com", True
    engine = tracker(data, ("web:chat-2", "my name is Sam", time.time()), ("web:other", "hello", time.time()))
    response = admin.post("/staff/residents/1/erase", data={"csrf_token": csrf_token(admin, "/staff/residents/1")})
    assert response.status_code == 302
    with session_scope() as db:
        resident = db.query(Resident).one()
        report = db.query(Report).filter_by(reference=reference).one()
        assert resident.email is None and resident.channel_user_id == "erased-1"
        assert report.resident_id is None and report.anonymous
    with engine.connect() as connection:
        assert [r[0] for r in connection.execute(text("SELECT sender_id FROM events"))] == ["web:other"]


def test_the_purge_keeps_open_reports_and_recent_conversations(data):
    long_ago = dt.datetime.utcnow() - dt.timedelta(days=1000)
    old_closed = make_report(user="a", created=long_ago)
    old_open = make_report(user="b", created=long_ago)
    recent = make_report(user="c")
    with session_scope() as db:
        closed = db.query(Report).filter_by(reference=old_closed).one()
        closed.status, closed.updated_at = "closed", long_ago + dt.timedelta(hours=1)  # closed long ago
    engine = tracker(data, ("web:a", "old", time.time() - 400 * 86400), ("web:c", "recent", time.time()))
    env = {**os.environ, "DATA_DIR": str(data)}
    result = subprocess.run(
        [str(PROJECT / ".venv/bin/staff-admin"), "purge"], env=env, capture_output=True, text=True, check=True
    )
    assert (
        "Removed 1 closed reports and 0 decided case review applications" in result.stdout
        and "1 conversation events" in result.stdout
    )
    with session_scope() as db:
        assert sorted(r.reference for r in db.query(Report)) == sorted([old_open, recent])
        assert db.query(AuditEvent).filter_by(action="purged old records").count() == 1
    with engine.connect() as connection:
        assert [r[0] for r in connection.execute(text("SELECT sender_id FROM events"))] == ["web:c"]


def test_erasure_with_the_conversation_store_missing_erases_nothing_and_says_so(admin, data, environment):
    make_report(channel="web", user="chat-3")
    with session_scope() as db:
        db.query(Resident).one().email = "kept@example.com"
    # A web server started without TRACKER_DATABASE_URL pointing at Rasa's store.
    environment(TRACKER_DATABASE_URL=f"sqlite:///{data / 'no-such-store.db'}")
    response = admin.post("/staff/residents/1/erase", data={"csrf_token": csrf_token(admin, "/staff/residents/1")})
    assert response.status_code == 503
    assert "nothing was erased" in response.get_data(as_text=True)
    assert not (data / "no-such-store.db").exists()  # not quietly made empty
    with session_scope() as db:
        assert db.query(Resident).one().email == "kept@example.com"
        assert db.query(AuditEvent).filter_by(action="erased resident").count() == 0


def test_the_purge_removes_old_decided_case_reviews_and_who_made_them(data):
    from community_safety.records.models import CaseReviewApplication
    from community_safety.records.reports import find_or_create_resident
    from community_safety.records.retention import purge_reports

    long_ago = dt.datetime.utcnow() - dt.timedelta(days=1000)
    with session_scope() as db:
        resident = find_or_create_resident(db, "web", "applied-long-ago")
        resident.email, resident.created_at = "old@example.com", long_ago
        db.add(
            CaseReviewApplication(
                reference="CR-2024-00001", submission_key="old-application", resident=resident,
                report_references="[]", standing_reason="3 reports", decision="threshold_met",
                decided_at=long_ago, created_at=long_ago,
            )
        )  # fmt: skip
        undecided = find_or_create_resident(db, "web", "waiting")
        undecided.created_at = long_ago
        db.add(
            CaseReviewApplication(
                reference="CR-2024-00002", submission_key="waiting-application", resident=undecided,
                report_references="[]", standing_reason="3 reports", created_at=long_ago,
            )
        )  # fmt: skip
    with session_scope() as db:
        removed = purge_reports(db, dt.datetime.utcnow() - dt.timedelta(days=730))
    assert removed["case_review_applications"] == 1
    with session_scope() as db:
        assert [a.reference for a in db.query(CaseReviewApplication)] == ["CR-2024-00002"]  # still to decide
        assert [r.channel_user_id for r in db.query(Resident)] == ["waiting"]  # their contact details went too


def test_erasure_also_clears_the_words_of_their_reports(admin, data):
    reference = make_report(
        channel="web", user="chat-9", description="Sam Smith at 4 Bow Road keeps shouting at me",
        location_text="outside 4 Bow Road", people_involved="Sam Smith", postcode="E3 2AN",
    )  # fmt: skip
    tracker(data, ("web:other", "hello", time.time()))
    admin.post("/staff/residents/1/erase", data={"csrf_token": csrf_token(admin, "/staff/residents/1")})
    with session_scope() as db:
        report = db.query(Report).filter_by(reference=reference).one()
        kept = " ".join(
            str(v) for v in (report.description, report.location_text, report.people_involved, report.postcode)
        )
        assert "Sam" not in kept and "4 Bow Road" not in kept
        assert report.ward and report.postcode == "E3"  # enough for the council's figures


def test_erasure_names_the_casework_systems_copies_to_erase_there_too(admin, data):
    from community_safety.records.models import Open311Sending

    reference = make_report(channel="web", user="chat-9")
    with session_scope() as db:
        report = db.query(Report).filter_by(reference=reference).one()
        db.add(Open311Sending(report=report, endpoint="https://casework.example", state="sent",
                              service_request_id="CRM-4242", remote_notes="Spoke to the resident"))  # fmt: skip
    tracker(data, ("web:chat-9", "hello", time.time()))
    response = admin.post(
        "/staff/residents/1/erase", data={"csrf_token": csrf_token(admin, "/staff/residents/1")}, follow_redirects=True
    )
    assert "Ask the casework system" in response.get_data(as_text=True)
    assert "CRM-4242" in response.get_data(as_text=True)
    with session_scope() as db:
        erased = db.query(AuditEvent).filter_by(action="erased resident").one()
        assert json.loads(erased.changes)["casework_system_references"] == [None, ["CRM-4242"]]
        assert db.query(Open311Sending).one().remote_notes is None
