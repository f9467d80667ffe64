"""Reporting actions in-process: a report started from the resident's own words, every answer read
through the form's own validate_<slot>, filed into a real SQLite database, and its status."""

from __future__ import annotations

import pytest

from actions.reporting import (
    PAUSED_SLOT,
    REPORTED_SLOT,
    ActionApplyCaseReview,
    ActionReportStatus,
    ActionStartReport,
    ActionSubmitReport,
    ValidateReportForm,
    first_report_message,
)
from community_safety.records import database
from tests.actions.conftest import buttons, parsed, run, slots_set, texts, tracker, validate


def user(text: str, intent: str, entities=()) -> dict:
    return {"event": "user", "text": text, "parse_data": parsed(text, intent=intent, entities=entities)}


def action(name: str) -> dict:
    return {"event": "action", "name": name}


STORY = [
    user(
        "dealers on my landing every night on the Ocean Estate",
        "report_asb",
        [{"entity": "place", "value": "Ocean Estate"}],
    ),
    action("action_start_signpost"),
    action("signpost_form"),
    user("/file_report", "file_report"),
]


@pytest.mark.parametrize(
    "events,expected",
    [
        (STORY, STORY[0]),
        # A tapped button or a few words are not a description.
        (
            [user("/report_asb", "report_asb"), action("action_start_signpost"), user("/file_report", "file_report")],
            None,
        ),
        ([user("noise upstairs", "report_asb"), action("action_start_signpost")], None),
        # Needs whose message is not an incident (the case review is a question).
        (
            [user("how does the community trigger work please", "community_trigger"), action("action_start_signpost")],
            None,
        ),
        # Already filed: the next report starts empty.
        ([*STORY, action("action_submit_report"), user("/file_report", "file_report")], None),
    ],
)
def test_the_report_starts_from_the_message_that_led_here(events, expected):
    assert first_report_message(tracker(events=events)) == expected


def test_starting_a_report_keeps_the_description_and_place(domain):
    events, dispatcher = run(ActionStartReport(), domain, tracker(events=STORY))
    slots = slots_set(events)
    assert slots["report_description"] == STORY[0]["text"]
    assert slots["report_location"] == "Ocean Estate"
    assert texts(dispatcher)


def test_a_paused_report_resumes_where_it_stopped(domain):
    kept = {"report_description": "dealing", "report_location": "Brick Lane", PAUSED_SLOT: True}
    events, dispatcher = run(ActionStartReport(), domain, tracker(kept, events=STORY))
    assert "report_description" not in slots_set(events) and slots_set(events)[PAUSED_SLOT] is None
    assert texts(dispatcher)[0].startswith("Let's carry on with your report")


ANSWERS = [
    ("report_description", "music and shouting till 4am", {"report_description": "music and shouting till 4am"}),
    (
        "report_location",
        "12 Brick Lane E1 6AN",
        {"report_location": "12 Brick Lane E1 6AN", "report_postcode": "E1 6AN"},
    ),
    ("report_when", "every night since Monday", {"report_ongoing": True}),
    ("report_people", "the flat above", {"report_people": "the flat above"}),
    ("report_targeted", "yes", {"report_targeted": "yes"}),
    ("report_hate", "no", {"report_hate": "no"}),
    ("report_health", "not sure", {"report_health": "not sure"}),
    ("report_children", "yes", {"report_children": "yes"}),
    ("report_safe_at_home", "yes", {"report_safe_at_home": "yes"}),
    ("report_agencies", "no", {"report_agencies": "no one else"}),
    ("report_evidence", "no files", {"report_evidence": "done"}),
    ("report_anonymous", "link it to me", {"report_anonymous": "linked"}),
    ("report_contact", "no contact", {"report_contact": "none"}),
    ("report_confirm", "send", {"report_confirm": "send", "requested_slot": None}),
]


def fill_report(domain) -> dict:
    slots: dict = {}
    for requested, answer, expected in ANSWERS:
        events, dispatcher = validate(ValidateReportForm(), domain, slots, requested, parsed(answer, intent="inform"))
        got = slots_set(events)
        assert {k: got.get(k) for k in expected} == expected, (requested, got, texts(dispatcher))
        slots.update({k: v for k, v in got.items() if k.startswith("report_")})
    return slots


def test_not_safe_at_home_is_answered_with_help(domain):
    events, dispatcher = validate(ValidateReportForm(), domain, {}, "report_safe_at_home", parsed("no", intent="deny"))
    assert slots_set(events)["report_safe_at_home"] == "no" and texts(dispatcher)


@pytest.fixture
def records(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'records.db'}"
    database.upgrade(url)
    monkeypatch.setenv("DATABASE_URL", url)
    return url


def test_a_report_filled_in_the_form_is_filed_counted_and_its_status_told(domain, records):
    slots = fill_report(domain)
    the_tracker = tracker(slots, latest={"message_id": "m1", "text": "send"}, sender_id="telegram:42")
    events, dispatcher = run(ActionSubmitReport(), domain, the_tracker)
    reference = slots_set(events)[REPORTED_SLOT]
    assert reference.startswith("ASB-") and reference in texts(dispatcher)[0]
    assert "1 separate incident" in " ".join(texts(dispatcher))

    again, _ = run(ActionSubmitReport(), domain, the_tracker)  # the same submission retried
    assert slots_set(again)[REPORTED_SLOT] == reference

    _, dispatcher = run(ActionReportStatus(), domain, tracker(sender_id="telegram:42"))
    assert texts(dispatcher)[0].startswith(reference)
    _, dispatcher = run(ActionReportStatus(), domain, tracker(sender_id="telegram:43"))
    assert "can't find any reports" in texts(dispatcher)[0]


def test_an_anonymous_report_is_not_linked_or_counted(domain, records):
    slots = {**fill_report(domain), "report_anonymous": "anonymous", "report_contact": None}
    events, dispatcher = run(ActionSubmitReport(), domain, tracker(slots, sender_id="web:abc"))
    assert slots_set(events)[REPORTED_SLOT]
    assert "separate incident" not in " ".join(texts(dispatcher))
    _, dispatcher = run(ActionReportStatus(), domain, tracker(sender_id="web:abc"))
    assert "can't find any reports" in texts(dispatcher)[0]


def test_a_case_review_needs_enough_reports(domain, records):
    _, dispatcher = run(ActionApplyCaseReview(), domain, tracker(sender_id="web:new"))
    assert texts(dispatcher) and "/apply_case_review" not in buttons(dispatcher)


def test_a_report_that_cannot_be_saved_is_kept_to_try_again(domain, tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'no-tables.db'}")
    slots = fill_report(domain)
    events, dispatcher = run(ActionSubmitReport(), domain, tracker(slots))
    assert slots_set(events)["report_confirm"] is None and "report_description" not in slots_set(events)
    assert buttons(dispatcher) == ["/file_report"]


def test_a_report_keeps_the_language_it_was_made_in(domain, records):
    from community_safety.records.database import session_scope
    from community_safety.records.models import Report

    slots = {**fill_report(domain), "language": "bn"}
    run(ActionSubmitReport(), domain, tracker(slots, latest={"message_id": "b1", "text": "হ্যাঁ"}, sender_id="web:bn-1"))
    with session_scope() as db:
        assert db.query(Report).order_by(Report.id.desc()).first().language == "bn"
