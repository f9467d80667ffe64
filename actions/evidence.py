"""Evidence in the conversation: a file the channel has kept (its metadata says which), answered
with what was received, what was kept and what happens next; or, asked about in words, how to send
one, and for which report ("add photos to ASB-2026-00042": one of the resident's own open reports)."""

from __future__ import annotations

import logging
import re

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from actions.languages import resident_language, tell
from actions.questions import REPORTED_SLOT
from community_safety.channels import channel_and_user, conversation_key
from community_safety.evidence.intake import Limits, link_waiting, waiting_for
from community_safety.evidence.kinds import KIND_WORDS
from community_safety.records.database import session_scope
from community_safety.records.models import Report
from community_safety.records.reports import reports_of
from community_safety.records.statuses import OPEN_STATUSES
from community_safety.settings import settings
from community_safety.translations import default_translations

logger = logging.getLogger(__name__)
REPORT_FORM = "report_form"
REPORT_BUTTON = {"title": "Report anti-social behaviour", "payload": "/file_report"}
# The report the resident chose to add files to ("add this to ASB-2026-00042").
EVIDENCE_REPORT_SLOT = "evidence_report"
REFERENCE = re.compile(r"\b([A-Za-z]{2,5}) ?- ?(\d{4}) ?- ?(\d{1,6})\b")
# Words asking to add to a report already made, without saying which.
ABOUT_A_REPORT = re.compile(r"report|riport|রিপোর্ট|\b(?:case|complaint|reference)\b")
CHOICES = 3  # the resident's latest open reports offered as buttons


def _own_report(db, reference: str, sender: str, filed_here: bool = False) -> Report | None:
    """The resident's own report ``reference``: linked to them on this channel; or, anonymous, only
    the one this conversation has just filed (``filed_here``: nothing else shows it is theirs)."""
    report = db.execute(select(Report).where(Report.reference == reference)).scalar_one_or_none()
    if report is None:
        return None
    channel, user = channel_and_user(sender)
    if report.channel != channel:
        return None
    if report.anonymous:
        return report if filed_here else None
    return report if report.resident is not None and report.resident.channel_user_id == user else None


def named_reference(message: dict) -> str | None:
    """The report reference a message names: a button's entity, or typed ("asb-2026-42" too)."""
    for entity in message.get("entities") or []:
        if entity.get("entity") == "reference" and entity.get("value"):
            found = REFERENCE.search(str(entity["value"]))
            if found:
                break
    else:
        found = REFERENCE.search(message.get("text") or "")
    return f"{found[1].upper()}-{found[2]}-{int(found[3]):05d}" if found else None


class ActionEvidence(Action):
    def name(self) -> str:
        return "action_evidence"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        message = tracker.latest_message or {}
        if sent_evidence(message):
            acknowledge(dispatcher, tracker)
            return []
        reference = named_reference(message)
        try:
            if reference:
                return choose_report(dispatcher, tracker, reference)
            if ABOUT_A_REPORT.search((message.get("text") or "").lower()) and which_report(dispatcher, tracker):
                return []
        except SQLAlchemyError as error:
            logger.error("reports could not be read for evidence: %s", type(error).__name__)
        config = settings()
        tell(dispatcher, tracker, "evidence_how", megabytes=f"{config.evidence_max_file_mb:g}",
             files=config.evidence_max_files_per_report)  # fmt: skip
        return []


def choose_report(dispatcher: CollectingDispatcher, tracker: Tracker, reference: str) -> list[EventType]:
    """Files sent next go to ``reference``, when it is the resident's own and still open."""
    linked = 0
    with session_scope() as db:
        report = _own_report(db, reference, tracker.sender_id, reference == tracker.get_slot(REPORTED_SLOT))
        taking = report is not None and report.status in OPEN_STATUSES
        if taking:
            # Files sent before they said which report: they go to it now, as far as it has room.
            linked = link_waiting(db, conversation_key(tracker.sender_id), report, Limits.from_settings(settings()))
    if report is None:
        tell(dispatcher, tracker, "evidence_report_not_found", reference=reference)
        return []
    if not taking:
        tell(dispatcher, tracker, "evidence_report_closed", reference=reference)
        return []
    tell(dispatcher, tracker, "evidence_for_report", reference=reference)
    if linked:
        tell(dispatcher, tracker, "evidence_added_waiting", count=linked)
    return [SlotSet(EVIDENCE_REPORT_SLOT, reference)]


def report_buttons(tracker: Tracker) -> list[dict[str, str]]:
    """The resident's latest open reports, newest first, each a button that sends files to it."""
    channel, user = channel_and_user(tracker.sender_id)
    with session_scope() as db:
        references = [r.reference for r in reports_of(db, channel, user) if r.status in OPEN_STATUSES]
    return [
        {"title": reference, "payload": f'/send_evidence{{"reference": "{reference}"}}'}
        for reference in reversed(references[-CHOICES:])
    ]


def which_report(dispatcher: CollectingDispatcher, tracker: Tracker) -> bool:
    """ "Can I add photos to my report?": their latest open reports to choose from, if they have any."""
    buttons = report_buttons(tracker)
    if buttons:
        tell(dispatcher, tracker, "evidence_which_report", buttons)
    return bool(buttons)


def sent_evidence(message: dict) -> dict | None:
    """The file the channel kept, when this message is the channel telling the bot of one."""
    sent = (message.get("metadata") or {}).get("evidence")
    return sent if isinstance(sent, dict) and (message.get("text") or "").startswith("/") else None


def acknowledge(dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
    """What was received, what was kept and what happens next: with the report being made, added
    to the report just made, or waiting for one."""
    sent = sent_evidence(tracker.latest_message or {}) or {}
    kind = default_translations().say(KIND_WORDS.get(str(sent.get("kind")), "file"), resident_language(tracker))
    if tracker.active_loop_name == REPORT_FORM:
        tell(dispatcher, tracker, "evidence_for_this_report", kind=kind)
        return
    filed_here = tracker.get_slot(REPORTED_SLOT)
    # The report they chose to add to comes before the one just filed.
    reference = tracker.get_slot(EVIDENCE_REPORT_SLOT) or filed_here
    if reference:
        key = conversation_key(tracker.sender_id)
        try:
            with session_scope() as db:
                report = _own_report(db, reference, tracker.sender_id, reference == filed_here)
                if report is not None:
                    link_waiting(db, key, report, Limits.from_settings(settings()))
                    left = len(waiting_for(db, key))
        except SQLAlchemyError as error:
            logger.error("evidence could not be added to its report: %s", type(error).__name__)
            report = None
        if report is not None and left:
            tell(dispatcher, tracker, "evidence_report_full", reference=reference,
                 files=settings().evidence_max_files_per_report)  # fmt: skip
            return
        if report is not None:
            tell(dispatcher, tracker, "evidence_added", kind=kind, reference=reference)
            return
    tell(dispatcher, tracker, "evidence_waiting", [REPORT_BUTTON], kind=kind)
    try:
        choices = report_buttons(tracker)
    except SQLAlchemyError as error:
        logger.error("reports could not be read for evidence: %s", type(error).__name__)
        choices = []
    if choices:
        # A resident with a report still open may well mean it for that one.
        tell(dispatcher, tracker, "evidence_or_add", choices)
