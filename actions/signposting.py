"""Signposting actions: ask only the questions that change the door, then name the services."""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.forms import STOP_SLOT, PatientFormValidation, reset_form_slots
from actions.handoff import offer_a_person
from actions.languages import resident_language, speak
from actions.questions import NEED_CANDIDATES_SLOT, NEED_SLOT
from actions.reporting import begin_report
from community_safety import answers as read
from community_safety.answers import Answer
from community_safety.reporting import asks_to_report
from community_safety.signposting import ANSWERS, Doors, default_signposting
from community_safety.translations import default_translations

OTHER_NEEDS_SLOT = "other_needs"
# The second need a message told (community_safety.signposting.Doors.next): offered after the first door.
NEXT_NEED_SLOT = "next_need"
# The needs read likeliest after those answered (Signposting.likely_needs): buttons when the answer ends.
LIKELY_NEEDS_SLOT = "likely_needs"
# Unsure of its reading, the bot checks it before a need's questions: empty while the check is to
# be asked (the candidates slot then holds the other likely needs), "checked" once answered or not needed.
NEED_CHECK_SLOT = "need_check"
# Values no resident types: a typed answer sits in the slot until it is read.
CHECKED, NOT_THIS = "_checked", "_not_this"
MAX_CANDIDATES = 2
# The resident asked to report ("I want to report noisy neighbours"): after the safety question,
# the report starts straight away instead of advice and a "Report it here" button.
WANTS_REPORT_SLOT = "wants_report"
NEXT_STEP_BUTTONS = [
    {"title": "Something else", "payload": "/help"},
    {"title": "That's all, thanks", "payload": "/goodbye"},
]
REPORT_BUTTON = {"title": "Report it here", "payload": "/file_report"}
DANGER_QUESTIONS = ("danger_now", "happening_now")
_HAPPENING_NOW = re.compile(r"\b(?:right now|happening now|at the moment|as we speak|currently|rn)\b")


def current_answers(tracker: Tracker) -> dict[str, Any]:
    return {slot: tracker.get_slot(slot) for slot in ANSWERS}


def prefilled_answers(
    need: str, text: str, entities: list[dict[str, Any]], about_known: str | None = None
) -> dict[str, Any]:
    """Answers the message itself already gives, so the bot doesn't ask what it was told.

    Never "is anyone in danger": the bot always asks that when it matters. A mention of children
    makes the person at risk a child only when the children are who it is about: "me and my two
    kids have nowhere to sleep" is a parent speaking, and a parent is not a child.
    """
    filled: dict[str, Any] = {}
    about = read.about_in_message(text) or about_known
    parent = read.speaks_as_parent(text)
    at_risk = {entity.get("value") for entity in entities if entity.get("entity") == "at_risk"}
    if at_risk & {"child", "teenager"} and (not parent or about == "other"):
        filled["age_group"] = "child"
    elif "elderly" in at_risk or (parent and about == "self"):
        filled["age_group"] = "adult"
    if about:
        filled["about"] = about
    if _HAPPENING_NOW.search(read.plain_words(text)):
        filled["happening_now"] = "yes"
    if read.nowhere_tonight(text):
        filled["homeless_tonight"] = "yes"
    return filled


def opening_message(tracker: Tracker) -> str:
    """What the resident said that started the need now being answered."""
    opening = last_said = ""
    for event in tracker.events:
        if event.get("event") == "user":
            last_said = event.get("text") or ""
        elif event.get("event") == "action" and event.get("name") == "action_start_signpost":
            opening = last_said
    return opening


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
        # Two needs in one message: the more urgent first, the other named in the same reply.
        doors = signposting.doors(need, (message.get("story") or {}).get("needs") or [], text)
        need = doors.first or need
        filled = prefilled_answers(need, text, message.get("entities") or [])
        continues_story = need == tracker.get_slot(NEXT_NEED_SLOT)
        if continues_story:
            # The need offered next, taken up: the same person and the same story, so what they said
            # of who it is about, and what the story already told, is not asked again.
            about = tracker.get_slot("about")
            told = prefilled_answers(need, opening_message(tracker), [], about_known=about)
            filled = {**told, **({"about": about} if about else {}), **filled}
        events: list[EventType] = [
            SlotSet(NEED_SLOT, need),
            SlotSet(OTHER_NEEDS_SLOT, list(doors.also)),
            SlotSet(NEXT_NEED_SLOT, doors.next),
            SlotSet(LIKELY_NEEDS_SLOT, likely_needs(tracker, message, doors, continues_story)),
            *reading_check(message, need, doors.next),
        ]
        events += [SlotSet(slot, filled.get(slot)) for slot in ANSWERS]
        wants_report = need in signposting.needs_with_report("incident") and asks_to_report(text)
        return [*events, SlotSet(WANTS_REPORT_SLOT, wants_report or None), *reset_form_slots()]


def likely_needs(tracker: Tracker, message: dict[str, Any], doors: Doors, continues_story: bool = False) -> list[str]:
    """The needs to offer as buttons when this answer ends: read from a typed message. A button
    tapped (a need offered, or the menu), or the need offered next typed by its name, keeps those
    its story's first message gave; the need just answered is never offered again."""
    answered = tracker.get_slot(NEED_SLOT)
    if continues_story or str(message.get("text") or "").startswith("/"):
        kept = tracker.get_slot(LIKELY_NEEDS_SLOT) or []
        return [name for name in kept if name not in doors.all and name != answered]
    ranking = [entry.get("name") for entry in message.get("intent_ranking") or [] if isinstance(entry, dict)]
    return list(default_signposting().likely_needs([name for name in ranking if name != answered], doors))


def reading_check(message: dict[str, Any], need: str, following: str | None = None) -> list[EventType]:
    """Whether to check the bot's reading before the need's questions: a typed message (a button
    is sure) read with a confidence below signposting.yml's `check_reading`, never an emergency.
    A message read as two needs shares its confidence between them: their sum is the reading's."""
    signposting = default_signposting()
    typed = not str(message.get("text") or "").startswith("/")
    confidences = {e.get("name"): e.get("confidence") or 0 for e in message.get("intent_ranking") or []}
    confidence = ((message.get("intent") or {}).get("confidence") or 0) + confidences.get(following, 0)
    unsure = typed and need != "emergency" and confidence < signposting.check_reading
    if not unsure:
        return [SlotSet(NEED_CHECK_SLOT, CHECKED), SlotSet(NEED_CANDIDATES_SLOT, None)]
    ranking = [entry.get("name") for entry in message.get("intent_ranking") or []]
    others = [name for name in ranking if name in signposting.needs and name not in (need, "emergency")]
    return [SlotSet(NEED_CHECK_SLOT, None), SlotSet(NEED_CANDIDATES_SLOT, others[:MAX_CANDIDATES])]


def read_check(value: Any, tracker: Tracker) -> Answer:
    """The answer to "Is this about: <need>?": yes; another need (its button, or its name); or no,
    something else (the menu follows)."""
    words = read.plain_words(value).strip(" .!?")
    needs = default_signposting().needs
    chosen = words.removeprefix("/")
    # A need's button words typed ("homelessness", "anti-social behaviour") choose it too.
    named = {read.plain_words(w): name for name, need in needs.items() for w in (need.title, need.button) if w}
    chosen = named.get(chosen, chosen)
    if chosen in needs and chosen != "emergency":
        return Answer({NEED_CHECK_SLOT: CHECKED, NEED_SLOT: chosen})
    if chosen in ("help", "something else", "none of these") or read.yes_no(words) == read.NO:
        return Answer({NEED_CHECK_SLOT: NOT_THIS, NEED_SLOT: None, STOP_SLOT: True})
    if read.yes_no(words) == read.YES:
        return Answer({NEED_CHECK_SLOT: CHECKED})
    return Answer({NEED_CHECK_SLOT: None}, "not_understood")


class ValidateSignpostForm(PatientFormValidation):
    def name(self) -> str:
        return "validate_signpost_form"

    def questions(self, tracker: Tracker) -> list[str]:
        signposting, answers = default_signposting(), current_answers(tracker)
        need = tracker.get_slot(NEED_SLOT)
        questions = signposting.questions_for(need, answers)
        # Needs the message named, answered in the same reply, are answered for this resident too:
        # "the bailiffs are coming" beside a noise complaint is housing advice for them, not StreetLink's
        # for someone seen sleeping rough, so who it is about (and, for them, tonight) is asked as well.
        # Not danger or "is it happening now": those are the first need's to ask, and would turn the
        # named need's part of the reply into 999 on an answer to another question.
        for other in tracker.get_slot(OTHER_NEEDS_SLOT) or []:
            questions += [
                question
                for question in signposting.questions_for(other, answers)
                if question not in questions and question not in DANGER_QUESTIONS
            ]
        if tracker.get_slot(WANTS_REPORT_SLOT):
            questions = [question for question in questions if question == "danger_now"]
        # Only when starting the need found its reading unsure (it then lists the other candidates),
        # until the check is answered (a typed answer sits in the slot until it is read).
        unsure = tracker.get_slot(NEED_CANDIDATES_SLOT) is not None
        if unsure and tracker.get_slot(NEED_CHECK_SLOT) not in (CHECKED, NOT_THIS):
            return [NEED_CHECK_SLOT, *questions]
        return questions

    def after_danger(self, tracker: Tracker) -> dict[str, Any]:
        # Someone is in danger now: no more questions, and the reply after 999 says what next.
        return {"danger_now": "yes", STOP_SLOT: True}

    def after_cancel(self, slot: str) -> dict[str, Any]:
        # "Stop" ends the questions; the resident still gets the best door for what they said.
        return {STOP_SLOT: True}

    def problem_message(self, problem: str, language: str | None = None) -> str:
        return default_signposting().messages[problem]  # said through speak(), which translates it

    def after_two_tries(self, slot: str, value: Any) -> Answer:
        # No third time: the resident gets the best door for what they have said.
        return Answer({slot: None, STOP_SLOT: True}, "gave_up")

    def _read(self, slot: str, value: Any, reader, dispatcher: CollectingDispatcher, tracker) -> dict[str, Any]:
        # Values the bot filled in itself (from the first message) are already in their final form.
        return self.read(slot, value, lambda v: v if v in ANSWERS[slot] else reader(v), dispatcher, tracker)

    def validate_need_check(self, value, dispatcher, tracker, domain):
        return self.read(NEED_CHECK_SLOT, value, lambda v: read_check(v, tracker), dispatcher, tracker)

    def validate_danger_now(self, value, dispatcher, tracker, domain):
        result = self._read("danger_now", value, read.yes_no, dispatcher, tracker)
        if result["danger_now"] == "yes":
            # 999 before anything else; the signposting reply then repeats it.
            dispatcher.utter_message(response="utter_emergency")
            return {**result, "requested_slot": None}
        return result

    def validate_happening_now(self, value, dispatcher, tracker, domain):
        return self._read("happening_now", value, read.yes_no, dispatcher, tracker)

    def validate_about(self, value, dispatcher, tracker, domain):
        result = self._read("about", value, read.about_whom, dispatcher, tracker)
        # "Me", from someone who spoke of their own children: a parent, so not "Are you under 18?".
        parent = read.speaks_as_parent(opening_message(tracker))
        if result.get("about") == "self" and not tracker.get_slot("age_group") and parent:
            result = {**result, "age_group": "adult"}
        return result

    def validate_age_group(self, value, dispatcher, tracker, domain):
        return self._read("age_group", value, read.age_group, dispatcher, tracker)

    def validate_homeless_tonight(self, value, dispatcher, tracker, domain):
        return self._read("homeless_tonight", value, read.homeless_tonight, dispatcher, tracker)


def need_buttons(tracker: Tracker) -> list[dict[str, str]]:
    """The second need the message told, to go on to with its own questions (its menu button's words),
    then the needs read likeliest after it, up to `offer_likely` buttons of needs in all."""
    signposting = default_signposting()
    offered = signposting.needs_offered(tracker.get_slot(NEXT_NEED_SLOT), tracker.get_slot(LIKELY_NEEDS_SLOT) or [])
    return [{"title": signposting.needs[name].button, "payload": f"/{name}"} for name in offered]


def anything_else(tracker: Tracker) -> str:
    """ "Is there anything else I can help with?", or, when the message told a second need, an offer of it."""
    signposting = default_signposting()
    following = tracker.get_slot(NEXT_NEED_SLOT)
    if following not in signposting.needs:
        return signposting.messages["anything_else"]
    translations, language = default_translations(), resident_language(tracker)
    title = signposting.needs[following].title
    title = translations.say(title, language) if language == "bn" else title.lower()
    return translations.say(signposting.messages["next_need"], language).format(title=title)


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
            speak(dispatcher, tracker, signposting.messages["after_emergency"], NEXT_STEP_BUTTONS)
            return reset_form_slots()
        if tracker.get_slot(WANTS_REPORT_SLOT) and signposting.needs[need].reportable:
            # They asked to report: the report begins now (its first words give 101 and 999).
            return [*begin_report(dispatcher, tracker), FollowupAction("report_form")]
        reply = signposting.reply(
            need, answers, other_needs=tracker.get_slot(OTHER_NEEDS_SLOT) or [], language=resident_language(tracker)
        )
        speak(dispatcher, tracker, reply.text)
        # A report made in the chat counts toward the case review (the need's `report` in signposting.yml).
        buttons = [*need_buttons(tracker), *([REPORT_BUTTON] if signposting.needs[need].reportable else [])]
        speak(dispatcher, tracker, anything_else(tracker), [*buttons, *NEXT_STEP_BUTTONS])
        if signposting.needs[need].offer_a_person:  # a disclosure: a person is offered beside the services
            offer_a_person(dispatcher, tracker)
        return reset_form_slots()


class ActionOfferWhenSafe(Action):
    """After 999 (utter_emergency, said first and without this server), the needs the message's story
    told, as buttons for when everyone is safe, so a resident never has to tell it all again."""

    def name(self) -> str:
        return "action_offer_when_safe"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        signposting = default_signposting()
        message = tracker.latest_message or {}
        read = (message.get("story") or {}).get("needs") or []
        needs = signposting.doors("emergency", read, message.get("text") or "").when_safe
        if needs:
            buttons = [{"title": signposting.needs[need].button, "payload": f"/{need}"} for need in needs]
            speak(dispatcher, tracker, signposting.messages["when_safe"], buttons)
        return []
