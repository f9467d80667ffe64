"""Signposting actions in-process: what the first message already answers, starting a need, and
the reply with its report button."""

from __future__ import annotations

import pytest
from rasa_sdk import Tracker

from actions.questions import AskAbout, AskAgeGroup
from actions.signposting import ActionSignpost, ActionStartSignpost, ValidateSignpostForm, prefilled_answers
from tests.actions.conftest import buttons, parsed, run, slots_set, texts, tracker

CHILD = {"entity": "at_risk", "value": "child"}


@pytest.mark.parametrize(
    "text,entities,expected",
    [
        ("I'm sleeping rough tonight", [], {"about": "self", "homeless_tonight": "yes"}),
        ("there's a man sleeping rough outside", [], {"about": "other"}),
        ("my son is using drugs", [], {"about": "other"}),
        ("it's my own drinking", [], {"about": "self"}),
        # Both named: the bot asks rather than guess.
        ("my partner kicked me out", [], {}),
        ("I'm scared of my husband", [], {}),
        # The resident narrating ("I think", "I'm worried about") is not who it is about.
        ("I think my elderly neighbour is being scammed", [], {"about": "other"}),
        ("I'm worried about my mum", [], {"about": "other"}),
        ("i think the little boy next door is being neglected", [], {"about": "other"}),
        ("I saw a man sleeping in the stairwell", [], {"about": "other"}),
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
        # A parent speaking of their own children is not a child; with them, the family is who it is about.
        (
            "we've been evicted and me and my two kids have nowhere to sleep tonight",
            [{"entity": "at_risk", "value": "child"}],
            {"about": "self", "age_group": "adult", "homeless_tonight": "yes"},
        ),
        ("I have 3 kids and we are homeless", [CHILD], {"about": "self", "age_group": "adult"}),
        # ...while their child can be who it is about.
        ("my son is being groomed", [CHILD], {"about": "other", "age_group": "child"}),
        # A parent who doesn't say who it is about: asked, not guessed to be a child.
        ("I have got two children and nowhere to stay tonight", [CHILD], {"homeless_tonight": "yes"}),
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


def test_asking_to_report_goes_to_the_report_after_the_safety_question(domain):
    opener = parsed("i want to report noisy neighbours", intent="report_asb")
    events, _ = run(ActionStartSignpost(), domain, tracker({}, opener))
    slots = slots_set(events)
    assert slots["wants_report"] is True
    asked = ValidateSignpostForm().questions(tracker({"need": "report_asb", "wants_report": True}))
    assert asked == ["danger_now"]

    story = [
        {"event": "user", "text": opener["text"], "parse_data": opener},
        {"event": "action", "name": "action_start_signpost"},
        {"event": "action", "name": "signpost_form"},
    ]
    answered = {"need": "report_asb", "wants_report": True, "danger_now": "no"}
    events, dispatcher = run(ActionSignpost(), domain, tracker(answered, events=story))
    assert events[-1] == {"event": "followup", "timestamp": None, "name": "report_form"}
    # "noisy neighbours" names the trouble; what happened is asked, not taken from the opener.
    assert "report_description" not in {k for k, v in slots_set(events).items() if v}
    assert "/file_report" not in buttons(dispatcher)


def test_a_message_that_only_describes_gets_advice_and_the_offer(domain):
    opener = parsed("my neighbours play loud music every night", intent="report_asb")
    events, _ = run(ActionStartSignpost(), domain, tracker({}, opener))
    assert slots_set(events)["wants_report"] is None


def _answering_about(opening: str, answer: str) -> Tracker:
    return tracker(
        slots={"need": "homelessness", "requested_slot": "about", "about": answer},
        latest=parsed(answer, intent="inform"),
        events=[
            {"event": "user", "text": opening},
            {"event": "action", "name": "action_start_signpost"},
            {"event": "action", "name": "signpost_form"},
            {"event": "user", "text": answer},
            {"event": "slot", "name": "about", "value": answer},
        ],
        active_loop={"name": "signpost_form"},
    )


def test_a_parent_who_says_me_is_not_asked_if_they_are_under_18(domain):
    opening = "I have got two children and nowhere to stay tonight"
    events, dispatcher = run(ValidateSignpostForm(), domain, _answering_about(opening, "me"))
    assert slots_set(events)["about"] == "self" and slots_set(events)["age_group"] == "adult"
    assert not any("under 18" in text for text in texts(dispatcher))


def test_anyone_else_who_says_me_is_asked_their_age(domain):
    events, _ = run(ValidateSignpostForm(), domain, _answering_about("I've got nowhere to stay tonight", "me"))
    assert slots_set(events)["about"] == "self" and slots_set(events).get("age_group") is None
