"""Evidence in the conversation: a file the channel has kept (its metadata says which), answered
with what was received, what was kept and what happens next; or, asked about in words, how to send one."""

from __future__ import annotations

import logging

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from actions.languages import resident_language, tell
from actions.questions import REPORTED_SLOT
from community_safety.channels import channel_and_user, conversation_key
from community_safety.evidence.intake import link_waiting
from community_safety.evidence.kinds import KIND_WORDS
from community_safety.records.database import session_scope
from community_safety.records.models import Report
from community_safety.settings import settings
from community_safety.translations import default_translations

logger = logging.getLogger(__name__)
REPORT_FORM = "report_form"
REPORT_BUTTON = {"title": "Report anti-social behaviour", "payload": "/file_report"}


def _own_report(db, reference: str, sender: str) -> Report | None:
    """The report this conversation filed: named, it is the resident's own; anonymous, the
    conversation's slot is the only link there is (and it is the same conversation)."""
    report = db.execute(select(Report).where(Report.reference == reference)).scalar_one_or_none()
    if report is None:
        return None
    channel, user = channel_and_user(sender)
    if report.anonymous or (report.resident is not None and report.resident.channel_user_id == user):
        return report if report.channel == channel else None
    return None


class ActionEvidence(Action):
    def name(self) -> str:
        return "action_evidence"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        if not sent_evidence(tracker.latest_message or {}):
            config = settings()
            tell(dispatcher, tracker, "evidence_how", megabytes=f"{config.evidence_max_file_mb:g}",
                 files=config.evidence_max_files_per_report)  # fmt: skip
            return []
        acknowledge(dispatcher, tracker)
        return []


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
    reference = tracker.get_slot(REPORTED_SLOT)
    if reference:
        try:
            with session_scope() as db:
                report = _own_report(db, reference, tracker.sender_id)
                if report is not None:
                    link_waiting(db, conversation_key(tracker.sender_id), report)
        except SQLAlchemyError as error:
            logger.error("evidence could not be added to its report: %s", type(error).__name__)
            report = None
        if report is not None:
            tell(dispatcher, tracker, "evidence_added", kind=kind, reference=reference)
            return
    tell(dispatcher, tracker, "evidence_waiting", [REPORT_BUTTON], kind=kind)
