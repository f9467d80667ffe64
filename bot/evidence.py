"""The channels' side of evidence: a file a resident sent, kept for their conversation (the
report they are making, or have just made, takes it) and the bot told; or refused, with words that
say why and what to do, the conversation going on. Used by the Telegram bridge and the widget."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy.exc import SQLAlchemyError

from bot.messages import channel_messages
from community_safety.channels import conversation_key
from community_safety.evidence.intake import Limits, receive
from community_safety.evidence.kinds import DAMAGED, EMPTY, NOT_TAKEN, TOO_BIG, TOO_MANY, EvidenceRefused
from community_safety.evidence.storage import EvidenceStoreError, evidence_store
from community_safety.records.database import session_scope
from community_safety.settings import settings
from community_safety.translations import default_translations

log = logging.getLogger(__name__)
REFUSALS = {
    EMPTY: "evidence_not_taken",
    NOT_TAKEN: "evidence_not_taken",
    DAMAGED: "evidence_damaged",
    TOO_BIG: "evidence_too_big",
    TOO_MANY: "evidence_too_many",
}


@dataclass(frozen=True)
class Received:
    """Kept (``metadata`` for the bot's message) or not (``refusal``: which message says why)."""

    metadata: dict | None = None
    refusal: str | None = None


def limits() -> Limits:
    return Limits.from_settings(settings())


def refusal_words(name: str, language: str | None = None) -> str:
    """The refusal ``name`` (bot/messages.yml) in the resident's language, with the limits in it."""
    config = settings()
    return (
        default_translations()
        .say(channel_messages()[name], language)
        .format(megabytes=f"{config.evidence_max_file_mb:g}", files=config.evidence_max_files_per_report)
    )


def keep_for_conversation(sender: str, data: bytes, channel: str) -> Received:
    """Check, clean and keep one file for the conversation ``sender`` (blocking: run in a thread)."""
    try:
        with session_scope() as db:
            evidence = receive(
                db,
                evidence_store(settings()),
                data,
                channel=channel,
                limits=limits(),
                conversation_key=conversation_key(sender),
            )
            return Received(metadata={"evidence": {"id": evidence.public_id, "kind": evidence.kind}})
    except EvidenceRefused as refused:
        log.info("Evidence refused: %s", refused.reason)
        return Received(refusal=REFUSALS.get(refused.reason, "evidence_not_taken"))
    except (EvidenceStoreError, SQLAlchemyError, OSError) as error:
        # Nothing is half kept: the store and the record go together or not at all.
        log.error("Evidence could not be kept: %s", type(error).__name__)
        return Received(refusal="evidence_not_kept")
