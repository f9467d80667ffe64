"""The scheduled jobs and the retention rules they apply: recorded runs, the scrub carrying on from
where it got to, conversations purged session by session, open records closed when left, the
audit log's own retention (kept by the database), erasure that leaves nothing quoting the
resident, and anonymous reports that keep only the day."""

from __future__ import annotations

import datetime as dt
import json
import logging
import time

import pytest
from sqlalchemy import delete, select, text
from sqlalchemy.exc import DatabaseError, IntegrityError

from community_safety.jobs import privacy, runs
from community_safety.jobs.scheduler import Job, run_once
from community_safety.records import database
from community_safety.records.conversations import purge_conversations
from community_safety.records.models import (
    LAPSED,
    AuditEvent,
    CaseReviewApplication,
    JobRun,
    Open311Sending,
    Report,
    StatusChange,
    utcnow,
)
from community_safety.records.reports import ERASED, change_status, erase_resident, file_report, find_or_create_resident
from community_safety.records.retention import (
    close_stale_records,
    purge_audit_log,
    purge_reports,
    set_audit_log_retention,
)
from tests.community_safety.conftest import fresh_records
from tests.community_safety.test_conversations import report as anonymous_report_events
from tests.tracker_store import store_events

DAY = 86400


@pytest.fixture(params=["sqlite", "postgresql"])
def records(request, tmp_path, environment):
    url = fresh_records(request, tmp_path)
    environment(DATABASE_URL=url, DATA_DIR=str(tmp_path), OPEN311_ENDPOINT=None)
    return url


@pytest.fixture
def sqlite_records(tmp_path, environment):
    url = f"sqlite:///{tmp_path / 'records.db'}"
    database.upgrade(url)
    environment(DATABASE_URL=url, DATA_DIR=str(tmp_path), OPEN311_ENDPOINT=None)
    return url


def tracker(path, rows):
    return store_events(path, rows)


# --- the scheduler's record of its runs ---------------------------------------------------------


def test_a_run_is_recorded_with_what_it_did_and_a_failure_by_its_kind_only(sqlite_records, caplog):
    assert run_once(Job("counting", 60, lambda since: ({"counted": 3}, 12.5))) == "done"
    seen = []

    def failing(since):
        seen.append(since)
        raise ValueError("the resident said: my name is Sam Jones, 12 Brick Lane")

    caplog.set_level(logging.INFO)
    assert run_once(Job("counting", 60, failing)) == "failed: ValueError"
    assert seen == [12.5]  # the last success's watermark is handed on
    with database.session_scope() as db:
        run = db.get(JobRun, "counting")
        assert run.outcome == "failed: ValueError" and json.loads(run.summary) == {"counted": 3}
        assert run.last_success_at is not None and run.watermark == 12.5 and run.every_seconds == 60
        states = {state.name: state for state in runs.states(db, ["counting", "never run"])}
    assert "Sam" not in caplog.text and "Brick Lane" not in caplog.text
    assert not states["counting"].overdue and states["never run"].overdue
    later = utcnow() + dt.timedelta(minutes=11)
    with database.session_scope() as db:
        assert runs.states(db, ["counting"], now=later)[0].overdue  # no success in 3 intervals (10 min least)


def test_a_job_whose_database_is_away_fails_without_stopping_the_scheduler(tmp_path, environment, caplog):
    environment(DATABASE_URL=f"sqlite:///{tmp_path / 'no-such-dir' / 'records.db'}")
    caplog.set_level(logging.ERROR)
    assert run_once(Job("anything", 60, lambda since: ({}, None))).startswith("failed: ")
    assert "anything" in caplog.text


# --- the scrub, as the scheduler runs it ------------------------------------------------------


def test_the_scrub_takes_the_words_out_once_quiet_and_again_after_a_later_report(sqlite_records, tmp_path, environment):
    store = tmp_path / "tracker.db"
    environment(TRACKER_DATABASE_URL=f"sqlite:///{store}")
    start = time.time() - 3600
    first = [{"event": "user", "text": "my neighbour's son deals from the stairwell"}, *anonymous_report_events(
        "anonymous", "ASB-2026-00007")]  # fmt: skip
    engine = tracker(store, [("web:anon", event, start + i) for i, event in enumerate(first)])
    changed, watermark = privacy.scrub()
    assert changed > 0
    with engine.connect() as connection:
        stored = " ".join(row[0] for row in connection.execute(text("SELECT data FROM events")))
    assert "stairwell" not in stored and "ASB-2026-00007" not in stored
    # Nothing new: the next run reads nothing again beyond its last hour, and changes nothing.
    assert privacy.scrub(since=watermark)[0] == 0
    # The same resident reports anonymously again; once that goes quiet, it is scrubbed too.
    second = [
        {"event": "user", "text": "they are back with a knife"},
        *anonymous_report_events("anonymous", "ASB-2026-00009"),
    ]
    tracker(store, [("web:anon", event, time.time() - 700 + i) for i, event in enumerate(second)])
    assert privacy.scrub(since=watermark)[0] > 0
    with engine.connect() as connection:
        assert "knife" not in " ".join(row[0] for row in connection.execute(text("SELECT data FROM events")))


def test_the_scrub_leaves_a_conversation_still_going(sqlite_records, tmp_path, environment):
    store = tmp_path / "tracker.db"
    environment(TRACKER_DATABASE_URL=f"sqlite:///{store}")
    events = [{"event": "user", "text": "drug dealing outside number 4"}, *anonymous_report_events("anonymous")]
    tracker(store, [("web:now", event, time.time() - 60 + i) for i, event in enumerate(events)])
    assert privacy.scrub()[0] == 0  # not quiet for scrub_anonymous_after_minutes yet


# --- conversations, session by session -----------------------------------------------------


def test_old_sessions_go_and_the_latest_stays_whole(tmp_path):
    now = time.time()
    old, recent = now - 400 * DAY, now - 2 * DAY
    said = {"event": "user", "text": "hello"}
    started = {"event": "session_started"}
    store = tracker(
        tmp_path / "tracker.db",
        [
            # A Telegram chat used twice a year: its first session is past the retention.
            ("telegram:1", said, old), ("telegram:1", said, old + 60),
            ("telegram:1", started, recent), ("telegram:1", said, recent + 1),
            ("web:gone", said, old), ("web:gone", started, old + 3600), ("web:gone", said, old + 3601),
            ("web:new", said, recent),
            # A session begun before the cut-off and still going on is kept whole.
            ("telegram:2", said, old), ("telegram:2", started, old + 5), ("telegram:2", said, recent),
        ],
    )  # fmt: skip
    url = f"sqlite:///{tmp_path / 'tracker.db'}"
    before = dt.datetime.fromtimestamp(now - 180 * DAY, dt.timezone.utc).replace(tzinfo=None)
    assert purge_conversations(before, url=url, dry_run=True) == 6
    assert purge_conversations(before, url=url) == 6
    with store.connect() as connection:
        left = connection.execute(text("SELECT sender_id, type_name, timestamp FROM events ORDER BY id")).fetchall()
    assert [(s, k) for s, k, _ in left] == [
        ("telegram:1", "session_started"), ("telegram:1", "user"), ("web:new", "user"),
        ("telegram:2", "session_started"), ("telegram:2", "user"),
    ]  # fmt: skip
    assert purge_conversations(before, url=url) == 0


# --- open records, and what the purge counts from ---------------------------------------------


def _report(db, user="resident-1", **fields):
    return file_report(
        db, channel="web", channel_user_id=user, submission_key=f"key-{user}-{time.time_ns()}",
        fields={"description": "Loud music every night", "location_text": "Brick Lane", **fields},
    )  # fmt: skip


def test_records_left_open_are_closed_saying_why_and_then_kept_the_closed_period(records):
    long_ago = utcnow() - dt.timedelta(days=1200)
    with database.session_scope() as db:
        left, busy = _report(db, "left"), _report(db, "busy")
        left.created_at = left.updated_at = busy.created_at = long_ago
        resident = find_or_create_resident(db, "web", "applied")
        db.add(CaseReviewApplication(reference="CR-2023-00001", submission_key="app", resident=resident,
                                     report_references="[]", standing_reason="3 reports",
                                     created_at=long_ago))  # fmt: skip
    before = utcnow() - dt.timedelta(days=1096)
    with database.session_scope() as db:
        assert close_stale_records(db, before, 36, dry_run=True) == {
            "stale_reports_closed": 1, "undecided_applications_closed": 1}  # fmt: skip
        assert close_stale_records(db, before, 36)["stale_reports_closed"] == 1
    with database.session_scope() as db:
        closed = db.execute(select(Report).where(Report.id == left.id)).scalar_one()
        assert closed.status == "closed" and closed.history[-1].changed_by == "retention rule"
        assert "36 months" in closed.history[-1].note and closed.history[-1].resident_update is None
        assert db.execute(select(Report.status).where(Report.id == busy.id)).scalar_one() == "new"
        application = db.execute(select(CaseReviewApplication)).scalar_one()
        assert application.decision == LAPSED and application.decided_by == "retention rule"
        # Closed today: kept for the closed period from now, not purged at once for its age.
        assert purge_reports(db, utcnow() - dt.timedelta(days=730))["reports"] == 0


# --- the audit log's own retention ------------------------------------------------------------


def test_the_database_refuses_to_delete_an_audit_entry_younger_than_its_retention(records):
    with database.session_scope() as db:
        set_audit_log_retention(db, 400)
        db.add(AuditEvent(actor="a@council.example", action="changed status", object_type="report", object_id="1",
                          at=utcnow() - dt.timedelta(days=500)))  # fmt: skip
        db.add(AuditEvent(actor="a@council.example", action="changed status", object_type="report", object_id="2"))
    with pytest.raises(DatabaseError, match="append-only"), database.session_scope() as db:
        db.execute(delete(AuditEvent))  # whoever asks, however
    with pytest.raises(DatabaseError, match="append-only"), database.session_scope() as db:
        purge_audit_log(db, utcnow())  # a mistaken cut-off fails; it erases nothing
    with database.session_scope() as db:
        assert purge_audit_log(db, utcnow() - dt.timedelta(days=400), dry_run=True) == 1
        assert purge_audit_log(db, utcnow() - dt.timedelta(days=400)) == 1
    with database.session_scope() as db:
        assert [e.object_id for e in db.execute(select(AuditEvent)).scalars()] == ["2"]
    with pytest.raises(IntegrityError), database.session_scope() as db:
        set_audit_log_retention(db, 30)  # under a year: refused by the database too


def test_the_retention_job_purges_and_records_what_it_did(records, tmp_path, environment):
    environment(TRACKER_DATABASE_URL=f"sqlite:///{tmp_path / 'tracker.db'}")
    tracker(tmp_path / "tracker.db", [("web:x", {"event": "user", "text": "hi"}, time.time() - 400 * DAY)])
    with database.session_scope() as db:
        old = _report(db, "closed-long-ago")
        old.status, old.created_at, old.updated_at = (
            "closed",
            utcnow() - dt.timedelta(days=900),
            utcnow() - dt.timedelta(days=800),
        )
    counts = privacy.purge_records(actor="scheduler")
    assert counts["reports"] == 1 and counts["audit_events"] == 0
    assert privacy.purge_conversation_store() == 1
    with database.session_scope() as db:
        audited = db.execute(select(AuditEvent).where(AuditEvent.action == "purged old records")).scalar_one()
        assert audited.actor == "scheduler" and json.loads(audited.changes)["reports"] == [None, 1]
    privacy.purge_records(actor="scheduler")  # nothing to do: no audit entry for it
    with database.session_scope() as db:
        assert len(db.execute(select(AuditEvent).where(AuditEvent.action == "purged old records")).all()) == 1


# --- erasure ----------------------------------------------------------------------------------


def test_erasure_leaves_nothing_that_quotes_the_resident_and_lists_the_casework_systems_copies(records):
    with database.session_scope() as db:
        report = _report(db, "to-erase", description="Sam Jones at 12 Brick Lane plays music all night")
        change_status(db, report, "in_progress", note="Called Sam Jones on 07700 900123", by="cw@council.example",
                      resident_update="Sam, we will visit 12 Brick Lane on Monday")  # fmt: skip
        db.add(Open311Sending(report=report, endpoint="https://casework.example", state="sent",
                              service_request_id="CRM-555", remote_notes="Visited Sam Jones",
                              last_error="Sam Jones: duplicate?"))  # fmt: skip
        resident = report.resident
        db.add(CaseReviewApplication(reference="CR-2026-00001", submission_key="app-erase", resident=resident,
                                     report_references=json.dumps([{"reference": report.reference}]),
                                     standing_reason="Sam has reported 3 times", decision="threshold_met",
                                     decision_reason="Sam Jones's three reports",
                                     on_behalf_of="Sam Jones"))  # fmt: skip
    with database.session_scope() as db:
        resident = find_or_create_resident(db, "web", "to-erase")
        result = erase_resident(db, resident)
    assert result["service_request_ids"] == ["CRM-555"]
    with database.session_scope() as db:
        held = []
        for model in (Report, StatusChange, Open311Sending, CaseReviewApplication):
            for row in db.execute(select(model)).scalars():
                held += [str(getattr(row, c.name)) for c in model.__table__.columns]
        assert not [value for value in held if "Sam" in value or "07700" in value or "Brick Lane" in value]
        assert ERASED in held and "CRM-555" in held  # the steps stay, without the words


# --- anonymous reports keep only the day ---------------------------------------------------------


def test_an_anonymous_report_keeps_only_the_day_of_its_times(records, environment):
    environment(OPEN311_ENDPOINT="https://casework.example/open311/v2")
    with database.session_scope() as db:
        anonymous = file_report(db, channel="web", channel_user_id="anon", submission_key="anon-1", anonymous=True,
                                fields={"description": "Dealing in the stairwell"})  # fmt: skip
        named = file_report(db, channel="web", channel_user_id="named", submission_key="named-1",
                            fields={"description": "Dealing in the stairwell"})  # fmt: skip
    with database.session_scope() as db:
        anonymous = db.get(Report, anonymous.id)
        times = [anonymous.created_at, anonymous.updated_at, anonymous.sending.next_attempt_at]
        times += [change.changed_at for change in anonymous.history] + [
            change.delivered_at for change in anonymous.history
        ]
        assert times and all(moment == dt.datetime.combine(moment.date(), dt.time()) for moment in times)
        assert anonymous.resident_id is None
        named = db.get(Report, named.id)
        assert named.created_at != dt.datetime.combine(named.created_at.date(), dt.time())
