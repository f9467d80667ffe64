"""Forms ask their questions through these actions, in the words of the staff-edited files.

One small action per slot, as Rasa's forms look for `action_ask_<slot>`; they are made in a
loop below because they differ only in the slot they ask about.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from community_safety.reporting import QUESTIONS as REPORT_QUESTIONS
from community_safety.reporting import default_reporting
from community_safety.signposting import ANSWERS, FORM_QUESTIONS, Prompt, default_signposting


class AskQuestion(Action, ABC):
    slot: str

    @abstractmethod
    def name(self) -> str:
        raise NotImplementedError

    @abstractmethod
    def prompt(self, tracker: Tracker) -> Prompt:
        raise NotImplementedError

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        prompt = self.prompt(tracker)
        dispatcher.utter_message(text=prompt.text, buttons=prompt.as_buttons())
        return []


class AskSignpostQuestion(AskQuestion, ABC):
    def prompt(self, tracker: Tracker) -> Prompt:
        return default_signposting().question(self.slot, {slot: tracker.get_slot(slot) for slot in ANSWERS})


class AskReportQuestion(AskQuestion, ABC):
    def prompt(self, tracker: Tracker) -> Prompt:
        slots: dict[str, Any] = tracker.slots
        return default_reporting().prompt(self.slot, slots)


def _ask_action(base: type, slot: str) -> type:
    return type(f"Ask_{slot}", (base,), {"slot": slot, "name": lambda self: f"action_ask_{self.slot}"})


ASK_ACTIONS = [_ask_action(AskSignpostQuestion, slot) for slot in FORM_QUESTIONS] + [
    _ask_action(AskReportQuestion, slot) for slot in (*REPORT_QUESTIONS, "report_change")
]
