"""The review queue: residents' messages collected from quiet conversations, redacted, and what
caseworkers say each was about.

A message is *agreed* once two caseworkers gave the same answer (the second answers without
seeing the first's, so agreement means something); two different answers and no pair alike is a
*disagreement*, shown to both, which a third answer settles. Only agreed messages become training
data (review/export.py). Every label and removal is audited."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import Session

from community_safety.channels import channel_and_user, conversation_key
from community_safety.records import audit
from community_safety.records.conversations import anonymous_parts, events, quiet_conversations
from community_safety.records.models import ReviewItem, ReviewLabel, utcnow
from community_safety.review.redaction import redact
from community_safety.review.selection import Candidate
from community_safety.review.selection import select as select_candidates
from community_safety.signposting import default_signposting

NOT_A_NEED = "not_a_need"
DANGER_NOW = "emergency"  # the need "In danger now": 999 first
STATES = {
    "to_label": "Not labelled yet",
    "to_confirm": "Waiting for a second caseworker",
    "disagreed": "Caseworkers disagree",
    "agreed": "Agreed",
}
OPEN_STATES = ("to_label", "to_confirm", "disagreed")
REASON_NAMES = {
    "not_understood": "The bot did not understand it",
    "checked": "The bot checked what it was about",
    "checked_said_no": "The resident said the bot's reading was wrong",
    "something_else": "The resident pressed \u201cSomething else\u201d",
    "rephrased": "The resident said it again in other words",
    "said_bot_wrong": "The resident said the bot got it wrong",
    "asked_for_a_person": "The resident asked for a person next",
    "sample": "A random sample of messages the bot was sure of",
}
# The longest message kept: a message longer than this is cut, and says so.
LONGEST = 4000
EVENT_KINDS = ("user", "bot", "action", "slot", "active_loop")


class LabelError(ValueError):
    """An answer the queue can't take; the message says why, in words for the caseworker."""


def label_choices() -> list[tuple[str, str]]:
    """What a caseworker can say a message was about: each need (danger now first), or not a need."""
    signposting = default_signposting()
    needs = [(name, need.title) for name, need in signposting.needs.items()]
    needs.sort(key=lambda choice: choice[0] != DANGER_NOW)
    return [*needs, (NOT_A_NEED, "Not a need (a greeting, a question about the bot, something we don't deal with)")]


def _cut(text: str) -> str:
    return text if len(text) <= LONGEST else text[: LONGEST - 1] + "\u2026"


def _redacted_counts(found: Counter) -> str | None:
    return ", ".join(f"{kind.replace('_', ' ')} {count}" for kind, count in sorted(found.items())) or None


def _keep(session: Session, key: str, channel: str, candidate: Candidate) -> str | None:
    """Add the candidate, or the reasons found since to an item nobody has labelled yet."""
    existing = session.execute(
        select(ReviewItem).where(ReviewItem.conversation_key == key, ReviewItem.sent_at == candidate.timestamp)
    ).scalar_one_or_none()
    if existing is not None:
        known = existing.reasons.split(",")
        new = [reason for reason in candidate.reasons if reason not in known]
        if new and existing.state == "to_label":
            existing.reasons = ",".join(known + new)
            return "updated"
        return None
    words = redact(_cut(candidate.text))
    if not words.text.strip():
        return None
    reply = redact(_cut(candidate.bot_reply)) if candidate.bot_reply else None
    session.add(
        ReviewItem(
            conversation_key=key,
            sent_at=candidate.timestamp,
            text=words.text,
            redacted=_redacted_counts(words.found),
            channel=channel,
            language=candidate.language,
            bot_need=candidate.intent,
            bot_confidence=candidate.confidence,
            bot_reply=reply.text if reply else None,
            reasons=",".join(candidate.reasons),
            state="to_label",
        )
    )
    return "added"


def collect(
    session: Session,
    idle_before: dt.datetime,
    active_since: float | None = None,
    sample_share: float = 0.02,
    url: str | None = None,
) -> dict[str, int]:
    """Read the conversations quiet since ``idle_before`` (UTC), and active since ``active_since``,
    into the queue. The parts that went into an anonymous report are never read (their answers must
    not reach a reviewer, and their words are about to be taken out)."""
    counts: Counter = Counter()
    needs = set(default_signposting().needs)
    for sender in quiet_conversations(idle_before, active_since, url=url):
        found = events(sender, kinds=EVENT_KINDS, url=url)
        if not found:
            continue
        hidden = anonymous_parts(found)
        shown = [event for index, event in enumerate(found) if index not in hidden]
        channel, _ = channel_and_user(sender)
        key = conversation_key(sender)
        for candidate in select_candidates(shown, sample_share=sample_share):
            # The sample checks the bot's sure readings of needs: "has anyone looked at my report?"
            # read as just that teaches nothing.
            if candidate.timestamp is None or (candidate.reasons == ["sample"] and candidate.intent not in needs):
                continue
            outcome = _keep(session, key, channel, candidate)
            if outcome:
                counts[outcome] += 1
        session.flush()
    return {"review_items_added": counts["added"], "review_items_updated": counts["updated"]}


def _answer(needs: Iterable[str]) -> str:
    return ",".join(sorted(set(needs)))


def needs_of(answer: str | None) -> list[str]:
    """An answer's needs in the order the bot would open their doors (the more urgent first)."""
    names = [name for name in (answer or "").split(",") if name]
    # Danger to life is not in the urgency list: it always comes first.
    urgency = {name: rank for rank, name in enumerate((DANGER_NOW, *default_signposting().urgency))}
    return sorted(names, key=lambda name: (urgency.get(name, len(urgency)), name))


def _settle(item: ReviewItem) -> None:
    answers = Counter(label.needs for label in item.labels)
    agreed = [answer for answer, count in answers.items() if count >= 2]
    if agreed:
        # Two pairs alike (four answers) is settled by the larger; a tie by the earlier answer.
        first_given = {label.needs: index for index, label in reversed(list(enumerate(item.labels)))}
        answer = max(agreed, key=lambda a: (answers[a], -first_given[a]))
        if item.agreed_needs != answer:
            item.agreed_needs, item.agreed_at = answer, utcnow()
        item.state = "agreed"
        return
    item.agreed_needs = item.agreed_at = None
    item.state = {0: "to_label", 1: "to_confirm"}.get(len(item.labels), "disagreed")


def check_answer(chosen: Iterable[str]) -> str:
    """The answer as stored, or LabelError saying what is wrong with it."""
    chosen = [str(name) for name in chosen]
    known = {name for name, _ in label_choices()}
    if not chosen:
        raise LabelError("Choose what the message was about, or \u201cNot a need\u201d")
    unknown = [name for name in chosen if name not in known]
    if unknown:
        raise LabelError("Choose from the needs listed")
    if NOT_A_NEED in chosen and len(set(chosen)) > 1:
        raise LabelError("\u201cNot a need\u201d can't be chosen with a need")
    return _answer(chosen)


def label(session: Session, item: ReviewItem, staff_email: str, staff_role: str, chosen: Iterable[str]) -> ReviewItem:
    """Record one caseworker's answer (replacing their earlier one), and what it settles."""
    answer = check_answer(chosen)
    mine = next((existing for existing in item.labels if existing.staff_email == staff_email), None)
    before = {"answer": mine.needs if mine else None, "state": item.state}
    if mine is None:
        item.labels.append(ReviewLabel(staff_email=staff_email, staff_role=staff_role, needs=answer, at=utcnow()))
    else:
        mine.needs, mine.staff_role, mine.at = answer, staff_role, utcnow()
    _settle(item)
    audit.record(
        session,
        staff_email,
        "labelled a message to review",
        "review_item",
        item.id,
        audit.changed(before, {"answer": answer, "state": item.state}),
    )
    return item


def remove(session: Session, item: ReviewItem, staff_email: str, why: str) -> None:
    """Take a message out of the queue for good (it still names someone, or says nothing): its
    words go; the audit log keeps that it was removed, and why, not what it said."""
    audit.record(session, staff_email, "removed a message to review", "review_item", item.id, {"why": (None, why)})
    session.delete(item)


def items_of_conversation(session: Session, sender: str) -> list[dict]:
    """A resident's messages in the queue, for their data export: the redacted words and what
    became of them (who answered is staff's business, not part of the resident's data)."""
    items = session.execute(
        select(ReviewItem).where(ReviewItem.conversation_key == conversation_key(sender)).order_by(ReviewItem.sent_at)
    ).scalars()
    return [
        {
            "text": item.text,
            "sent_at": dt.datetime.fromtimestamp(item.sent_at, dt.timezone.utc).replace(tzinfo=None).isoformat(),
            "state": STATES.get(item.state, item.state),
            "agreed_needs": needs_of(item.agreed_needs),
        }
        for item in items
    ]


def forget_conversation(session: Session, sender: str) -> dict[str, int]:
    """A resident erased: their unlabelled items go; labelled ones (redacted, a caseworker's
    work) stay, no longer tied to the conversation."""
    return _forget(session, ReviewItem.conversation_key == conversation_key(sender))


def purge_review_items(session: Session, before: dt.datetime, dry_run: bool = False) -> dict[str, int]:
    """The conversation store's retention, applied to the queue: items from messages sent before
    ``before`` (UTC) go unless labelled; labelled ones are no longer tied to the conversation."""
    cutoff = before.replace(tzinfo=dt.timezone.utc).timestamp()
    return _forget(session, ReviewItem.sent_at < cutoff, dry_run=dry_run)


def _forget(session: Session, which, dry_run: bool = False) -> dict[str, int]:
    labelled = select(ReviewLabel.review_item_id)
    unlabelled = list(session.execute(select(ReviewItem.id).where(which, ReviewItem.id.not_in(labelled))).scalars())
    kept = list(
        session.execute(
            select(ReviewItem).where(which, ReviewItem.id.in_(labelled), ReviewItem.conversation_key.is_not(None))
        ).scalars()
    )
    if not dry_run:
        if unlabelled:
            session.execute(delete(ReviewItem).where(ReviewItem.id.in_(unlabelled)))
        for item in kept:
            item.conversation_key = None
    return {"review_items": len(unlabelled), "review_items_unlinked": len(kept)}


@dataclass(frozen=True)
class Filters:
    state: str = ""
    need: str = ""
    language: str = ""
    channel: str = ""


def _filtered(query, filters: Filters):
    if filters.state in STATES:
        query = query.where(ReviewItem.state == filters.state)
    elif filters.state == "open":
        query = query.where(ReviewItem.state.in_(OPEN_STATES))
    if filters.need:
        in_answer = ("," + ReviewItem.agreed_needs + ",").like(f"%,{filters.need},%")
        query = query.where(or_(ReviewItem.bot_need == filters.need, in_answer))
    if filters.language:
        query = query.where(ReviewItem.language == filters.language)
    if filters.channel:
        query = query.where(ReviewItem.channel == filters.channel)
    return query


def page_of_items(session: Session, filters: Filters, page: int, per_page: int = 20) -> tuple[list[ReviewItem], int]:
    """One page of the queue, those still to answer first, oldest first; and how many in all."""
    total = session.execute(_filtered(select(func.count(ReviewItem.id)), filters)).scalar_one()
    order = (ReviewItem.state == "agreed", ReviewItem.sent_at, ReviewItem.id)
    rows = session.execute(
        _filtered(select(ReviewItem), filters).order_by(*order).offset((page - 1) * per_page).limit(per_page)
    ).scalars()
    return list(rows), total


def next_for(session: Session, staff_email: str, after_id: int) -> ReviewItem | None:
    """The next message this caseworker has not answered yet (after ``after_id``, then from the start)."""
    answered = select(ReviewLabel.review_item_id).where(ReviewLabel.staff_email == staff_email)
    waiting = select(ReviewItem).where(ReviewItem.state.in_(OPEN_STATES), ReviewItem.id.not_in(answered))
    for which in (ReviewItem.id > after_id, ReviewItem.id != after_id):
        found = session.execute(waiting.where(which).order_by(ReviewItem.id).limit(1)).scalar_one_or_none()
        if found is not None:
            return found
    return None


def counts(session: Session) -> dict[str, int]:
    """How many items are in each state (every state named, 0 when none)."""
    found = dict(session.execute(select(ReviewItem.state, func.count(ReviewItem.id)).group_by(ReviewItem.state)).all())
    return {state: found.get(state, 0) for state in STATES}
