"""Receiving evidence over real databases and a real store: kept cleaned with its hash and size,
within the limits, waiting for its report and linked when it is filed, and gone with retention."""

from __future__ import annotations

import datetime as dt
import hashlib
import time

import pytest
from sqlalchemy import select

from community_safety.evidence import intake
from community_safety.evidence.kinds import TOO_BIG, TOO_MANY, EvidenceRefused
from community_safety.evidence.storage import FolderStore
from community_safety.jobs.privacy import purge_records
from community_safety.records import database
from community_safety.records.models import Evidence, Report, utcnow
from community_safety.records.reports import file_report
from tests.community_safety.conftest import fresh_records
from tests.community_safety.evidence import files

LIMITS = intake.Limits(file_bytes=200_000, files=3, report_bytes=400_000)
CONVERSATION = "c" * 64


@pytest.fixture(params=["sqlite", "postgresql"])
def records(request, tmp_path, environment):
    url = fresh_records(request, tmp_path)
    environment(DATABASE_URL=url, DATA_DIR=str(tmp_path))
    return url


@pytest.fixture
def store(tmp_path):
    return FolderStore(tmp_path / "evidence")


def a_report(db, anonymous=False) -> Report:
    return file_report(
        db, channel="telegram", channel_user_id=None if anonymous else "42", anonymous=anonymous,
        submission_key=f"key-{time.time_ns()}", fields={"description": "A group in the stairwell every night"},
    )  # fmt: skip


def test_a_photo_sent_before_the_report_waits_and_is_linked_when_it_is_filed(records, store):
    with database.session_scope() as db:
        kept = intake.receive(db, store, files.photo_with_gps(), channel="telegram", limits=LIMITS,
                              conversation_key=CONVERSATION)  # fmt: skip
        public_id = kept.public_id
        stored = store.get(kept.file_key)
        assert kept.sha256 == hashlib.sha256(stored).hexdigest() and kept.size == len(stored)
        assert kept.kind == "image" and kept.has_thumbnail and store.exists(kept.thumbnail_key)
        assert files.MARK.encode() not in stored
        report = a_report(db, anonymous=True)
        assert intake.link_waiting(db, CONVERSATION, report) == 1
    with database.session_scope() as db:
        [evidence] = intake.of_report(db, report.id)
        # Linked to an anonymous report, nothing leads back to the conversation.
        assert evidence.public_id == public_id and evidence.conversation_key is None
        assert intake.waiting_for(db, CONVERSATION) == []


def test_limits_per_file_count_and_report(records, store):
    photo = files.photo_with_gps()
    with database.session_scope() as db:
        report = a_report(db)
        with pytest.raises(EvidenceRefused) as refused:
            intake.receive(db, store, photo + b"\0" * LIMITS.file_bytes, channel="web", limits=LIMITS, report=report)
        assert refused.value.reason == TOO_BIG
        for _ in range(LIMITS.files):
            intake.receive(db, store, photo, channel="web", limits=LIMITS, report=report)
        with pytest.raises(EvidenceRefused) as refused:
            intake.receive(db, store, photo, channel="web", limits=LIMITS, report=report)
        assert refused.value.reason == TOO_MANY
        assert len(intake.of_report(db, report.id)) == LIMITS.files
        small = intake.Limits(file_bytes=LIMITS.file_bytes, files=10, report_bytes=1)
        with pytest.raises(EvidenceRefused) as refused:
            intake.receive(db, store, photo, channel="web", limits=small, report=a_report(db))
        assert refused.value.reason == TOO_BIG


def test_a_refused_file_leaves_nothing_behind(records, store):
    with database.session_scope() as db:
        with pytest.raises(EvidenceRefused):
            intake.receive(db, store, b"MZ\x90\x00" + b"\0" * 100, channel="web", limits=LIMITS,
                           conversation_key=CONVERSATION)  # fmt: skip
        assert db.execute(select(Evidence)).first() is None
    assert list(store.listing()) == []


def test_retention_takes_waiting_files_and_the_files_of_purged_reports(records, store, tmp_path):
    long_ago = utcnow() - dt.timedelta(days=3000)
    with database.session_scope() as db:
        waiting = intake.receive(db, store, files.photo_with_gps(), channel="web", limits=LIMITS,
                                 conversation_key=CONVERSATION)  # fmt: skip
        report = a_report(db)
        filed = intake.receive(db, store, files.pdf_with_author(), channel="web", limits=LIMITS, report=report)
        waiting.received_at = long_ago
        report.status, report.updated_at = "closed", long_ago
        keys = [waiting.file_key, waiting.thumbnail_key, filed.file_key]
    assert all(store.exists(key) for key in keys)
    # The sweep leaves files younger than an hour: the ones here are made to look older.
    counts = purge_records(now=utcnow() + intake.LEFT_OVER_AFTER + dt.timedelta(minutes=1))
    assert counts["evidence_waiting"] == 1 and counts["reports"] == 1
    assert not any(store.exists(key) for key in keys)
    with database.session_scope() as db:
        assert db.execute(select(Evidence)).first() is None


def test_the_sweep_leaves_a_file_being_received(records, store):
    store.put(f"{'a' * 32}/file.jpg", b"being received", "image/jpeg")
    with database.session_scope() as db:
        assert intake.sweep(db, store) == 0
        assert intake.sweep(db, store, utcnow() + dt.timedelta(hours=2)) == 1
