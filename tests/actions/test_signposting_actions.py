"""Signposting actions in-process: what the first message already answers, starting a need, and
the reply with its report button."""

from __future__ import annotations

import pytest

from actions.questions import AskAbout, AskAgeGroup
from actions.signposting import ActionSignpost, ActionStartSignpost, prefilled_answers
from tests.actions.conftest import buttons, parsed, run, slots_set, texts, tracker


@pytest.mark.parametrize(
    "text,entities,expected",
    [
        ("I'm sleeping rough tonight", [], {"about": "self"}),
        ("there's a man sleeping rough outside", [], {"about": "other"}),
        ("my son is using drugs", [], {"about": "other"}),
        ("it's my own drinking", [], {"about": "self"}),
        # Both named: the bot asks rather than guess.
        ("my partner kicked me out", [], {}),
        ("I think my elderly neighbour is being scammed", [], {}),
        ("I'm worried about my mum", [], {}),
        ("people are dealing drugs on my landing right now", [], {"about": "other", "happening_now": "yes"}),
        (
            "my 15 year old is using drugs",
            [{"entity": "at_risk", "value": "child"}],
            {"about": "other", "age_group": "child"},
        ),
        (
            "my nan is being scammed",
            [{"entity": "at_risk", "value": "elderly"}],
            {"about": "other", "age_group": "adult"},
        ),
        # Never "is anyone in danger": the bot always asks that when it matters.
        ("someone is in danger", [], {"about": "other"}),
        ("", [], {}),
    ],
)
def test_what_the_first_message_already_answers(text, entities, expected):
    assert prefilled_answers("any", text, entities) == expected


def test_starting_a_need_remembers_it_forgets_old_answers_and_keeps_what_was_said(domain):
    latest = parsed(
        "my 15 year old is using drugs", intent="substance_misuse", entities=[{"entity": "at_risk", "value": "child"}]
    )
    events, _ = run(ActionStartSignpost(), domain, tracker({"about": "self", "danger_now": "yes"}, latest))
    slots = slots_set(events)
    assert slots["need"] == "substance_misuse"
    assert slots["about"] == "other" and slots["age_group"] == "child" and slots["danger_now"] is None


def test_a_second_need_in_the_message_is_remembered(domain):
    latest = parsed("a lad sleeping rough in the stairwell is being groomed", intent="homelessness")
    events, _ = run(ActionStartSignpost(), domain, tracker({}, latest))
    assert slots_set(events)["other_needs"] == ["safeguarding", "report_asb"]


@pytest.mark.parametrize(
    "need,answers,report_offered",
    [
        ("report_asb", {"danger_now": "no", "happening_now": "no"}, True),
        ("hate_crime", {"danger_now": "no"}, True),
        ("community_trigger", {}, True),
        ("substance_misuse", {"about": "self"}, False),
        ("get_involved", {}, False),
    ],
)
def test_the_reply_offers_a_report_only_for_needs_that_take_one(domain, need, answers, report_offered):
    events, dispatcher = run(ActionSignpost(), domain, tracker({"need": need, **answers}))
    assert ("/file_report" in buttons(dispatcher)) is report_offered
    assert "/help" in buttons(dispatcher) and "/goodbye" in buttons(dispatcher)
    assert slots_set(events)["form_stopped"] is None


def test_after_999_the_reply_does_not_list_services_again(domain):
    _, dispatcher = run(ActionSignpost(), domain, tracker({"need": "domestic_abuse", "danger_now": "yes"}))
    assert texts(dispatcher) == ["Please call 999 first. I'll be here when you're safe."]


def test_an_unknown_need_gets_the_menu(domain):
    _, dispatcher = run(ActionSignpost(), domain, tracker({"need": None}))
    assert dispatcher.messages[0]["response"] == "utter_help"


def test_questions_are_asked_in_the_residents_terms(domain):
    _, dispatcher = run(AskAgeGroup(), domain, tracker({"about": "self"}))
    assert texts(dispatcher) == ["Are you under 18?"]
    _, dispatcher = run(AskAgeGroup(), domain, tracker({"about": "other"}))
    assert texts(dispatcher) == ["Is the person under 18?"]
    _, dispatcher = run(AskAbout(), domain, tracker({}))
    assert buttons(dispatcher) == ["me", "someone else"]
