"""A report's evidence: the cleaned files a resident sent, downloaded (as attachments, never shown
as pages), played in the page's own players, every download and play audited."""

from __future__ import annotations

import io

from flask import abort, request, send_file
from flask_login import current_user
from sqlalchemy import select

from community_safety.evidence.intake import export_name
from community_safety.evidence.storage import EvidenceStoreError, evidence_store
from community_safety.records import audit
from community_safety.records.database import session_scope
from community_safety.records.models import AuditEvent, Evidence
from community_safety.settings import settings
from staff.queries import report_by_reference
from staff.views import staff

DOWNLOADED, PLAYED = "downloaded evidence", "played evidence"
FETCHED = "casework system fetched evidence"  # by its media_url (staff/views/open311_media.py)


def _evidence(db, reference: str, public_id: str) -> Evidence:
    report = report_by_reference(db, reference)
    evidence = db.execute(select(Evidence).where(Evidence.public_id == public_id)).scalar_one_or_none()
    if report is None or evidence is None or evidence.report_id != report.id:
        abort(404)
    return evidence


def stored_file(key: str) -> bytes:
    try:
        return evidence_store(settings()).get(key)
    except EvidenceStoreError:
        abort(503)


def unkept(response):
    """A resident's file: never sniffed into another type, never kept in a browser's or proxy's cache."""
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "no-store"
    return response


def who_opened(db, evidence: list[Evidence]) -> dict[str, list[AuditEvent]]:
    """Each file's downloads and plays, from the audit log, for the report page."""
    ids = [item.public_id for item in evidence]
    if not ids:
        return {}
    events = db.execute(
        select(AuditEvent)
        .where(AuditEvent.object_type == "evidence", AuditEvent.object_id.in_(ids))
        .order_by(AuditEvent.at)
    ).scalars()
    opened: dict[str, list[AuditEvent]] = {}
    for event in events:
        opened.setdefault(event.object_id, []).append(event)
    return opened


@staff.get("/reports/<reference>/evidence/<public_id>/file")
def download_evidence(reference: str, public_id: str):
    with session_scope() as db:
        evidence = _evidence(db, reference, public_id)
        data = stored_file(evidence.file_key)
        audit.record(db, current_user.email, DOWNLOADED, "evidence", evidence.public_id,
                     {"report": (None, reference), "sha256": (None, evidence.sha256)})  # fmt: skip
        name, content_type = export_name(evidence), evidence.content_type
    return unkept(send_file(io.BytesIO(data), mimetype=content_type, as_attachment=True, download_name=name))


@staff.get("/reports/<reference>/evidence/<public_id>/play")
def play_evidence(reference: str, public_id: str):
    with session_scope() as db:
        evidence = _evidence(db, reference, public_id)
        if evidence.kind not in ("audio", "video"):
            abort(404)
        data = stored_file(evidence.file_key)
        # A player asks for a file in pieces: the first piece is the play.
        if request.range is None or not request.range.ranges or request.range.ranges[0][0] == 0:
            audit.record(db, current_user.email, PLAYED, "evidence", evidence.public_id,
                         {"report": (None, reference)})  # fmt: skip
        content_type = evidence.content_type
    return unkept(send_file(io.BytesIO(data), mimetype=content_type, conditional=True))


@staff.get("/reports/<reference>/evidence/<public_id>/thumbnail")
def evidence_thumbnail(reference: str, public_id: str):
    with session_scope() as db:
        evidence = _evidence(db, reference, public_id)
        if not evidence.has_thumbnail:
            abort(404)
        key = evidence.thumbnail_key
    # Made by us from the re-encoded picture: a JPEG, safe to show in the page.
    return unkept(send_file(io.BytesIO(stored_file(key)), mimetype="image/jpeg"))


def opened_words(event: AuditEvent) -> str:
    if event.action == FETCHED:
        return "Fetched by the casework system"
    return f"{'Downloaded' if event.action == DOWNLOADED else 'Played'} by {event.actor}"
