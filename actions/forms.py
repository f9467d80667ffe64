"""A form validation base that is patient with residents, after RasaHQ/financial-demo.

When an answer can't be read twice in a row, the bot stops repeating itself and asks
whether to carry on; "stop" ends the questions and the form finishes with what it has,
so nobody is stuck in a loop.
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, Dict, List, Text

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction
from rasa_sdk.types import DomainDict

from community_safety.answers import YES, is_cancel, yes_no

FAILURES_SLOT = "form_failures"
CONTINUE_SLOT = "continue_form"
STOP_SLOT = "form_stopped"
MAX_FAILURES = 2


class PatientFormValidation(FormValidationAction, ABC):
    @abstractmethod
    def name(self) -> Text:
        raise NotImplementedError

    @abstractmethod
    def questions(self, tracker: Tracker) -> List[Text]:
        """The slots still to ask for, in order."""

    async def required_slots(
        self, domain_slots: List[Text], dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Text]:
        if tracker.get_slot(STOP_SLOT):
            return []
        questions = self.questions(tracker)
        if questions and int(tracker.get_slot(FAILURES_SLOT) or 0) >= MAX_FAILURES:
            return [CONTINUE_SLOT, *questions]
        return questions

    async def get_validation_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        requested = tracker.get_slot("requested_slot")
        answered_now = tracker.slots_to_validate()
        events = await super().get_validation_events(dispatcher, tracker, domain)
        if requested not in answered_now or requested == CONTINUE_SLOT:
            return events
        failures = int(tracker.get_slot(FAILURES_SLOT) or 0) + 1 if tracker.get_slot(requested) is None else 0
        # The form picks its next question from the tracker, so it must see the count now.
        tracker.slots[FAILURES_SLOT] = failures
        return [*events, SlotSet(FAILURES_SLOT, failures)]

    def validate_continue_form(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        answer = "yes" if str(value).strip().lower() == "carry on" else yes_no(value)
        if answer is None and is_cancel(value):
            answer = "no"
        if answer == YES:
            return {CONTINUE_SLOT: None, FAILURES_SLOT: 0}
        if answer is None:
            return {CONTINUE_SLOT: None}
        return {CONTINUE_SLOT: "no", STOP_SLOT: True, FAILURES_SLOT: 0}


def reset_form_slots() -> List[EventType]:
    return [SlotSet(FAILURES_SLOT, 0), SlotSet(CONTINUE_SLOT, None), SlotSet(STOP_SLOT, None)]
