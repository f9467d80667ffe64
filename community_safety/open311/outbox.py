"""Each report's sending to the casework system: queued with the report, sent once, never lost.

- ``queue`` adds the sending in the transaction that files the report: if the report is stored, so
  is the promise to send it, whatever happens to the endpoint or this process afterwards.
- ``send_due`` claims what is due with a conditional UPDATE (only one sender's succeeds, on SQLite
  and PostgreSQL alike), posts it, and records the answer: the system's reference; a token to
  ask about later; the endpoint down (retried after 30 s, 1, 2, 4... minutes, at most
  ``OPEN311_RETRY_MOST_SECONDS``); or a refusal (4xx), which stops and is shown to staff with the
  system's reasons until an admin sends it again.
- A claim lasts ``lease`` (longer than any one sending); a sender that dies mid-way leaves a claim
  that runs out, and another sender takes the report up. The one gap Open311 leaves open: a system
  that stores a report but never answers (past the timeout) gets it again, as it has no way to say
  "this one you already have".

What is sent (``what_is_sent``): the category's service code, the resident's own words, where
(their words, and a shared map position), our reference and structured answers as ``attribute[...]``,
and contact details only when the resident gave them for this (never for an anonymous report); the
first photo as ``media_url`` when the system is set to receive it (open311/media.py: a signed link
to the copy without hidden details, that expires). The Telegram or web chat id is never sent.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
import socket
from collections import Counter
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session, object_session

from community_safety.evidence.intake import of_report
from community_safety.open311.client import Open311Client, Open311Refused, Open311Unavailable
from community_safety.open311.config import Open311Config
from community_safety.open311.media import first_photo, media_url
from community_safety.records import audit
from community_safety.records.database import session_scope
from community_safety.records.models import REPORT_FIELDS, Open311Sending, Report, day_of, utcnow
from community_safety.settings import settings

log = logging.getLogger(__name__)

ACTOR = "casework system (Open311)"
DUE = ("waiting", "awaiting_id")
# "Location shared on Telegram: 51.52000, -0.07000 https://..." (bot/telegram/handlers.py)
SHARED_LOCATION = re.compile(r"(-?\d{1,2}\.\d+),\s*(-?\d{1,3}\.\d+)")
# Sent as fields of their own, not as attributes.
SENT_APART = {"description", "location_text"}
# Beside the report's own fields (records/models.py REPORT_FIELDS), what staff would want there too.
ALSO_SENT = ("ward", "channel")


def sender_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:80]


def queue(session: Session, report: Report) -> Open311Sending | None:
    """In the transaction that files the report; nothing when no endpoint is set."""
    endpoint = settings().open311_endpoint
    if not endpoint:
        return None
    queued_at = day_of(utcnow()) if report.anonymous else utcnow()
    sending = Open311Sending(report=report, endpoint=endpoint, state="waiting", attempts=0, next_attempt_at=queued_at)
    session.add(sending)
    return sending


def _plain(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return str(value)


def what_is_sent(report: Report, config: Open311Config) -> dict[str, str]:
    fields = {
        "service_code": config.service_codes[report.category],
        "description": report.description[:4000],
        "attribute[reference]": report.reference,
    }
    if report.location_text:
        fields["address_string"] = report.location_text[:500]
        shared = SHARED_LOCATION.search(report.location_text)
        if shared and report.location_text.startswith("Location shared"):
            fields["lat"], fields["long"] = shared.group(1), shared.group(2)
    for name in (*sorted(REPORT_FIELDS - SENT_APART), *ALSO_SENT):
        value = getattr(report, name)
        if value is not None and value != "":
            fields[f"attribute[{name}]"] = _plain(value)[:1000]
    photo = first_photo(of_report(object_session(report), report.id)) if object_session(report) else None
    link = media_url(photo) if photo is not None else None
    if link:
        fields["media_url"] = link
    resident = report.resident
    if resident is not None and not report.anonymous and resident.contact_consent:
        if resident.email:
            fields["email"] = resident.email
        if resident.phone:
            fields["phone"] = resident.phone
    return fields


def retry_wait(attempts: int) -> dt.timedelta:
    configured = settings()
    seconds = configured.open311_retry_first_seconds * 2 ** max(0, attempts - 1)
    return dt.timedelta(seconds=min(seconds, configured.open311_retry_most_seconds))


def lease() -> dt.timedelta:
    # Longer than a POST and a token question together, each allowed the whole timeout.
    return dt.timedelta(seconds=max(120.0, 4 * settings().open311_timeout_seconds))


def due(now: dt.datetime, limit: int = 50) -> list[int]:
    """The sendings due now and not claimed: candidates, which another sender may claim first."""
    with session_scope() as db:
        query = (
            select(Open311Sending.id)
            .where(
                Open311Sending.state.in_(DUE),
                Open311Sending.next_attempt_at <= now,
                or_(Open311Sending.claimed_until.is_(None), Open311Sending.claimed_until < now),
            )
            .order_by(Open311Sending.next_attempt_at, Open311Sending.id)
            .limit(limit)
        )
        return list(db.execute(query).scalars())


def claim(sending_id: int, now: dt.datetime, sender: str) -> bool:
    """Only one sender's UPDATE matches: the condition is checked again as the row is written."""
    with session_scope() as db:
        result = db.execute(
            update(Open311Sending)
            .where(
                Open311Sending.id == sending_id,
                Open311Sending.state.in_(DUE),
                or_(Open311Sending.claimed_until.is_(None), Open311Sending.claimed_until < now),
            )
            .values(claimed_by=sender, claimed_until=now + lease())
            .execution_options(synchronize_session=False)
        )
        return result.rowcount == 1


def claim_due(now: dt.datetime, sender: str, limit: int = 50) -> list[int]:
    """The sendings due now that this sender got."""
    return [sending_id for sending_id in due(now, limit) if claim(sending_id, now, sender)]


def _send_one(client: Open311Client, config: Open311Config, sending_id: int, now: dt.datetime, sender: str) -> str:
    with session_scope() as db:
        sending = db.get(Open311Sending, sending_id)
        if sending is None or sending.claimed_by != sender:
            return "lost"
        token = sending.token if sending.state == "awaiting_id" else None
        try:
            payload = None if token else what_is_sent(sending.report, config)
        except KeyError:
            payload = {}
    request_id, new_token, error, refused = None, None, None, False
    try:
        if token:
            request_id = client.request_id_for(token)
        elif not payload:
            raise Open311Refused(0, ["this report's category has no service code in the Open311 file"])
        else:
            posted = client.post_request(payload)
            request_id, new_token = posted.service_request_id, posted.token
    except Open311Refused as reason:
        error, refused = str(reason), True
    except Open311Unavailable as reason:
        error = str(reason)
    with session_scope() as db:
        sending = db.get(Open311Sending, sending_id)
        if sending.claimed_by != sender:
            return "lost"  # the lease ran out and another sender has it: its answer will count
        # An anonymous report keeps only the day of its times (records/models.py, day_of).
        at = day_of(now) if sending.report.anonymous else now
        sending.last_attempt_at, sending.claimed_by, sending.claimed_until = at, None, None
        reference = sending.report.reference
        if request_id:
            sending.state, sending.service_request_id, sending.sent_at, sending.last_error = (
                "sent",
                request_id,
                at,
                None,
            )
            audit.record(db, ACTOR, "sent to the casework system", "report", reference,
                         {"service_request_id": (None, request_id)})  # fmt: skip
            return "sent"
        if refused:
            sending.state, sending.last_error = "refused", error
            audit.record(db, ACTOR, "refused by the casework system", "report", reference, {"reason": (None, error)})
            return "refused"
        sending.attempts += 1
        if new_token or token:
            # Taken; the system makes its reference later. Ask again, waiting longer each time.
            sending.state, sending.token, sending.last_error = "awaiting_id", new_token or token, error
            sending.next_attempt_at = now + retry_wait(sending.attempts)
            return "awaiting_id"
        sending.last_error = error
        sending.next_attempt_at = now + retry_wait(sending.attempts)
        return "retry"


def send_due(
    client: Open311Client,
    config: Open311Config,
    now: dt.datetime | None = None,
    sender: str | None = None,
    limit: int = 50,
) -> Counter:
    """One pass: every sending due now that this sender can claim. Counts by outcome."""
    now, sender = now or utcnow(), sender or sender_name()
    outcomes: Counter = Counter()
    for sending_id in claim_due(now, sender, limit):
        outcomes[_send_one(client, config, sending_id, now, sender)] += 1
    if outcomes:
        # Counts only: the reports' words and references stay out of logs.
        log.info("Open311: %s", ", ".join(f"{count} {outcome}" for outcome, count in sorted(outcomes.items())))
    return outcomes


def send_again(session: Session, report: Report, actor: str) -> Open311Sending | None:
    """An admin's "send again": a refused or waiting report goes back in the queue at once; a report
    filed before an endpoint was set is queued. None when no endpoint is set or it is already sent."""
    sending = report.sending
    before = sending.state if sending else None
    if sending is None:
        sending = queue(session, report)
        if sending is None:
            return None
    elif sending.state in ("sent", "awaiting_id"):
        return None
    sending.state, sending.attempts, sending.next_attempt_at = "waiting", 0, utcnow()
    sending.claimed_by = sending.claimed_until = None
    audit.record(session, actor, "sent to the casework system again", "report", report.reference,
                 {"open311": (before, "waiting")})  # fmt: skip
    return sending
