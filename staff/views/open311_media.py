"""The casework system fetching a report's photo by the `media_url` it was sent
(community_safety/open311/media.py): no sign-in, as the signed link is the permission; refused
when altered (404) or out of time (410); every fetch audited."""

from __future__ import annotations

import io

from flask import abort, send_file
from sqlalchemy import select

from community_safety.evidence.intake import export_name
from community_safety.open311.media import LinkExpired, NotALink, linked_evidence
from community_safety.open311.outbox import ACTOR
from community_safety.records import audit
from community_safety.records.database import session_scope
from community_safety.records.models import Evidence, Report
from staff.views import staff
from staff.views.evidence import FETCHED, stored_file, unkept


@staff.get("/open311/media/<token>")
def open311_media(token: str):
    try:
        public_id = linked_evidence(token)
    except LinkExpired:
        abort(410)
    except NotALink:
        abort(404)
    with session_scope() as db:
        found = db.execute(
            select(Evidence, Report.reference).join(Report, Evidence.report_id == Report.id)
            .where(Evidence.public_id == public_id)
        ).one_or_none()  # fmt: skip
        if found is None:  # erased, or its report's retention ended
            abort(404)
        evidence, reference = found
        data = stored_file(evidence.file_key)
        audit.record(db, ACTOR, FETCHED, "evidence", evidence.public_id, {"report": (None, reference)})
        name, content_type = export_name(evidence), evidence.content_type
    return unkept(send_file(io.BytesIO(data), mimetype=content_type, as_attachment=True, download_name=name))
