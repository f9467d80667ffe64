"""In-process action tests on tracker fixtures: danger to life in the middle of a form.

A short answer ("myself", "no", a place) never becomes an emergency on a classifier's word alone;
the safety net's rules, the 999 button, or a whole sentence the classifiers agree on do.
"""

from __future__ import annotations

import pytest

from actions.forms import STOP_SLOT, danger_in
from actions.reporting import PAUSED_SLOT, ValidateReportForm
from actions.signposting import ValidateSignpostForm
from nlu.components.emergency_language import DANGER_CLASSIFIER_KEY, SAFETY_NET_KEY
from tests.actions.conftest import parsed, responses, slots_set, validate

RULES_FIRED = {SAFETY_NET_KEY: {"rule": "weapon_present", "classifier_intent": "domestic_abuse"}}
CLASSIFIER_FIRED = {
    DANGER_CLASSIFIER_KEY: {
        "score": 0.8,
        "threshold": 0.27,
        "fired": True,
        "classifier_intent": "report_asb",
        "classifier_confidence": 0.6,
    }
}
BOTH_CLASSIFIERS = {
    DANGER_CLASSIFIER_KEY: {
        "score": 0.8,
        "threshold": 0.27,
        "fired": True,
        "classifier_intent": "emergency",
        "classifier_confidence": 0.9,
    }
}


@pytest.mark.parametrize(
    "message",
    [
        parsed("myself"),
        parsed("me"),
        parsed("no", confidence=0.99),
        parsed("Brick Lane"),
        parsed("Mile End Park", confidence=0.99),
        parsed("it's about me", **CLASSIFIER_FIRED),  # a short answer: not even the danger classifier alone
        parsed("my husband hits me", intent="domestic_abuse"),
        parsed("he has hit me before and I am scared of him", confidence=0.5),
        # One classifier's word on a whole sentence: the danger classifier alone, or the intent classifier alone.
        parsed("a gang keeps setting off fireworks at the bus stop", confidence=0.58, **CLASSIFIER_FIRED),
        parsed("they were fighting outside the shop again last night", confidence=0.97),
    ],
)
def test_not_danger_inside_a_form(message):
    assert not danger_in(message)


@pytest.mark.parametrize(
    "message",
    [
        parsed("knife", **RULES_FIRED),
        parsed("/emergency", confidence=1.0),
        parsed("he's back and he's kicking the door in", **RULES_FIRED),
        parsed("the sockets are smoking and crackling by my son", confidence=0.9, **BOTH_CLASSIFIERS),
    ],
)
def test_danger_inside_a_form(message):
    assert danger_in(message)


DOMESTIC_ABUSE = {"need": "domestic_abuse", "danger_now": "no", "about": None}


def test_myself_after_i_am_safe_is_an_answer_not_an_emergency(domain):
    # "my husband hits me" -> not in danger -> "Is this about you, or someone else?" -> "myself",
    # which the classifier took for an emergency.
    events, dispatcher = validate(
        ValidateSignpostForm(), domain, DOMESTIC_ABUSE, "about", parsed("myself", confidence=0.93)
    )
    assert "utter_emergency" not in responses(dispatcher)
    assert slots_set(events)["about"] == "self"
    assert not slots_set(events).get(STOP_SLOT)


def test_danger_in_the_signposting_questions_gives_999_and_ends_them(domain):
    events, dispatcher = validate(
        ValidateSignpostForm(), domain, DOMESTIC_ABUSE, "about", parsed("he's got a knife, he's here", **RULES_FIRED)
    )
    assert responses(dispatcher) == ["utter_emergency"]
    slots = slots_set(events)
    assert slots["danger_now"] == "yes" and slots[STOP_SLOT] is True and slots["requested_slot"] is None


def test_danger_during_a_report_pauses_it_with_the_answers_kept(domain):
    answers = {"report_description": "dealing on the landing", "report_location": "Brick Lane"}
    events, dispatcher = validate(
        ValidateReportForm(),
        domain,
        answers,
        "report_when",
        parsed("they're kicking my door in right now", confidence=0.98, **RULES_FIRED),
    )
    assert responses(dispatcher) == ["utter_emergency"]
    slots = slots_set(events)
    assert slots[PAUSED_SLOT] is True and slots["report_when"] is None
    assert "report_description" not in slots  # what was said before is kept for later


def test_a_place_during_a_report_is_a_place(domain):
    events, dispatcher = validate(
        ValidateReportForm(),
        domain,
        {"report_description": "dealing on the landing"},
        "report_location",
        parsed("Whitechapel station", confidence=0.88),
    )
    assert "utter_emergency" not in responses(dispatcher)
    assert slots_set(events)["report_location"] == "Whitechapel station"


def test_a_plain_no_to_the_danger_question_outweighs_the_classifiers():
    said = parsed("I'm not in danger right now", confidence=0.9, **BOTH_CLASSIFIERS)
    assert danger_in(said) and not danger_in(said, asked="danger_now")
    # The rules are never outweighed.
    assert danger_in(parsed("no, he's got a knife", **RULES_FIRED), asked="danger_now")
