"""Offering and giving a person: who is there decides the button, and asking puts the resident in
the queue. Used by the live-chat actions, the fallback, signposting, and the forms' validation
(a resident may ask for a person in the middle of the questions)."""

from __future__ import annotations

import logging

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.exc import SQLAlchemyError

from actions.languages import resident_language
from actions.questions import NEED_SLOT
from community_safety.live_chat.chats import LEAVE, REQUEST_CALLBACK, REQUEST_PERSON, place_in_queue, request_person
from community_safety.live_chat.config import default_live_chat
from community_safety.live_chat.presence import someone_to_talk_to
from community_safety.records.database import session_scope
from community_safety.translations import default_translations

log = logging.getLogger(__name__)
MENU_BUTTON = {"title": "Something else", "payload": "/help"}


def person_button(tracker: Tracker) -> dict[str, str] | None:
    """ "Talk to a person" while someone is there; otherwise the call-back button (the bot never
    offers a person it cannot give); nothing when the records can't be read."""
    config, language = default_live_chat(), resident_language(tracker)
    try:
        with session_scope() as db:
            available = someone_to_talk_to(db)
    except SQLAlchemyError as error:
        log.warning("Could not check who is available to chat (%s)", type(error).__name__)
        return None
    if available:
        return config.button("talk_button", REQUEST_PERSON, language)
    return config.button("callback_button", REQUEST_CALLBACK, language)


def offer_a_person(dispatcher: CollectingDispatcher, tracker: Tracker, message: str = "offer") -> None:
    button = person_button(tracker)
    if button is None:
        return
    config, language = default_live_chat(), resident_language(tracker)
    text = config.say(message if button["payload"] == REQUEST_PERSON else "offer_callback", language)
    dispatcher.utter_message(text=text, buttons=[button])


def hand_to_a_person(dispatcher: CollectingDispatcher, tracker: Tracker, **marks: str) -> bool:
    """Puts the resident in the queue and says so; False (having said why) when nobody is free."""
    config, language = default_live_chat(), resident_language(tracker)
    try:
        with session_scope() as db:
            if not someone_to_talk_to(db):
                return False
            chat = request_person(db, tracker.sender_id, tracker.get_slot(NEED_SLOT), language)
            place = place_in_queue(db, chat)
    except SQLAlchemyError as error:
        log.warning("Could not put a resident in the live chat queue (%s)", type(error).__name__)
        return False
    dispatcher.utter_message(
        text=config.say("in_queue", language, place=place),
        buttons=[config.button("leave_button", LEAVE, language)],
        **marks,
    )
    return True


def nobody_free(dispatcher: CollectingDispatcher, tracker: Tracker, in_form: bool = False) -> None:
    config, language = default_live_chat(), resident_language(tracker)
    hours = config.hours(language)
    if in_form:
        dispatcher.utter_message(text=config.say("nobody_free_in_form", language, hours=hours))
        return
    dispatcher.utter_message(
        text=config.say("nobody_free", language, hours=hours),
        buttons=[
            config.button("callback_button", REQUEST_CALLBACK, language),
            {**MENU_BUTTON, "title": menu_title(language)},
        ],
    )


def menu_title(language: str) -> str:
    return default_translations().say(MENU_BUTTON["title"], language)
