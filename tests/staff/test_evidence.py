"""A report's evidence on the staff site: listed with its size and SHA-256, a photo's small copy
shown, files downloaded as attachments that can't be read as pages, recordings played in the page,
and every download and play audited and shown beside the file."""

from __future__ import annotations

import hashlib

from sqlalchemy import select

from community_safety.evidence import intake
from community_safety.evidence.storage import FolderStore
from community_safety.records.database import session_scope
from community_safety.records.models import AuditEvent
from staff.queries import report_by_reference
from tests.community_safety.evidence import files
from tests.staff.conftest import CASEWORKER, make_report

LIMITS = intake.Limits(file_bytes=20_000_000, files=10, report_bytes=100_000_000)


def send(data_dir, reference, data):
    with session_scope() as db:
        report = report_by_reference(db, reference)
        kept = intake.receive(db, FolderStore(data_dir / "evidence"), data, channel="telegram", limits=LIMITS,
                              report=report)  # fmt: skip
        return kept.public_id, kept.sha256


def test_a_caseworker_sees_downloads_and_plays_a_reports_evidence(caseworker, data, tmp_path):
    reference = make_report()
    photo, photo_hash = send(data, reference, files.photo_with_gps())
    voice, _ = send(data, reference, files.voice_note(tmp_path))
    page = caseworker.get(f"/staff/reports/{reference}").get_data(as_text=True)
    assert "Evidence" in page and photo_hash in page and "Not yet downloaded or played" in page
    assert (
        f"/evidence/{photo}/thumbnail" in page
        and f'<audio controls preload="none" src="/staff/reports/{reference}/evidence/{voice}/play"' in page
    )

    thumbnail = caseworker.get(f"/staff/reports/{reference}/evidence/{photo}/thumbnail")
    assert thumbnail.status_code == 200 and thumbnail.mimetype == "image/jpeg"

    download = caseworker.get(f"/staff/reports/{reference}/evidence/{photo}/file")
    assert download.status_code == 200
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert download.headers["X-Content-Type-Options"] == "nosniff" and "no-store" in download.headers["Cache-Control"]
    assert hashlib.sha256(download.data).hexdigest() == photo_hash
    assert files.MARK.encode() not in download.data

    played = caseworker.get(f"/staff/reports/{reference}/evidence/{voice}/play", headers={"Range": "bytes=0-99"})
    assert played.status_code == 206 and played.mimetype == "audio/ogg"
    caseworker.get(f"/staff/reports/{reference}/evidence/{voice}/play", headers={"Range": "bytes=100-"})

    with session_scope() as db:
        events = db.execute(select(AuditEvent).where(AuditEvent.object_type == "evidence")).scalars().all()
        assert [(e.actor, e.action, e.object_id) for e in events] == [
            (CASEWORKER, "downloaded evidence", photo),
            (CASEWORKER, "played evidence", voice),  # the second piece of the same play is not another
        ]
    page = caseworker.get(f"/staff/reports/{reference}").get_data(as_text=True)
    assert f"Downloaded by {CASEWORKER}" in page and f"Played by {CASEWORKER}" in page


def test_evidence_is_reached_only_through_its_own_report(caseworker, data):
    reference, other = make_report(user="one"), make_report(user="two")
    photo, _ = send(data, reference, files.photo_with_gps())
    assert caseworker.get(f"/staff/reports/{other}/evidence/{photo}/file").status_code == 404
    assert caseworker.get(f"/staff/reports/{reference}/evidence/{'0' * 32}/file").status_code == 404
    assert caseworker.get(f"/staff/reports/{reference}/evidence/{photo}/play").status_code == 404  # not a recording


def test_signed_out_nobody_gets_evidence(client, data):
    reference = make_report()
    photo, _ = send(data, reference, files.photo_with_gps())
    response = client.get(f"/staff/reports/{reference}/evidence/{photo}/file")
    assert response.status_code in (302, 401) and files.MARK.encode() not in response.data


def test_a_report_without_evidence_says_so(caseworker):
    page = caseworker.get(f"/staff/reports/{make_report()}").get_data(as_text=True)
    assert "has not sent any photos, videos, recordings or documents" in page


def test_a_residents_export_lists_their_files_and_the_zip_holds_them(admin, data):
    import io
    import json
    import zipfile

    reference = make_report(channel="web", user="chat-9")
    photo, photo_hash = send(data, reference, files.photo_with_gps())
    record = json.loads(admin.get("/staff/residents/1/export").get_data(as_text=True))
    [listed] = record["evidence"]
    assert listed["report"] == reference and listed["sha256"] == photo_hash and listed["kind"] == "image"
    bundle = admin.get(record["evidence_files"])
    assert bundle.status_code == 200 and bundle.headers["Content-Disposition"].startswith("attachment;")
    with zipfile.ZipFile(io.BytesIO(bundle.data)) as archive:
        assert archive.namelist() == [listed["file"]]
        assert hashlib.sha256(archive.read(listed["file"])).hexdigest() == photo_hash
    with session_scope() as db:
        assert db.query(AuditEvent).filter_by(action="exported resident evidence").count() == 1


def test_erasing_a_resident_deletes_their_files(admin, data):
    from tests.staff.conftest import csrf_token

    reference = make_report(channel="web", user="chat-10")
    photo, _ = send(data, reference, files.photo_with_gps())
    store = FolderStore(data / "evidence")
    assert any(key.startswith(photo) for key, _ in store.listing())
    from tests.tracker_store import store_events

    store_events(data / "tracker.db", [("web:chat-10", {"event": "user", "text": "hello"}, 1.0)])
    response = admin.post("/staff/residents/1/erase", data={"csrf_token": csrf_token(admin, "/staff/residents/1")})
    assert response.status_code == 302
    assert not any(key.startswith(photo) for key, _ in store.listing())
    with session_scope() as db:
        [event] = db.query(AuditEvent).filter_by(action="erased resident").all()
        assert '"evidence_files": [null, 1]' in event.changes
