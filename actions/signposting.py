"""Signposting actions: ask only the questions that change the door, then name the services."""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.forms import STOP_SLOT, PatientFormValidation, reset_form_slots
from community_safety import answers as read
from community_safety.signposting import ANSWERS, default_signposting

NEED_SLOT = "need"
OTHER_NEEDS_SLOT = "other_needs"
NEXT_STEP_BUTTONS = [
    {"title": "Something else", "payload": "/help"},
    {"title": "That's all, thanks", "payload": "/goodbye"},
]
REPORT_BUTTON = {"title": "Report it here", "payload": "/file_report"}
_HAPPENING_NOW = re.compile(r"\b(?:right now|happening now|at the moment|as we speak|currently|rn)\b")


def current_answers(tracker: Tracker) -> dict[str, Any]:
    return {slot: tracker.get_slot(slot) for slot in ANSWERS}


def prefilled_answers(need: str, text: str, entities: list[dict[str, Any]]) -> dict[str, Any]:
    """Answers the message itself already gives, so the bot doesn't ask what it was told.

    Never "is anyone in danger": the bot always asks that when it matters.
    """
    filled: dict[str, Any] = {}
    at_risk = {entity.get("value") for entity in entities if entity.get("entity") == "at_risk"}
    if at_risk & {"child", "teenager"}:
        filled["age_group"] = "child"
    elif "elderly" in at_risk:
        filled["age_group"] = "adult"
    lowered = (text or "").casefold()
    # Only when the message is unambiguous: "my partner kicked me out" names both.
    self_words, other_words = read.mentions(lowered)
    if self_words != other_words:
        filled["about"] = "self" if self_words else "other"
    if _HAPPENING_NOW.search(lowered):
        filled["happening_now"] = "yes"
    return filled


class ActionStartSignpost(Action):
    """Starts a new need: remembers it, forgets old answers, keeps what the message told us."""

    def name(self) -> str:
        return "action_start_signpost"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        signposting = default_signposting()
        message = tracker.latest_message or {}
        need = (message.get("intent") or {}).get("name")
        if need not in signposting.needs:
            need = tracker.get_slot(NEED_SLOT)
        text = message.get("text") or ""
        filled = prefilled_answers(need, text, message.get("entities") or [])
        events: list[EventType] = [
            SlotSet(NEED_SLOT, need),
            SlotSet(OTHER_NEEDS_SLOT, signposting.other_needs(text, need)),
        ]
        events += [SlotSet(slot, filled.get(slot)) for slot in ANSWERS]
        return events + reset_form_slots()


class ValidateSignpostForm(PatientFormValidation):
    def name(self) -> str:
        return "validate_signpost_form"

    def questions(self, tracker: Tracker) -> list[str]:
        need = tracker.get_slot(NEED_SLOT)
        return default_signposting().questions_for(need, current_answers(tracker))

    def after_danger(self, tracker: Tracker) -> dict[str, Any]:
        # Someone is in danger now: no more questions, and the reply after 999 says what next.
        return {"danger_now": "yes", STOP_SLOT: True}

    def after_cancel(self, slot: str) -> dict[str, Any]:
        # "Stop" ends the questions; the resident still gets the best door for what they said.
        return {STOP_SLOT: True}

    def problem_message(self, problem: str) -> str:
        return default_signposting().messages["not_understood"]

    def _read(self, slot: str, value: Any, reader, dispatcher: CollectingDispatcher) -> dict[str, Any]:
        # Values the bot filled in itself (from the first message) are already in their final form.
        return self.read(slot, value, lambda v: v if v in ANSWERS[slot] else reader(v), dispatcher)

    def validate_danger_now(self, value, dispatcher, tracker, domain):
        result = self._read("danger_now", value, read.yes_no, dispatcher)
        if result["danger_now"] == "yes":
            # 999 before anything else; the signposting reply then repeats it.
            dispatcher.utter_message(response="utter_emergency")
            return {**result, "requested_slot": None}
        return result

    def validate_happening_now(self, value, dispatcher, tracker, domain):
        return self._read("happening_now", value, read.yes_no, dispatcher)

    def validate_about(self, value, dispatcher, tracker, domain):
        return self._read("about", value, read.about_whom, dispatcher)

    def validate_age_group(self, value, dispatcher, tracker, domain):
        return self._read("age_group", value, read.age_group, dispatcher)

    def validate_homeless_tonight(self, value, dispatcher, tracker, domain):
        return self._read("homeless_tonight", value, read.homeless_tonight, dispatcher)


class ActionSignpost(Action):
    """Names the right services for the need and the answers, and what happens next."""

    def name(self) -> str:
        return "action_signpost"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        signposting = default_signposting()
        need = tracker.get_slot(NEED_SLOT)
        if need not in signposting.needs:
            dispatcher.utter_message(response="utter_help")
            return []
        answers = current_answers(tracker)
        if answers.get("danger_now") == "yes":
            # utter_emergency has just been said; don't repeat it with a list of services.
            dispatcher.utter_message(text=signposting.messages["after_emergency"], buttons=NEXT_STEP_BUTTONS)
            return reset_form_slots()
        reply = signposting.reply(need, answers, other_needs=tracker.get_slot(OTHER_NEEDS_SLOT) or [])
        dispatcher.utter_message(text=reply.text)
        # A report made in the chat counts toward the case review (the need's `report` in signposting.yml).
        buttons = ([REPORT_BUTTON] if signposting.needs[need].reportable else []) + NEXT_STEP_BUTTONS
        dispatcher.utter_message(text=signposting.messages["anything_else"], buttons=buttons)
        return reset_form_slots()
