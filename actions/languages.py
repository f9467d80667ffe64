"""The resident's language: choosing it, and answering someone writing in another one.

The ``language`` slot is filled by Rasa itself from the ``language`` entity
(nlu/components/resident_language.py), so it needs no action-server round trip on each message
and the 999 reply is in the resident's language even with the action server down. A message
sets it only when it clearly is in English or Bengali (three words or more, or a choice), so
short answers and place names never switch it; a resident who writes whole sentences in the
other language is answered in it, and the "বাংলা / English" button is always there."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from community_safety.languages import BENGALI, ENGLISH, PARSE_KEY, default_languages
from community_safety.reporting import default_reporting
from community_safety.translations import LANGUAGE_SLOT, default_translations, language_button

CHOSEN = "OK, I'll write in English from now on. Tell me what's happening."
WHICH = "Which language would you like me to write in?"
ONLY_TWO = (
    "Sorry, I can answer in English or Bengali. If anyone is in danger, call 999 now and say the name of your "
    "language in English: they will find an interpreter."
)


def resident_language(tracker: Tracker) -> str:
    return BENGALI if tracker.get_slot(LANGUAGE_SLOT) == BENGALI else ENGLISH


def say(tracker: Tracker, english: str) -> str:
    """The words in the resident's language (community_safety/data/bengali.yml), line by line:
    a line not yet translated stays in English."""
    translations, language = default_translations(), resident_language(tracker)
    return "\n".join(translations.say(line, language) for line in english.split("\n"))


def speak(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    text: str,
    buttons: list[dict[str, str]] | None = None,
    **metadata: str,
) -> None:
    """Says ``text``, with its buttons' words, in the resident's language; payloads stay as they are.
    ``metadata`` goes with the message to Rasa (not to the resident)."""
    translated = [{**button, "title": say(tracker, button["title"])} for button in buttons or []]
    dispatcher.utter_message(text=say(tracker, text), buttons=translated, **metadata)


def tell(
    dispatcher: CollectingDispatcher, tracker: Tracker, key: str, buttons: list | None = None, **values: Any
) -> None:
    """One of reporting.yml's messages, in the resident's language, with its values and buttons."""
    speak(dispatcher, tracker, default_reporting().say(key, resident_language(tracker), **values), buttons)


class ActionChooseLanguage(Action):
    """ "বাংলা", "English please", or the menu's language button."""

    def name(self) -> str:
        return "action_choose_language"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        chosen = next(
            (e.get("value") for e in tracker.latest_message.get("entities") or [] if e.get("entity") == LANGUAGE_SLOT),
            None,
        )
        translations = default_translations()
        if chosen not in (ENGLISH, BENGALI):
            # "Can you speak Bengali?" without a clear answer: both buttons, in both languages.
            dispatcher.utter_message(
                text=f"{translations.say(WHICH, BENGALI)} / {WHICH}",
                buttons=[language_button(ENGLISH), language_button(BENGALI)],
            )
            return []
        dispatcher.utter_message(text=translations.say(CHOSEN, chosen))
        return [SlotSet(LANGUAGE_SLOT, chosen)]


class ActionOtherLanguage(Action):
    """A message in a language the bot can't answer in: in that language, if the languages file
    has it, what the bot can do and to call 999 in danger; in English and Bengali otherwise."""

    def name(self) -> str:
        return "action_other_language"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        code = (tracker.latest_message.get(PARSE_KEY) or {}).get("other")
        other = default_languages().others.get(code) if code else None
        both = f"{ONLY_TWO}\n\n{default_translations().say(ONLY_TWO, BENGALI)}"
        dispatcher.utter_message(text=f"{other.reply}\n\n{ONLY_TWO}" if other else both)
        return []
