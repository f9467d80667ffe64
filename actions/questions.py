"""Forms ask their questions through these actions, in the words of the staff-edited files.

One small action per slot, as Rasa's forms look for `action_ask_<slot>`: the slot is the
action's name without `action_ask_`.
"""

from __future__ import annotations

from abc import ABC, abstractmethod

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.languages import resident_language, speak
from community_safety.live_chat.config import default_live_chat
from community_safety.reporting import default_reporting
from community_safety.signposting import ANSWERS, Prompt, default_signposting
from rasa_patches.markers import ASKED_IN_VALIDATION


class AskQuestion(Action, ABC):
    @abstractmethod
    def name(self) -> str:
        raise NotImplementedError

    @property
    def slot(self) -> str:
        return self.name().removeprefix("action_ask_")

    @abstractmethod
    def prompt(self, tracker: Tracker) -> Prompt:
        raise NotImplementedError

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        self.ask(dispatcher, tracker)
        return []

    def ask(self, dispatcher: CollectingDispatcher, tracker: Tracker, from_validation: bool = False) -> None:
        """The question, with its buttons. Asked from a form's validation, it is marked so that Rasa's
        form doesn't call this action for it again (rasa_patches/forms.py)."""
        prompt = self.prompt(tracker)
        marks = {ASKED_IN_VALIDATION: self.slot} if from_validation else {}
        speak(dispatcher, tracker, prompt.text, prompt.as_buttons(), **marks)


class AskSignpostQuestion(AskQuestion, ABC):
    def prompt(self, tracker: Tracker) -> Prompt:
        return default_signposting().question(self.slot, {slot: tracker.get_slot(slot) for slot in ANSWERS})


class AskReportQuestion(AskQuestion, ABC):
    def prompt(self, tracker: Tracker) -> Prompt:
        return default_reporting().prompt(self.slot, tracker.slots, resident_language(tracker))


# The signposting questions (community_safety/data/signposting.yml, `questions`).
class AskDangerNow(AskSignpostQuestion):
    def name(self) -> str:
        return "action_ask_danger_now"


class AskHappeningNow(AskSignpostQuestion):
    def name(self) -> str:
        return "action_ask_happening_now"


class AskAbout(AskSignpostQuestion):
    def name(self) -> str:
        return "action_ask_about"


class AskAgeGroup(AskSignpostQuestion):
    def name(self) -> str:
        return "action_ask_age_group"


class AskHomelessTonight(AskSignpostQuestion):
    def name(self) -> str:
        return "action_ask_homeless_tonight"


NEED_SLOT = "need"
REPORTED_SLOT = "report_filed"  # the reference of the report this conversation just filed
NEED_CANDIDATES_SLOT = "need_candidates"  # the next likeliest needs, offered when the bot checks its reading


def check_buttons(tracker: Tracker) -> list[dict[str, str]]:
    needs = default_signposting().needs
    others = [name for name in tracker.get_slot(NEED_CANDIDATES_SLOT) or [] if name in needs]
    return [
        {"title": "Yes", "payload": "yes"},
        *({"title": needs[name].title, "payload": f"/{name}"} for name in others),
        {"title": "Something else", "payload": "/help"},
    ]


class AskNeedCheck(AskQuestion):
    """ "Let me check I've understood. Is this about: Homelessness or rough sleeping?", with the
    next likeliest needs as buttons (actions/signposting.py, reading_check)."""

    def name(self) -> str:
        return "action_ask_need_check"

    def prompt(self, tracker: Tracker) -> Prompt:
        signposting = default_signposting()
        need = signposting.needs.get(tracker.get_slot(NEED_SLOT))
        title = need.title if need else ""
        buttons = tuple((b["title"], b["payload"]) for b in check_buttons(tracker))
        return Prompt(f"{signposting.messages['check_need']}\n{title}", buttons)


# The report's questions (community_safety/data/reporting.yml, `questions`).
class AskReportDescription(AskReportQuestion):
    def name(self) -> str:
        return "action_ask_report_description"


class AskReportLocation(AskReportQuestion):
    def name(self) -> str:
        return "action_ask_report_location"


class AskReportWhen(AskReportQuestion):
    def name(self) -> str:
        return "action_ask_report_when"


class AskReportPeople(AskReportQuestion):
    def name(self) -> str:
        return "action_ask_report_people"


class AskReportTargeted(AskReportQuestion):
    def name(self) -> str:
        return "action_ask_report_targeted"


class AskReportHate(AskReportQuestion):
    def name(self) -> str:
        return "action_ask_report_hate"


class AskReportHealth(AskReportQuestion):
    def name(self) -> str:
        return "action_ask_report_health"


class AskReportChildren(AskReportQuestion):
    def name(self) -> str:
        return "action_ask_report_children"


class AskReportSafeAtHome(AskReportQuestion):
    def name(self) -> str:
        return "action_ask_report_safe_at_home"


class AskReportAgencies(AskReportQuestion):
    def name(self) -> str:
        return "action_ask_report_agencies"


class AskReportEvidence(AskReportQuestion):
    def name(self) -> str:
        return "action_ask_report_evidence"


class AskReportAnonymous(AskReportQuestion):
    def name(self) -> str:
        return "action_ask_report_anonymous"


class AskReportContact(AskReportQuestion):
    def name(self) -> str:
        return "action_ask_report_contact"


class AskReportConfirm(AskReportQuestion):
    def name(self) -> str:
        return "action_ask_report_confirm"


class AskReportChange(AskReportQuestion):
    def name(self) -> str:
        return "action_ask_report_change"


class AskCallbackQuestion(AskQuestion, ABC):
    BUTTONS: tuple[tuple[str, str], ...] = ()

    def prompt(self, tracker: Tracker) -> Prompt:
        messages = default_live_chat().messages
        return Prompt(
            messages[f"ask_{self.slot}"], tuple((messages[title], payload) for title, payload in self.BUTTONS)
        )


# The call-back request's questions (community_safety/data/live_chat.yml, `ask_callback_*`).
class AskCallbackPhone(AskCallbackQuestion):
    def name(self) -> str:
        return "action_ask_callback_phone"


class AskCallbackTime(AskCallbackQuestion):
    def name(self) -> str:
        return "action_ask_callback_time"


class AskCallbackConsent(AskCallbackQuestion):
    BUTTONS = (("callback_yes_button", "yes"), ("callback_no_button", "no"))

    def name(self) -> str:
        return "action_ask_callback_consent"


def question_for(slot: str) -> AskQuestion | None:
    """The ask action for a slot, as Rasa's forms find it (``action_ask_<slot>``)."""
    return QUESTIONS.get(slot)


def _every_question(cls: type[AskQuestion]) -> list[type[AskQuestion]]:
    return [c for sub in cls.__subclasses__() for c in (sub, *_every_question(sub))]


QUESTIONS = {
    question.slot: question
    for question in (cls() for cls in _every_question(AskQuestion) if not getattr(cls, "__abstractmethods__", None))
}
