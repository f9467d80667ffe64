"""Which parts of a conversation went into an anonymous report, read from Rasa's events."""

from __future__ import annotations

from community_safety.records.conversations import anonymous_parts


def user(text):
    return {"event": "user", "text": text}


def action(name):
    return {"event": "action", "name": name}


def slot(name, value):
    return {"event": "slot", "name": name, "value": value}


def report(anonymity, reference="ASB-2026-00001"):
    return [
        action("action_start_report"),
        action("report_form"),
        user("Brick Lane"),
        slot("report_anonymous", anonymity),
        user("send"),
        action("action_submit_report"),
        slot("report_anonymous", None),  # filing clears the answers first
        slot("report_filed", reference),
        {"event": "bot", "text": f"Your report is {reference}"},
    ]


def test_a_named_report_hides_nothing():
    events = [user("noise"), action("action_start_signpost"), user("report it"), *report("linked"), user("thanks")]
    assert anonymous_parts(events) == set()


def test_an_anonymous_report_hides_from_the_message_that_led_to_it_to_its_reference():
    events = [
        user("hello"),
        user("Dave at number 9 deals drugs"),
        action("action_start_signpost"),
        user("report it"),
        *report("anonymous"),
        user("what's happening with my report"),
    ]
    hidden = anonymous_parts(events)
    assert hidden == set(range(1, len(events) - 1))


def test_changed_to_linked_before_sending_is_not_hidden():
    events = [user("report it"), *report("anonymous")]
    events.insert(5, slot("report_anonymous", "linked"))
    assert anonymous_parts(events) == set()
