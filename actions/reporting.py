"""Reporting actions: the ASB report form, filing it, its status, and the case review."""

from __future__ import annotations

import hmac
import logging
from functools import partial
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy.exc import SQLAlchemyError

from actions.evidence import EVIDENCE_REPORT_SLOT
from actions.forms import STOP_SLOT, PatientFormValidation, reset_form_slots
from actions.languages import resident_language, tell
from actions.questions import NEED_SLOT, REPORTED_SLOT
from community_safety import reporting as reading
from community_safety.answers import Answer
from community_safety.case_review import default_rules
from community_safety.channels import channel_and_user, conversation_key
from community_safety.evidence.intake import link_waiting, waiting_for
from community_safety.records.database import session_scope
from community_safety.records.reports import (
    file_case_review_application,
    file_report,
    last_update,
    reports_of,
    standing_of,
)
from community_safety.reporting import ALL_SLOTS, MAX_TEXT, QUESTIONS, default_reporting, report_fields
from community_safety.settings import settings
from community_safety.signposting import default_signposting
from community_safety.updates import told_when_asked
from community_safety.wording import day, status_for_resident

logger = logging.getLogger(__name__)
# A first message this long says what happened, and becomes the report's description.
DESCRIPTION_WORDS = 4
PAUSED_SLOT = "report_paused"
FILES_SLOT = "report_files"
CARRY_ON_BUTTON = {"title": "Carry on with my report", "payload": "/file_report"}
TRY_AGAIN_BUTTON = {"title": "Try again", "payload": "/file_report"}
APPLY_BUTTONS = [
    {"title": "Apply for a case review", "payload": "/apply_case_review"},
    {"title": "Not now", "payload": "/deny"},
]


def submission_key(tracker: Tracker, *kind: str) -> str:
    """Names one submission, so that a retried action call files it once, not twice."""
    message = (tracker.latest_message or {}).get("message_id") or len(tracker.events)
    # Keyed, not only hashed: an anonymous report must not carry anything that names the resident,
    # and a plain hash of the sender and message ids could be recomputed from the conversations.
    key = settings().secret_or_kept("submission_key_secret", "submission-key")
    return hmac.new(
        key.encode("utf-8"), ":".join((tracker.sender_id, *kind, str(message))).encode("utf-8"), "sha256"
    ).hexdigest()


def report_slots(tracker: Tracker) -> dict[str, Any]:
    return {slot: tracker.get_slot(slot) for slot in ALL_SLOTS}


def first_report_message(tracker: Tracker) -> dict[str, Any] | None:
    """The resident's own words that led here ("dealers on my landing every night"): the message
    that started the signposting just before, if no report has been filed or cancelled since."""
    next_action = None
    for event in reversed(tracker.events):
        if event.get("event") == "action":
            if event.get("name") == "action_submit_report":
                return None
            next_action = event.get("name")
        elif event.get("event") == "user":
            intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
            text = event.get("text") or ""
            if next_action == "action_start_signpost":
                if (
                    intent in default_signposting().needs_with_report("incident")
                    and not text.startswith("/")
                    and len(text.split()) >= DESCRIPTION_WORDS
                ):
                    return event
                return None
    return None


class ActionStartReport(Action):
    def name(self) -> str:
        return "action_start_report"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        return begin_report(dispatcher, tracker)


def begin_report(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
    """A new report, from what the resident already said; or the one they left, where they left it."""
    slots = report_slots(tracker)
    if any(slots.get(q) is not None for q in QUESTIONS) and not tracker.get_slot(REPORTED_SLOT):
        tell(dispatcher, tracker, "resumed")
        return [SlotSet(PAUSED_SLOT, None)] + reset_form_slots()
    events: list[EventType] = [SlotSet(slot, None) for slot in ALL_SLOTS] + [SlotSet(REPORTED_SLOT, None)]
    first = first_report_message(tracker)
    if first:
        entities = (first.get("parse_data") or {}).get("entities") or []
        places = [e["value"] for e in entities if e.get("entity") in ("place", "postcode")]
        if places:
            events.append(SlotSet("report_location", ", ".join(places)))
        # "I want to report noisy neighbours" names the trouble but doesn't say what happened: ask.
        if len(reading.without_the_asking(first["text"]).split()) >= DESCRIPTION_WORDS:
            events.append(SlotSet("report_description", first["text"][:MAX_TEXT]))
    waiting = files_waiting(tracker)
    if waiting:
        # Sent before the report began: the evidence question says how many it has already.
        events.append(SlotSet(FILES_SLOT, waiting))
    tell(dispatcher, tracker, "started")
    return events + reset_form_slots()


def files_waiting(tracker: Tracker) -> int:
    """Files this conversation sent that wait for a report (none known if the database can't say)."""
    try:
        with session_scope() as session:
            return len(waiting_for(session, conversation_key(tracker.sender_id)))
    except SQLAlchemyError as error:
        logger.warning("files waiting could not be counted: %s", type(error).__name__)
        return 0


class ValidateReportForm(PatientFormValidation):
    def name(self) -> str:
        return "validate_report_form"

    def questions(self, tracker: Tracker) -> list[str]:
        category = default_signposting().report_category(tracker.get_slot(NEED_SLOT))
        return default_reporting().questions_to_ask(report_slots(tracker), skip=category.skip_questions)

    def after_danger(self, tracker: Tracker) -> dict[str, Any]:
        # The answers so far wait for when they're safe.
        return {PAUSED_SLOT: True, STOP_SLOT: True}

    def after_cancel(self, slot: str) -> dict[str, Any]:
        return {"report_confirm": "cancel", STOP_SLOT: True}

    def problem_message(self, problem: str, language: str | None = None) -> str:
        return default_reporting().say(problem, language, limit=MAX_TEXT)

    def after_two_tries(self, slot: str, value: Any) -> Answer:
        if slot == "report_confirm":
            # Never sent without a clear "send", never lost: kept for when they are ready.
            return Answer({slot: None, PAUSED_SLOT: True, STOP_SLOT: True})
        return reading.after_two_tries(slot, value)

    def validate_report_description(self, value, dispatcher, tracker, domain):
        return self.read("report_description", value, reading.read_description, dispatcher, tracker)

    def validate_report_location(self, value, dispatcher, tracker, domain):
        return self.read("report_location", value, reading.read_location, dispatcher, tracker)

    def validate_report_when(self, value, dispatcher, tracker, domain):
        reader = partial(reading.read_when_answer, language=resident_language(tracker))
        return self.read("report_when", value, reader, dispatcher, tracker)

    def validate_report_people(self, value, dispatcher, tracker, domain):
        return self.read("report_people", value, reading.read_people, dispatcher, tracker)

    def validate_report_targeted(self, value, dispatcher, tracker, domain):
        return self.read("report_targeted", value, partial(reading.read_impact, "report_targeted"), dispatcher, tracker)

    def validate_report_hate(self, value, dispatcher, tracker, domain):
        return self.read("report_hate", value, partial(reading.read_impact, "report_hate"), dispatcher, tracker)

    def validate_report_health(self, value, dispatcher, tracker, domain):
        return self.read("report_health", value, partial(reading.read_impact, "report_health"), dispatcher, tracker)

    def validate_report_children(self, value, dispatcher, tracker, domain):
        return self.read("report_children", value, partial(reading.read_impact, "report_children"), dispatcher, tracker)

    def validate_report_safe_at_home(self, value, dispatcher, tracker, domain):
        reader = partial(reading.read_impact, "report_safe_at_home")
        result = self.read("report_safe_at_home", value, reader, dispatcher, tracker)
        if result.get("report_safe_at_home") == "no":
            tell(dispatcher, tracker, "not_safe_at_home")
        return result

    def validate_report_agencies(self, value, dispatcher, tracker, domain):
        return self.read("report_agencies", value, reading.read_agencies, dispatcher, tracker)

    def validate_report_evidence(self, value, dispatcher, tracker, domain):
        reader = partial(reading.read_evidence, files=tracker.get_slot(FILES_SLOT))
        return self.read("report_evidence", value, reader, dispatcher, tracker)

    def after_evidence(self, tracker: Tracker) -> dict[str, Any]:
        # Counted, so the evidence question (asked again after the thanks) says to send more or finish.
        return {FILES_SLOT: int(tracker.get_slot(FILES_SLOT) or 0) + 1}

    def validate_report_anonymous(self, value, dispatcher, tracker, domain):
        return self.read("report_anonymous", value, reading.read_anonymous, dispatcher, tracker)

    def validate_report_contact(self, value, dispatcher, tracker, domain):
        return self.read("report_contact", value, reading.read_contact, dispatcher, tracker)

    def validate_report_confirm(self, value, dispatcher, tracker, domain):
        result = self.read("report_confirm", value, reading.read_confirm, dispatcher, tracker)
        if result.get("report_confirm") in ("send", "cancel"):
            return {**result, "requested_slot": None}
        return result

    def validate_report_change(self, value, dispatcher, tracker, domain):
        return self.read("report_change", value, reading.read_change, dispatcher, tracker)


class ActionSubmitReport(Action):
    """Files the confirmed report, says its reference and where the resident stands."""

    def name(self) -> str:
        return "action_submit_report"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        slots = report_slots(tracker)
        if tracker.get_slot(PAUSED_SLOT):
            tell(dispatcher, tracker, "paused", [CARRY_ON_BUTTON])
            return [SlotSet(PAUSED_SLOT, None)] + reset_form_slots()
        if slots.get("report_confirm") != "send":
            tell(dispatcher, tracker, "cancelled")
            return [SlotSet(slot, None) for slot in ALL_SLOTS] + reset_form_slots()
        channel, user = channel_and_user(tracker.sender_id)
        anonymous = slots.get("report_anonymous") == "anonymous"
        contact = slots.get("report_contact") if slots.get("report_contact") not in (None, "none") else None
        rules = default_rules()
        try:
            with session_scope() as session:
                report = file_report(
                    session,
                    channel=channel,
                    channel_user_id=None if anonymous else user,
                    submission_key=submission_key(tracker),
                    fields={**report_fields(slots), "language": resident_language(tracker)},
                    anonymous=anonymous,
                    contact=contact,
                    need=tracker.get_slot(NEED_SLOT),
                )
                reference = report.reference
                # Files the resident sent while making it go with it (and lose their tie to the chat).
                evidence = link_waiting(session, conversation_key(tracker.sender_id), report)
                # Only anti-social behaviour counts toward the case review (each category says whether it does).
                counted = not anonymous and default_signposting().counts_toward_case_review(report.category)
                current = standing_of(session, channel, user, rules) if counted else None
        except SQLAlchemyError as error:
            # The error's text can hold the report's words: log only what kind of failure it was.
            logger.error("report could not be saved: %s", type(error).__name__)
            tell(dispatcher, tracker, "not_saved", [TRY_AGAIN_BUTTON])
            return [SlotSet("report_confirm", None)] + reset_form_slots()

        if anonymous:
            tell(dispatcher, tracker, "filed_anonymously", reference=reference)
        else:
            tell(dispatcher, tracker, "filed", reference=reference)
        if evidence:
            tell(dispatcher, tracker, "evidence_went_with_it", count=evidence)
        if current is not None:
            window = rules.window_months
            tell(
                dispatcher,
                tracker,
                "standing_count",
                count=current.count,
                plural="" if current.count == 1 else "s",
                window=window,
            )
            if current.eligible:
                tell(
                    dispatcher,
                    tracker,
                    "standing_eligible",
                    APPLY_BUTTONS,
                    reason=current.reason_in(resident_language(tracker)),
                )
            elif current.tell_about_review:
                tell(dispatcher, tracker, "standing_tell", threshold=current.threshold, window=window)
        # Files sent from now go to this report, not one chosen before.
        done = [SlotSet(REPORTED_SLOT, reference), SlotSet(EVIDENCE_REPORT_SLOT, None)]
        return [SlotSet(slot, None) for slot in ALL_SLOTS] + done + reset_form_slots()


class ActionReportStatus(Action):
    """ "What's happening with my report?": each report, its status in plain words, and the latest update."""

    def name(self) -> str:
        return "action_report_status"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        reporting = default_reporting()
        language = resident_language(tracker)
        channel, user = channel_and_user(tracker.sender_id)
        with session_scope() as session:
            lines = []
            for report in reports_of(session, channel, user):
                update = last_update(report)
                values = {
                    "reference": report.reference,
                    "date": day(report.created_at, language),
                    "status": status_for_resident(report.status, language),
                    "updated": day(report.updated_at, language),
                }
                if update and update.to_status != "new":
                    lines.append(reporting.say("report_line_update", language, update=update.resident_update, **values))
                else:
                    lines.append(reporting.say("report_line", language, **values))
            # Told now: the widget need not show these again, and staff see they reached the resident.
            told_when_asked(session, channel, user)
        if lines:
            dispatcher.utter_message(text="\n".join(lines))
        else:
            tell(dispatcher, tracker, "no_reports")
        return []


class ActionApplyCaseReview(Action):
    """Files a case-review application with the resident's report dates and references."""

    def name(self) -> str:
        return "action_apply_case_review"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        channel, user = channel_and_user(tracker.sender_id)
        with session_scope() as session:
            current = standing_of(session, channel, user, default_rules())
            if not current.eligible:
                tell(
                    dispatcher,
                    tracker,
                    "application_not_eligible",
                    reason=current.reason_in(resident_language(tracker)),
                )
                return []
            application = file_case_review_application(
                session,
                channel=channel,
                channel_user_id=user,
                submission_key=submission_key(tracker, "case-review"),
                current=current,
            )
            language = resident_language(tracker)
            evidence = ", ".join(f"{i.reference} ({day(i.reported_on, language)})" for i in current.qualifying)
            tell(dispatcher, tracker, "application_filed", reference=application.reference, evidence=evidence)
        return []
