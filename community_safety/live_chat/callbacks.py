"""Call-back requests: when nobody can chat, a resident leaves a number and a time that is safe
to call, with their consent. They land in the same staff queue as the live chats."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from community_safety.answers import NO, YES, Answer, plain_words, yes_no
from community_safety.channels import channel_and_user
from community_safety.records.models import CallbackRequest, utcnow
from community_safety.records.reports import find_or_create_resident, reference

PREFIX = "CB"
SLOTS = ("callback_phone", "callback_time", "callback_consent")
# UK numbers: 11 digits from 0, or +44 and 10 more; spaces, brackets and dashes as people write them.
_UK_PHONE = re.compile(r"^(?:0\d{10}|44\d{10})$")
_BENGALI_DIGITS = str.maketrans("০১২৩৪৫৬৭৮৯", "0123456789")
MAX_TIME = 200


def read_phone(value: Any) -> Answer:
    text = plain_words(value).translate(_BENGALI_DIGITS)
    digits = re.sub(r"[\s()\-.]", "", text).removeprefix("+")
    if not digits.isdigit() or not _UK_PHONE.match(digits):
        return Answer({"callback_phone": None}, "callback_bad_phone")
    if digits.startswith("44"):
        digits = "0" + digits[2:]
    national = f"{digits[:3]} {digits[3:7]} {digits[7:]}" if digits.startswith("02") else f"{digits[:5]} {digits[5:]}"
    return Answer({"callback_phone": national})


def read_safe_time(value: Any) -> Answer:
    words = " ".join(str(value or "").split())[:MAX_TIME]
    return Answer.of("callback_time", words or None)


def read_consent(value: Any) -> Answer:
    said = plain_words(value)
    if said.startswith("yes") or yes_no(said) == YES:
        return Answer({"callback_consent": YES})
    if said.startswith("no") or yes_no(said) == NO:
        return Answer({"callback_consent": NO})
    return Answer({"callback_consent": None}, "not_understood")


def file_callback(
    session: Session,
    *,
    sender: str,
    submission_key: str,
    phone: str,
    safe_time: str,
    need: str | None,
    language: str,
    now: dt.datetime | None = None,
) -> CallbackRequest:
    """Kept once, however often the action is retried."""
    existing = session.execute(
        select(CallbackRequest).where(CallbackRequest.submission_key == submission_key)
    ).scalar_one_or_none()
    if existing:
        return existing
    channel, user = channel_and_user(sender)
    now = now or utcnow()
    request = CallbackRequest(
        submission_key=submission_key,
        resident=find_or_create_resident(session, channel, user),
        sender=sender,
        channel=channel,
        need=need,
        language=language,
        phone=phone,
        safe_time=safe_time,
        consented_at=now,
        created_at=now,
    )
    session.add(request)
    session.flush()
    request.reference = reference(PREFIX, request.created_at.year, request.id)
    session.flush()
    return request


def open_callbacks(session: Session) -> list[CallbackRequest]:
    return list(
        session.execute(
            select(CallbackRequest).where(CallbackRequest.state == "open").order_by(CallbackRequest.created_at)
        ).scalars()
    )
