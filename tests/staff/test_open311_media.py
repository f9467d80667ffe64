"""The photo sent with a report to the casework system: its `media_url` only when the system is set
to receive one, fetched without signing in by that link alone, the copy without hidden details, the
link refused once altered or out of time, every fetch audited and shown on the report page."""

from __future__ import annotations

import hashlib
import time
from urllib.parse import urlsplit

from itsdangerous import TimestampSigner
from sqlalchemy import select

from community_safety.evidence.intake import of_report, remove
from community_safety.evidence.storage import FolderStore
from community_safety.open311.config import default_config
from community_safety.open311.outbox import what_is_sent
from community_safety.records.database import session_scope
from community_safety.records.models import AuditEvent
from staff.queries import report_by_reference
from tests.community_safety.evidence import files
from tests.staff.conftest import make_report
from tests.staff.test_evidence import send

BASE = "https://safety.example/staff"


def media_link(reference: str) -> str | None:
    with session_scope() as db:
        return what_is_sent(report_by_reference(db, reference), default_config()).get("media_url")


def test_the_first_photo_goes_as_a_link_the_casework_system_fetches_once_set_up(client, data, environment, tmp_path):
    reference = make_report()
    send(data, reference, files.voice_note(tmp_path))  # not a photo: not sent
    _, photo_hash = send(data, reference, files.photo_with_gps())
    environment(OPEN311_MEDIA_BASE_URL=None)
    assert media_link(reference) is None  # not set up: no evidence leaves

    environment(OPEN311_MEDIA_BASE_URL=BASE)
    link = media_link(reference)
    assert link.startswith(f"{BASE}/open311/media/")
    fetched = client.get(urlsplit(link).path)  # nobody signed in: the link is the permission
    assert fetched.status_code == 200 and fetched.headers["Content-Disposition"].startswith("attachment;")
    assert fetched.headers["X-Content-Type-Options"] == "nosniff" and "no-store" in fetched.headers["Cache-Control"]
    assert hashlib.sha256(fetched.data).hexdigest() == photo_hash and files.MARK.encode() not in fetched.data
    with session_scope() as db:
        [event] = db.execute(select(AuditEvent).where(AuditEvent.object_type == "evidence")).scalars()
        assert (event.actor, event.action) == ("casework system (Open311)", "casework system fetched evidence")


def test_a_link_altered_or_out_of_time_or_to_an_erased_file_gives_nothing(client, data, environment, monkeypatch):
    environment(OPEN311_MEDIA_BASE_URL=BASE, OPEN311_MEDIA_LINK_HOURS="72")
    reference = make_report()
    send(data, reference, files.photo_with_gps())
    path = urlsplit(media_link(reference)).path
    altered = path[:-3] + ("AAA" if not path.endswith("AAA") else "BBB")
    assert client.get(altered).status_code == 404
    assert client.get("/staff/open311/media/not-a-link").status_code == 404

    with monkeypatch.context() as then:  # a link made 73 hours ago
        then.setattr(TimestampSigner, "get_timestamp", lambda self: int(time.time()) - 73 * 3600)
        old = urlsplit(media_link(reference)).path
    response = client.get(old)
    assert response.status_code == 410 and files.MARK.encode() not in response.data

    with session_scope() as db:
        [evidence] = of_report(db, report_by_reference(db, reference).id)
        remove(db, FolderStore(data / "evidence"), evidence)
    assert client.get(path).status_code == 404


def test_the_report_page_shows_the_casework_system_fetched_it(client, caseworker, data, environment):
    environment(OPEN311_MEDIA_BASE_URL=BASE)
    reference = make_report()
    send(data, reference, files.photo_with_gps())
    client.get(urlsplit(media_link(reference)).path)
    page = caseworker.get(f"/staff/reports/{reference}").get_data(as_text=True)
    assert "Fetched by the casework system" in page
