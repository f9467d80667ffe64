"""Talking to a person: asking for one, offering one, and call-back requests when nobody is free.

Thin: who is available, the queue and the call-back records are ``community_safety.live_chat``.
Once a resident is in the queue the channels keep their messages from the bot until the
caseworker hands them back (bot/live_chat.py), so nothing here needs to pause the conversation."""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy.exc import SQLAlchemyError

from actions.forms import STOP_SLOT, PatientFormValidation, reset_form_slots
from actions.handoff import MENU_BUTTON, hand_to_a_person, menu_title, nobody_free, person_button
from actions.languages import resident_language
from actions.questions import NEED_SLOT
from actions.reporting import submission_key
from community_safety.answers import YES, Answer
from community_safety.live_chat import callbacks
from community_safety.live_chat.config import default_live_chat
from community_safety.records.database import session_scope
from community_safety.signposting import default_signposting

log = logging.getLogger(__name__)


class ActionRequestPerson(Action):
    """ "Can I talk to a real person?", or the "Talk to a person" button."""

    def name(self) -> str:
        return "action_request_person"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        if not hand_to_a_person(dispatcher, tracker):
            nobody_free(dispatcher, tracker)
        return []


class ActionBotWrong(Action):
    """ "You got that wrong": sorry, and a person (or a call-back) beside trying again."""

    def name(self) -> str:
        return "action_bot_wrong"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        config, language = default_live_chat(), resident_language(tracker)
        button = person_button(tracker)
        dispatcher.utter_message(
            text=config.say("bot_wrong", language),
            buttons=[b for b in (button, {**MENU_BUTTON, "title": menu_title(language)}) if b],
        )
        return []


def _reported_anonymously(tracker: Tracker) -> bool:
    return any(
        e.get("event") == "slot" and e.get("name") == "report_anonymous" and e.get("value") == "anonymous"
        for e in tracker.events
    )


class ActionStartCallback(Action):
    """Before the call-back questions: a call-back can't be anonymous, said to whoever reported so."""

    def name(self) -> str:
        return "action_start_callback"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        if _reported_anonymously(tracker):
            dispatcher.utter_message(text=default_live_chat().say("callback_anonymous", resident_language(tracker)))
        return [*(SlotSet(slot, None) for slot in callbacks.SLOTS), *reset_form_slots()]


class ValidateCallbackForm(PatientFormValidation):
    def name(self) -> str:
        return "validate_callback_form"

    def questions(self, tracker: Tracker) -> list[str]:
        return list(callbacks.SLOTS)  # the form asks the first still empty

    def after_danger(self, tracker: Tracker) -> dict[str, Any]:
        return {STOP_SLOT: True}

    def after_cancel(self, slot: str) -> dict[str, Any]:
        return {STOP_SLOT: True}

    def problem_message(self, problem: str, language: str | None = None) -> str:
        config = default_live_chat()
        return config.messages[problem] if problem in config.messages else default_signposting().messages[problem]

    def after_two_tries(self, slot: str, value: Any) -> Answer:
        # Never a number guessed: without one the request can't be kept, and the resident is told.
        return Answer({slot: None, STOP_SLOT: True})

    def validate_callback_phone(self, value, dispatcher, tracker, domain):
        return self.read("callback_phone", value, callbacks.read_phone, dispatcher, tracker)

    def validate_callback_time(self, value, dispatcher, tracker, domain):
        return self.read("callback_time", value, callbacks.read_safe_time, dispatcher, tracker)

    def validate_callback_consent(self, value, dispatcher, tracker, domain):
        return self.read("callback_consent", value, callbacks.read_consent, dispatcher, tracker)


class ActionSubmitCallback(Action):
    """Keeps the request only with every answer and the resident's yes."""

    def name(self) -> str:
        return "action_submit_callback"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        config, language = default_live_chat(), resident_language(tracker)
        phone, safe_time, consent = (tracker.get_slot(slot) for slot in callbacks.SLOTS)
        forget = [*(SlotSet(slot, None) for slot in callbacks.SLOTS), *reset_form_slots()]
        if not (phone and safe_time and consent == YES):
            dispatcher.utter_message(
                text=config.say("callback_not_kept", language), buttons=[{**MENU_BUTTON, "title": menu_title(language)}]
            )
            return forget
        try:
            with session_scope() as db:
                request = callbacks.file_callback(
                    db,
                    sender=tracker.sender_id,
                    submission_key=submission_key(tracker, "callback"),
                    phone=phone,
                    safe_time=safe_time,
                    need=tracker.get_slot(NEED_SLOT),
                    language=language,
                )
                reference = request.reference
        except SQLAlchemyError as error:
            log.warning("Could not keep a call-back request (%s)", type(error).__name__)
            dispatcher.utter_message(text=config.say("not_sent", language))
            return []  # the answers stay, so "call me back" again files it
        when = config.say("callback_when_open", language, hours=config.hours(language))
        dispatcher.utter_message(text=config.say("callback_filed", language, reference=reference, when=when))
        return forget
