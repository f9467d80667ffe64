"""Data protection, for admins: everything held about one resident, and erasing them."""

from __future__ import annotations

import io
import json
import zipfile

from flask import Response, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError

from community_safety.channels import conversation_key, sender_id
from community_safety.evidence.intake import described, erase_resident_evidence, export_name, of_resident
from community_safety.evidence.storage import EvidenceStoreError, evidence_store
from community_safety.records import audit
from community_safety.records.conversations import ConversationStoreMissing, conversation, delete_conversation
from community_safety.records.database import session_scope
from community_safety.records.models import Resident
from community_safety.records.reports import erase_resident, resident_record
from community_safety.review.queue import forget_conversation, items_of_conversation
from community_safety.settings import settings
from staff.forms import ConfirmForm
from staff.views import admin_required, staff


def _resident(db, resident_id: int) -> Resident:
    resident = db.get(Resident, resident_id)
    if resident is None:
        abort(404)
    return resident


@staff.get("/residents/<int:resident_id>")
@admin_required
def resident(resident_id: int):
    with session_scope() as db:
        return render_template("staff/resident.html", resident=_resident(db, resident_id), form=ConfirmForm())


@staff.get("/residents/<int:resident_id>/export")
@admin_required
def export_resident(resident_id: int):
    with session_scope() as db:
        person = _resident(db, resident_id)
        record = resident_record(db, person)
        turns = conversation(sender_id(person.channel, person.channel_user_id)) or []
        record["conversation"] = [{"speaker": t.speaker, "text": t.text, "at": t.at.isoformat()} for t in turns]
        record["messages_to_review"] = items_of_conversation(db, sender_id(person.channel, person.channel_user_id))
        files = of_resident(db, person.id, conversation_key(sender_id(person.channel, person.channel_user_id)))
        record["evidence"] = [described(evidence) for evidence in files]
        if files:
            # The files themselves are a ZIP of their own (the export stays one readable JSON file).
            record["evidence_files"] = url_for("staff.export_resident_evidence", resident_id=resident_id)
        audit.record(db, current_user.email, "exported resident data", "resident", resident_id)
    return Response(
        json.dumps(record, indent=2, ensure_ascii=False),
        mimetype="application/json",
        headers={"Content-Disposition": f'attachment; filename="resident-{resident_id}.json"'},
    )


@staff.get("/residents/<int:resident_id>/export/evidence")
@admin_required
def export_resident_evidence(resident_id: int):
    """The files themselves, as kept (cleaned), in one ZIP named as the export lists them."""
    with session_scope() as db:
        person = _resident(db, resident_id)
        files = of_resident(db, person.id, conversation_key(sender_id(person.channel, person.channel_user_id)))
        store = evidence_store(settings())
        archive = io.BytesIO()
        try:
            with zipfile.ZipFile(archive, "w", zipfile.ZIP_STORED) as bundle:
                for evidence in files:
                    bundle.writestr(export_name(evidence), store.get(evidence.file_key))
        except EvidenceStoreError:
            abort(503)
        audit.record(db, current_user.email, "exported resident evidence", "resident", resident_id,
                     {"files": (None, len(files))})  # fmt: skip
    response = Response(archive.getvalue(), mimetype="application/zip")
    response.headers["Content-Disposition"] = f'attachment; filename="resident-{resident_id}-evidence.zip"'
    response.headers["Cache-Control"] = "no-store"
    return response


@staff.post("/residents/<int:resident_id>/erase")
@admin_required
def erase(resident_id: int):
    if not ConfirmForm().validate_on_submit():
        abort(400)
    with session_scope() as db:
        person = _resident(db, resident_id)
        sender = sender_id(person.channel, person.channel_user_id)
    # The conversation first: if its store can't be reached, nothing is erased and the page says so,
    # rather than the details going and the conversation, which says more, staying.
    try:
        deleted = delete_conversation(sender)
    except SQLAlchemyError as error:
        message = str(error) if isinstance(error, ConversationStoreMissing) else type(error).__name__
        return render_template(
            "staff/error.html",
            title="The resident could not be erased",
            message=f"The conversation store could not be reached ({message}), so nothing was erased. "
            "Check TRACKER_DATABASE_URL, then try again.",
        ), 503
    with session_scope() as db:
        person = _resident(db, resident_id)
        files = erase_resident_evidence(db, evidence_store(settings()), person.id, conversation_key(sender))
        result = erase_resident(db, person)
        review = forget_conversation(db, sender)
        audit.record(
            db,
            current_user.email,
            "erased resident",
            "resident",
            resident_id,
            {
                "reports_unlinked": (None, result["reports_unlinked"]),
                "conversation_events": (None, deleted),
                "live_chat_messages": (None, result["live_chat_messages"]),
                "messages_to_review": (None, review["review_items"]),
                "evidence_files": (None, files),
                "casework_system_references": (None, result["service_request_ids"]),
            },
        )
    flash(
        f"The resident's details were erased: {result['reports_unlinked']} reports unlinked, "
        f"{deleted} conversation events deleted."
    )
    if result["service_request_ids"]:
        # Sent before the erasure: the casework system keeps its own copies until asked.
        flash(
            "Ask the casework system's team to erase these reports there too (their references): "
            + ", ".join(result["service_request_ids"])
            + ". This list is kept in the audit log."
        )
    return redirect(url_for("staff.resident", resident_id=resident_id))
