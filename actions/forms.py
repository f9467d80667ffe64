"""A form validation base that is patient with residents, after RasaHQ/financial-demo.

Both forms validate the same way: each slot has its own ``validate_<slot>`` method, which names
the reader for the answer (``community_safety.answers``, ``community_safety.reporting``) and
passes it to ``read``; ``read`` handles "stop", and says what to do when an answer can't be read.

No question is asked a third time: when an answer still can't be read after asking once more,
each form keeps what it can (``after_two_tries``: the resident's own words, or the answer that
keeps them safest) and moves on; "stop" ends the questions and the form finishes with what it has,
so nobody is stuck in a loop.

Danger to life in the middle of the questions is decided here, once for every form
(``danger_in``): 999 first, then each form says what happens to its answers (``after_danger``).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction
from rasa_sdk.types import DomainDict

from actions.evidence import acknowledge, sent_evidence
from actions.handoff import hand_to_a_person, nobody_free
from actions.languages import resident_language, speak
from actions.questions import question_for
from community_safety.answers import NO, Answer, is_cancel, yes_no
from community_safety.live_chat.config import default_live_chat
from nlu.components.emergency_language import DANGER_CLASSIFIER_KEY, SAFETY_NET_KEY
from rasa_patches.markers import ASKED_IN_VALIDATION

FAILURES_SLOT = "form_failures"
STOP_SLOT = "form_stopped"
# An answer shorter than this ("myself", "no", "Brick Lane") is too short for a classifier's word.
SENTENCE_WORDS = 4
# Asking for a person in the middle of the questions: said plainly and briefly, or the button.
PERSON_INTENTS = ("request_person", "request_callback")
PERSON_CONFIDENCE = 0.7
PERSON_MOST_WORDS = 12


def asks_for_a_person(message: dict[str, Any]) -> str | None:
    """The intent, when an answer is really "can I talk to a person?" (or the button): a long answer
    is an answer, even one the classifier leans that way on."""
    intent = message.get("intent") or {}
    text = (message.get("text") or "").strip()
    if intent.get("name") not in PERSON_INTENTS:
        return None
    if text.startswith("/"):
        return intent["name"]
    # Typed, only asking for a person interrupts: "call me maybe" is an answer to "how can we contact you?".
    sure = (intent.get("confidence") or 0) >= PERSON_CONFIDENCE and len(text.split()) <= PERSON_MOST_WORDS
    return intent["name"] if sure and intent["name"] == "request_person" else None


def danger_in(message: dict[str, Any], asked: str | None = None) -> bool:
    """An answer in the middle of the questions that is really an emergency.

    Answers are often one word or a place ("myself", "Brick Lane"), or describe what happened
    ("a gang keeps setting off fireworks"), which one classifier alone can take for an emergency;
    a false 999 there loses the resident's help or report. So inside a form danger counts when the
    safety net's rules found danger-to-life language, when the resident pressed the 999 button,
    or, for a whole sentence, when both classifiers agree: the danger classifier fired and the
    intent classifier had itself chosen `emergency`.

    The answer to "Is anyone in danger right now?" (``asked``) is read as an answer first: a plain
    "no" ("I'm not in danger right now") outweighs the classifiers, though never the rules ("no, he's
    got a knife").
    """
    intent = message.get("intent") or {}
    if intent.get("name") != "emergency":
        return False
    text = (message.get("text") or "").strip()
    if message.get(SAFETY_NET_KEY) or text.startswith("/"):
        return True
    if asked == "danger_now" and yes_no(text) == NO:
        return False
    if len(text.split()) < SENTENCE_WORDS:
        return False
    danger = message.get(DANGER_CLASSIFIER_KEY) or {}
    return bool(danger.get("fired")) and danger.get("classifier_intent") == "emergency"


class PatientFormValidation(FormValidationAction, ABC):
    @abstractmethod
    def name(self) -> str:
        raise NotImplementedError

    @abstractmethod
    def questions(self, tracker: Tracker) -> list[str]:
        """The slots still to ask for, in order."""

    @abstractmethod
    def after_danger(self, tracker: Tracker) -> dict[str, Any]:
        """Slots to set once 999 has been given in the middle of the questions."""

    @abstractmethod
    def after_cancel(self, slot: str) -> dict[str, Any]:
        """Slots to set when the resident asks to stop."""

    @abstractmethod
    def problem_message(self, problem: str, language: str | None = None) -> str:
        """What to say when an answer can't be read (``problem`` names the message), in ``language``."""

    @abstractmethod
    def after_two_tries(self, slot: str, value: Any) -> Answer:
        """What to keep when an answer still can't be read after asking again."""

    def after_evidence(self, tracker: Tracker) -> dict[str, Any]:
        """Slots to set when a file arrives in the middle of the questions (thanked for, then the
        question asked again)."""
        return {}

    def read(
        self,
        slot: str,
        value: Any,
        reader: Callable[[Any], Answer | str | None],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
    ) -> dict[str, Any]:
        """One answer: "stop" ends the questions; otherwise the reader's slots, and a word when it
        couldn't read it (the empty slot makes the form ask again, once)."""
        if is_cancel(value):
            return {slot: None, **self.after_cancel(slot)}
        answer = reader(value)
        if not isinstance(answer, Answer):
            answer = Answer.of(slot, answer)
        if answer.problem and tracker.get_slot("requested_slot") == slot and failures(tracker) >= 1:
            answer = self.after_two_tries(slot, value)
        if answer.problem:
            speak(dispatcher, tracker, self.problem_message(answer.problem, resident_language(tracker)))
        return answer.slots

    async def required_slots(
        self, domain_slots: list[str], dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[str]:
        if tracker.get_slot(STOP_SLOT):
            return []
        return self.questions(tracker)

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        """Validates, then asks the form's next question here: Rasa's form would otherwise call the
        action server a second time for it (rasa_patches/forms.py skips that call)."""
        events = await super().run(dispatcher, tracker, domain)
        requested = [e.get("value") for e in events if e.get("event") == "slot" and e.get("name") == "requested_slot"]
        next_slot = requested[-1] if requested else None
        question = question_for(next_slot) if next_slot else None
        # Handed to a person: the question waits until they hand the resident back.
        handed_off = any(message.get(ASKED_IN_VALIDATION) for message in dispatcher.messages)
        if question is not None and not handed_off:
            question.ask(dispatcher, tracker, from_validation=True)  # the tracker has the new answers
        return events

    async def get_validation_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        requested = tracker.get_slot("requested_slot")
        answered_now = tracker.slots_to_validate()
        if requested in answered_now and danger_in(tracker.latest_message or {}, requested):
            dispatcher.utter_message(response="utter_emergency")
            return [SlotSet(slot, value) for slot, value in {requested: None, **self.after_danger(tracker)}.items()]
        if requested in answered_now and sent_evidence(tracker.latest_message or {}):
            # A file the channel kept, not an answer: said thank you for, and the question asked again.
            acknowledge(dispatcher, tracker)
            changed = {requested: None, **self.after_evidence(tracker)}
            tracker.slots.update(changed)  # the question asked again sees them
            return [SlotSet(slot, value) for slot, value in changed.items()]
        person = asks_for_a_person(tracker.latest_message or {}) if requested in answered_now else None
        if person:
            # The answer stays unasked: marked asked, so Rasa's form waits instead of asking it again.
            if person == "request_person" and hand_to_a_person(dispatcher, tracker, **{ASKED_IN_VALIDATION: requested}):
                return [SlotSet(requested, None)]
            if person == "request_person":
                nobody_free(dispatcher, tracker, in_form=True)
            else:
                speak(dispatcher, tracker, default_live_chat().messages["callback_after_form"])
            return [SlotSet(requested, None)]
        events = await super().get_validation_events(dispatcher, tracker, domain)
        if requested not in answered_now:
            return events
        count = failures(tracker) + 1 if tracker.get_slot(requested) is None else 0
        # The form picks its next question from the tracker, so it must see the count now.
        tracker.slots[FAILURES_SLOT] = count
        return [*events, SlotSet(FAILURES_SLOT, count)]


def failures(tracker: Tracker) -> int:
    """Answers in a row to the question being asked that couldn't be read."""
    return int(tracker.get_slot(FAILURES_SLOT) or 0)


def reset_form_slots() -> list[EventType]:
    return [SlotSet(FAILURES_SLOT, 0), SlotSet(STOP_SLOT, None)]
