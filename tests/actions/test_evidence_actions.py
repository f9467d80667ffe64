"""Evidence in the conversation, in-process: a file the channel kept is thanked for with what was
kept and what happens next; during the report's questions the question is asked again and the file
goes with the report when it is filed; after filing it is added to that report; asked about in
words, the bot says how to send one."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from actions.evidence import ActionEvidence
from actions.reporting import REPORTED_SLOT, ActionSubmitReport, ValidateReportForm
from community_safety.channels import conversation_key
from community_safety.evidence import intake
from community_safety.evidence.storage import FolderStore
from community_safety.records import database
from community_safety.records.models import Evidence, Report
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


def test_the_report_asks_for_files_and_counts_those_sent(domain, records):
    form = ValidateReportForm()
    later = ("report_evidence", "report_anonymous", "report_contact", "report_confirm")
    answered = {k: v for k, v in fill_report(domain).items() if k not in later}
    events, dispatcher = validate(form, domain, answered, "report_evidence", parsed("yes", intent="affirm"))
    slots = {**answered, **slots_set(events)}
    assert slots["report_evidence"] is None and slots["report_files"] == 0
    assert texts(dispatcher)[-1].startswith("Please send them now") and buttons(dispatcher) == ["that's all"]

    events, dispatcher = validate(form, domain, slots, "report_evidence", a_photo_kept(records))
    slots = {**slots, **slots_set(events)}
    assert slots["report_files"] == 1 and slots["report_evidence"] is None
    thanks, asked_again = texts(dispatcher)
    assert "I've got your photo" in thanks and asked_again.startswith("Files with this report so far: 1.")

    events, dispatcher = validate(form, domain, slots, "report_evidence", parsed("that's all", intent="deny"))
    assert slots_set(events)["report_evidence"] == "done"
    assert texts(dispatcher)[-1].startswith("Shall I link this report to you")


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


def filed(domain, sender: str, message_id: str, **answers) -> str:
    slots = {**fill_report(domain), **answers}
    events, _ = run(ActionSubmitReport(), domain, tracker(slots, latest={"message_id": message_id}, sender_id=sender))
    return slots_set(events)[REPORTED_SLOT]


def asked(domain, text: str, slots=None, sender=SENDER, intent="send_evidence", entities=()):
    latest = parsed(text, intent=intent, entities=entities)
    events, dispatcher = run(ActionEvidence(), domain, tracker(slots, latest=latest, sender_id=sender))
    return slots_set(events), texts(dispatcher), buttons(dispatcher)


@pytest.mark.parametrize(
    "message,reference",
    [
        ({"text": "add this to ASB-2026-00042"}, "ASB-2026-00042"),
        ({"text": "more photos for asb-2026-42 please"}, "ASB-2026-00042"),
        ({"text": "photos for ASB - 2026 - 00117"}, "ASB-2026-00117"),
        ({"text": "/send_evidence", "entities": [{"entity": "reference", "value": "HC-2026-00003"}]}, "HC-2026-00003"),
        ({"text": "can i send a video"}, None),
    ],
)
def test_the_report_a_message_names(message, reference):
    from actions.evidence import named_reference

    assert named_reference(message) == reference


def test_files_can_be_added_later_to_the_residents_own_report_by_its_reference(domain, records):
    reference = filed(domain, SENDER, "m10")
    # A new conversation, days later: the resident says which report, then sends the file.
    slots, said, _ = asked(domain, f"i have a video for {reference.lower()}")
    assert slots == {"evidence_report": reference} and f"Send the files for report {reference} now" in said[0]
    message = a_photo_kept(records)
    _, dispatcher = run(ActionEvidence(), domain, tracker(slots, latest=message, sender_id=SENDER))
    assert f"added your photo to report {reference}" in texts(dispatcher)[0]
    [(report_id, key)] = evidence_rows()
    assert report_id is not None and key is None


def test_a_file_sent_out_of_the_blue_offers_the_residents_open_reports(domain, records):
    reference = filed(domain, SENDER, "m18")
    message = a_photo_kept(records)
    _, dispatcher = run(ActionEvidence(), domain, tracker(latest=message, sender_id=SENDER))
    waiting, offered = texts(dispatcher)
    assert "To add it to a report" in waiting and offered.startswith("Or, to add it to a report you made before")
    assert buttons(dispatcher) == ["/file_report", f'/send_evidence{{"reference": "{reference}"}}']


def test_files_sent_before_saying_which_report_go_to_it_when_it_is_named(domain, records):
    reference = filed(domain, SENDER, "m11")
    a_photo_kept(records)
    slots, said, _ = asked(domain, f"that photo is for {reference}")
    assert slots == {"evidence_report": reference} and said[-1] == "Files you sent before, now added to it: 1."
    assert [key for _, key in evidence_rows()] == [None]


def test_only_the_residents_own_open_linked_reports_take_files(domain, records):
    someone_elses = filed(domain, "telegram:1", "m12")
    anonymous = filed(domain, SENDER, "m13", report_anonymous="anonymous", report_contact=None)
    for reference in (someone_elses, anonymous, "ASB-2026-99999"):
        slots, said, _ = asked(domain, f"add photos to {reference}")
        assert slots == {} and f"I can't find report {reference}" in said[0]
    # The conversation that filed an anonymous report may still add to it.
    slots, _, _ = asked(domain, f"add photos to {anonymous}", slots={REPORTED_SLOT: anonymous})
    assert slots == {"evidence_report": anonymous}

    closed = filed(domain, SENDER, "m14")
    with database.session_scope() as db:
        db.execute(update(Report).where(Report.reference == closed).values(status="closed"))
    slots, said, _ = asked(domain, f"add photos to {closed}")
    assert slots == {} and f"Report {closed} is closed" in said[0]


def test_asked_without_a_reference_the_resident_chooses_among_their_open_reports(domain, records):
    slots, said, choices = asked(domain, "can i add photos to my report")
    assert "up to 20 MB each" in said[0] and choices == []  # no reports yet: how to send
    first, second = filed(domain, SENDER, "m15"), filed(domain, SENDER, "m16")
    slots, said, choices = asked(domain, "can i add photos to my report")
    assert said[0].startswith("Which report are the files for?")
    assert choices == [f'/send_evidence{{"reference": "{r}"}}' for r in (second, first)]
    slots, _, _ = asked(domain, choices[1], entities=[{"entity": "reference", "value": first}])
    assert slots == {"evidence_report": first}


def test_a_report_with_as_many_files_as_it_can_take_gets_no_more(domain, records, monkeypatch):
    monkeypatch.setenv("EVIDENCE_MAX_FILES_PER_REPORT", "1")
    reference = filed(domain, SENDER, "m17")
    for expected in ("added your photo", "already has as many files as I can keep with one report (1)"):
        message = a_photo_kept(records)
        _, dispatcher = run(ActionEvidence(), domain, tracker({"evidence_report": reference}, latest=message,
                                                              sender_id=SENDER))  # fmt: skip
        assert expected in texts(dispatcher)[0]
    # The one that did not fit still waits with the conversation (deleted with it).
    assert sorted(key is None for _, key in evidence_rows()) == [False, True]
