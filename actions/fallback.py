"""When the model is unsure: offer the likeliest needs as buttons, never a dead end."""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.handoff import offer_a_person
from actions.languages import speak
from community_safety.signposting import default_signposting

MAX_SUGGESTIONS = 3


class ActionSuggestNeeds(Action):
    def name(self) -> str:
        return "action_suggest_needs"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        signposting = default_signposting()
        needs = signposting.needs
        ranking = (tracker.latest_message or {}).get("intent_ranking") or []
        likely = [entry["name"] for entry in ranking if entry.get("name") in needs and entry["name"] != "emergency"]
        # The needs marked `suggested` in the needs file fill in when the classifier has no useful guess.
        suggestions = (likely + [n for n in signposting.suggested if n not in likely])[:MAX_SUGGESTIONS]
        buttons = [{"title": needs[name].title, "payload": f"/{name}"} for name in suggestions]
        buttons.append({"title": "Something else", "payload": "/help"})
        speak(dispatcher, tracker, signposting.messages["suggest_needs"], buttons)
        if unsure_twice(tracker):
            offer_a_person(dispatcher, tracker)
        return []


def unsure_twice(tracker: Tracker) -> bool:
    """This message and the one before were both unsure: the suggestions offered were not taken."""
    intents = [
        ((event.get("parse_data") or {}).get("intent") or {}).get("name")
        for event in tracker.events
        if event.get("event") == "user"
    ]
    return intents[-2:] == ["nlu_fallback", "nlu_fallback"]
