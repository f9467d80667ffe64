"""Evidence in the conversation, in-process: a file the channel kept is thanked for with what was
kept and what happens next; during the report's questions the question is asked again and the file
goes with the report when it is filed; after filing it is added to that report; asked about in
words, the bot says how to send one."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from actions.evidence import ActionEvidence
from actions.reporting import REPORTED_SLOT, ActionSubmitReport, ValidateReportForm
from community_safety.channels import conversation_key
from community_safety.evidence import intake
from community_safety.evidence.storage import FolderStore
from community_safety.records import database
from community_safety.records.models import Evidence
from tests.actions.conftest import buttons, parsed, run, slots_set, texts, tracker, validate
from tests.actions.test_reporting_actions import fill_report
from tests.community_safety.evidence import files

SENDER = "telegram:4242"
LIMITS = intake.Limits(file_bytes=20_000_000, files=10, report_bytes=100_000_000)


@pytest.fixture
def records(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'records.db'}"
    database.upgrade(url)
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    return tmp_path


def a_photo_kept(data_dir, sender=SENDER) -> dict:
    """What the channel does before it tells the bot: the file kept for the conversation."""
    with database.session_scope() as db:
        kept = intake.receive(db, FolderStore(data_dir / "evidence"), files.photo_with_gps(), channel="telegram",
                              limits=LIMITS, conversation_key=conversation_key(sender))  # fmt: skip
        metadata = {"evidence": {"id": kept.public_id, "kind": kept.kind}}
    return {**parsed("/send_evidence", intent="send_evidence"), "metadata": metadata}


def evidence_rows():
    with database.session_scope() as db:
        return [(e.report_id, e.conversation_key) for e in db.execute(select(Evidence)).scalars()]


def test_asked_in_words_the_bot_says_how_and_what_it_keeps(domain):
    _, dispatcher = run(ActionEvidence(), domain, tracker(latest=parsed("can i send you a video", "send_evidence")))
    [said] = texts(dispatcher)
    assert "up to 20 MB each" in said and "Faces and voices stay" in said


def test_a_photo_before_any_report_waits_with_a_button_to_report(domain, records):
    message = a_photo_kept(records)
    _, dispatcher = run(ActionEvidence(), domain, tracker(latest=message, sender_id=SENDER))
    assert "I've got your photo" in texts(dispatcher)[0] and "deleted with this conversation" in texts(dispatcher)[0]
    assert buttons(dispatcher) == ["/file_report"]
    assert evidence_rows() == [(None, conversation_key(SENDER))]


def test_during_the_questions_it_is_thanked_for_and_goes_with_the_report(domain, records):
    message = a_photo_kept(records)
    events, dispatcher = validate(ValidateReportForm(), domain, {}, "report_location", message)
    # Not taken as the answer to "where?": the question stays to be asked again.
    assert slots_set(events)["report_location"] is None
    assert "It will go with your report when you send it" in texts(dispatcher)[0]
    slots = fill_report(domain)
    events, dispatcher = run(
        ActionSubmitReport(), domain, tracker(slots, latest={"message_id": "m1"}, sender_id=SENDER)
    )
    assert slots_set(events)[REPORTED_SLOT].startswith("ASB-")
    assert "Files you sent that went with it: 1." in texts(dispatcher)
    [(report_id, key)] = evidence_rows()
    assert report_id is not None and key is None  # no longer tied to the chat


def test_after_filing_it_is_added_to_the_report_just_made(domain, records):
    slots = fill_report(domain)
    events, _ = run(ActionSubmitReport(), domain, tracker(slots, latest={"message_id": "m2"}, sender_id=SENDER))
    reference = slots_set(events)[REPORTED_SLOT]
    message = a_photo_kept(records)
    _, dispatcher = run(ActionEvidence(), domain, tracker({REPORTED_SLOT: reference}, latest=message, sender_id=SENDER))
    assert f"added your photo to report {reference}" in texts(dispatcher)[0]
    assert [key for _, key in evidence_rows()] == [None]


def test_a_reference_from_someone_elses_chat_is_not_added_to(domain, records):
    slots = fill_report(domain)
    events, _ = run(ActionSubmitReport(), domain, tracker(slots, latest={"message_id": "m3"}, sender_id="telegram:1"))
    reference = slots_set(events)[REPORTED_SLOT]
    message = a_photo_kept(records)
    _, dispatcher = run(ActionEvidence(), domain, tracker({REPORTED_SLOT: reference}, latest=message, sender_id=SENDER))
    assert "To add it to a report" in texts(dispatcher)[0]
    assert evidence_rows() == [(None, conversation_key(SENDER))]


def test_the_words_come_in_bengali(domain, records):
    message = a_photo_kept(records)
    _, dispatcher = run(ActionEvidence(), domain, tracker({"language": "bn"}, latest=message, sender_id=SENDER))
    assert "ছবি" in texts(dispatcher)[0]
