"""Which of a conversation's messages a caseworker should see to teach the bot (issue #27).

Read from the conversation store's events (Rasa's event dictionaries, as plain data): a message
the resident typed themselves (a button press is sure of itself), outside a form's questions
(answers to "where did it happen?" are not how residents tell a need, and an anonymous report's
answers must never reach a reviewer), chosen when the bot was unsure of it or got it wrong:

- ``not_understood``: the bot did not understand it (fallback, the likeliest needs offered);
- ``checked``: the bot checked its reading ("Is this about …?"), and ``checked_said_no`` when
  the resident said no or pressed "Something else";
- ``something_else``: the resident pressed "Something else" next;
- ``rephrased``: typed again after it was not understood (the second try, with the first);
- ``said_bot_wrong``: the resident said the bot had got it wrong next;
- ``asked_for_a_person``: the resident asked for a person next;
- ``sample``: a small, steady share of the confident ones (the same message is always in or
  out of the sample, so collecting twice gives the same queue).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from community_safety.languages import PARSE_KEY as LANGUAGE_PARSE_KEY

FALLBACK_INTENT = "nlu_fallback"
FALLBACK_ACTION = "action_default_fallback"
CHECK_SLOT = "need_candidates"  # set when the bot checks its reading (actions/signposting.py)
CHECK_ANSWER_SLOT = "need_check"
SAID_NO = "_not_this"
MENU_PAYLOADS = ("/help", "/help_more")  # "Something else"
BOT_WRONG_INTENT = "bot_wrong"
PERSON_INTENTS = ("request_person", "request_callback")
# Replies to the bot ("no", "thanks"), not a resident telling what is happening.
REPLY_INTENTS = ("affirm", "deny", "thank", "goodbye", "greet", "start", "help", "help_more")

REASONS = (
    "not_understood",
    "checked",
    "checked_said_no",
    "something_else",
    "rephrased",
    "said_bot_wrong",
    "asked_for_a_person",
    "sample",
)


@dataclass
class Candidate:
    """A typed message worth a caseworker's look, and why."""

    text: str
    timestamp: float | None
    intent: str | None
    confidence: float | None
    language: str | None
    reasons: list[str] = field(default_factory=list)
    bot_reply: str | None = None  # what the bot said first in answer


def _typed(event: Mapping) -> bool:
    text = event.get("text")
    return isinstance(text, str) and bool(text.strip()) and not text.startswith("/")


def _in_sample(event: Mapping, share: float) -> bool:
    key = f"{event.get('timestamp')}|{event.get('text')}".encode()
    return int(hashlib.sha256(key).hexdigest()[:8], 16) / 0xFFFFFFFF < share


def select(events: Iterable[Mapping], sample_share: float = 0.02) -> list[Candidate]:
    """The conversation's messages to review, in the order they were sent."""
    chosen: list[Candidate] = []
    last: Candidate | None = None  # the resident's last typed message outside a form
    last_not_understood = False
    in_form = False
    awaiting_reply: Candidate | None = None
    for event in events:
        kind = event.get("event")
        if kind == "bot" and awaiting_reply is not None and event.get("text"):
            awaiting_reply.bot_reply, awaiting_reply = str(event["text"]), None
        elif kind == "active_loop":
            in_form = bool(event.get("name"))
        elif kind == "action" and event.get("name") == FALLBACK_ACTION and last is not None:
            _add(last, "not_understood", chosen)
            last_not_understood = True
        elif kind == "slot" and event.get("name") == CHECK_SLOT and event.get("value") and last is not None:
            _add(last, "checked", chosen)
        elif kind == "slot" and event.get("name") == CHECK_ANSWER_SLOT and event.get("value") == SAID_NO:
            if last is not None and "checked" in last.reasons:
                _add(last, "checked_said_no", chosen)
        elif kind == "user":
            awaiting_reply = None
            parse = event.get("parse_data") or {}
            intent = (parse.get("intent") or {}).get("name")
            text = event.get("text") or ""
            if last is not None and text in MENU_PAYLOADS:
                _add(last, "checked_said_no" if "checked" in last.reasons else "something_else", chosen)
            if last is not None and intent == BOT_WRONG_INTENT:
                _add(last, "said_bot_wrong", chosen)
            if last is not None and intent in PERSON_INTENTS:
                _add(last, "asked_for_a_person", chosen)
            if not _typed(event) or in_form or intent in REPLY_INTENTS:
                continue
            candidate = Candidate(
                text=text,
                timestamp=event.get("timestamp"),
                intent=intent,
                confidence=(parse.get("intent") or {}).get("confidence"),
                language=(parse.get(LANGUAGE_PARSE_KEY) or {}).get("language"),
            )
            if intent == FALLBACK_INTENT:
                _add(candidate, "not_understood", chosen)
            if last_not_understood and last is not None:
                _add(last, "rephrased", chosen)
                _add(candidate, "rephrased", chosen)
            last_not_understood = intent == FALLBACK_INTENT
            awaiting_reply = candidate
            if intent not in (FALLBACK_INTENT, BOT_WRONG_INTENT, *PERSON_INTENTS) and _in_sample(event, sample_share):
                _add(candidate, "sample", chosen)
            last = candidate
    return sorted(chosen, key=lambda c: (c.timestamp is None, c.timestamp or 0))


def _add(candidate: Candidate, reason: str, chosen: list[Candidate]) -> None:
    if reason not in candidate.reasons:
        candidate.reasons.append(reason)
    if all(c is not candidate for c in chosen):
        chosen.append(candidate)
