"""One form mechanism: every question of both forms has an ask action and a validate_<slot> method
a newcomer finds by the slot's name, and both forms treat "stop" and unreadable answers alike."""

from __future__ import annotations

import inspect

import pytest
import yaml
from rasa_sdk import Action

import actions.questions
from actions.forms import FAILURES_SLOT, STOP_SLOT, PatientFormValidation
from actions.reporting import ValidateReportForm
from actions.signposting import ValidateSignpostForm
from rasa_patches.markers import ASKED_IN_VALIDATION
from tests.actions.conftest import parsed, slots_set, texts, validate
from tests.conftest import PROJECT

DOMAIN = yaml.safe_load((PROJECT / "domain.yml").read_text())

FORMS = {"signpost_form": ValidateSignpostForm, "report_form": ValidateReportForm}
ASK_ACTIONS = {
    cls().name(): cls
    for _, cls in inspect.getmembers(actions.questions, inspect.isclass)
    if issubclass(cls, Action) and cls.__module__ == actions.questions.__name__ and not inspect.isabstract(cls)
}


@pytest.mark.parametrize("form", FORMS)
def test_every_question_has_its_own_validation_and_ask_action(form):
    validation = FORMS[form]
    assert validation().name() == f"validate_{form}"
    for slot in DOMAIN["forms"][form]["required_slots"]:
        method = getattr(validation, f"validate_{slot}", None)
        assert callable(method), f"{validation.__name__} has no validate_{slot}"
        assert f"action_ask_{slot}" in ASK_ACTIONS, f"no action_ask_{slot} in actions/questions.py"
        assert f"action_ask_{slot}" in DOMAIN["actions"]


def test_every_ask_action_is_declared_in_the_domain():
    assert set(ASK_ACTIONS) <= set(DOMAIN["actions"])


@pytest.mark.parametrize(
    "form,slots,requested",
    [
        ("signpost_form", {"need": "domestic_abuse"}, "about"),
        ("report_form", {"report_description": "noise every night"}, "report_location"),
    ],
)
def test_stop_ends_either_form(domain, form, slots, requested):
    events, dispatcher = validate(FORMS[form](), domain, slots, requested, parsed("stop", intent="cancel"))
    assert slots_set(events)[STOP_SLOT] is True and slots_set(events)[requested] is None
    assert texts(dispatcher) == []


@pytest.mark.parametrize(
    "form,slots,requested,answer,kept,said",
    [
        ("signpost_form", {"need": "domestic_abuse"}, "about", "purple", {STOP_SLOT: True}, "I'll tell you what I can"),
        (
            "report_form",
            {"report_description": "noise every night"},
            "report_when",
            "when the clocks went back",
            {"report_when": "when the clocks went back", "report_approximate": True},
            "I've kept what you said",
        ),
        ("report_form", {}, "report_people", "", {"report_people": "not known"}, "kept your words"),
        ("report_form", {}, "report_hate", "purple", {"report_hate": "not sure"}, "move on"),
        ("report_form", {}, "report_anonymous", "purple", {"report_anonymous": "anonymous"}, "anonymous"),
        ("report_form", {}, "report_contact", "call me", {"report_contact": "none"}, "won't keep"),
        ("report_form", {}, "report_confirm", "purple", {"report_paused": True, STOP_SLOT: True}, None),
    ],
)
def test_a_question_is_never_asked_a_third_time(domain, form, slots, requested, answer, kept, said):
    validation = FORMS[form]()
    events, dispatcher = validate(validation, domain, slots, requested, parsed(answer, intent="out_of_scope"))
    assert slots_set(events)[requested] is None and slots_set(events)[FAILURES_SLOT] == 1
    # A word on what to type, then the form's next question (these slots leave earlier ones empty),
    # asked from the validation itself.
    assert [m.get(ASKED_IN_VALIDATION) for m in dispatcher.messages] == [None, slots_set(events)["requested_slot"]]
    events, dispatcher = validate(
        validation, domain, {**slots, FAILURES_SLOT: 1}, requested, parsed(answer, intent="out_of_scope")
    )
    got = slots_set(events)
    assert {k: got.get(k) for k in kept} == kept
    assert got.get("requested_slot") != requested
    # The next question, if the form goes on, is asked here too; never the same one a third time.
    asked = [m.get(ASKED_IN_VALIDATION) for m in dispatcher.messages if m.get(ASKED_IN_VALIDATION)]
    assert asked == ([got["requested_slot"]] if got.get("requested_slot") else [])
    if said:
        assert said in " ".join(texts(dispatcher))


def test_both_forms_share_the_patient_base():
    assert all(issubclass(form, PatientFormValidation) for form in FORMS.values())
