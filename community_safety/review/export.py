"""From review to training data: the messages two caseworkers agreed on, written as Rasa NLU
examples (``nlu/data/reviewed.yml``) and, a steady share of them kept apart, as a held-out set of
residents' own words (``evaluation/residents_own_words.yml``) that `make eval` scores.

Deduplicated (the same words, however spaced or capitalised, are one example; words caseworkers
answered differently in two messages are left out); never a text already in the training data or
in a held-out set (a held-out set copied into training would only measure memory). Each example
says when it was reviewed and the reviewers' roles, never who they were.

Nothing here decides whether the examples are used: evaluation/reviewed.py trains with them and
keeps them only when no held-out set got worse."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from community_safety.records.models import ReviewItem
from community_safety.review.queue import NOT_A_NEED, needs_of

# "Not a need" covers greetings, questions about a report or the bot, and what the council doesn't
# deal with: the bot has an intent for several of those, so such a message teaches no one intent
# and is not exported (the count is printed: what residents ask that the bot doesn't cover).
HELD_OUT_SHARE = 0.2
TRAINING_HEADER = """\
# Residents' own messages, redacted, that two caseworkers agreed on (the staff site's "Messages to
# review"). Written by `make reviewed`; each example carries its review date and the reviewers' roles.
# Edit in the staff site, not here: `make reviewed` writes this file again.
"""
HELD_OUT_HEADER = """\
# Residents' own words: messages two caseworkers agreed on, redacted, held out by `make reviewed`
# (the same message always on the same side) and never copied into nlu/data. `make eval` scores them.
"""


@dataclass(frozen=True)
class Example:
    text: str
    needs: tuple[str, ...]  # the more urgent first; ("not_a_need",) for not a need
    language: str | None = None
    reviewed_on: dt.date | None = None
    reviewers: tuple[str, ...] = ()  # roles, one per caseworker who agreed

    @property
    def intent(self) -> str:
        return self.needs[0]

    @property
    def also(self) -> str | None:
        """A second need, learnt beside the first (nlu/components/example_marks.py); a third is left out."""
        return self.needs[1] if len(self.needs) > 1 else None


def normalised(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().casefold()


def agreed_examples(session: Session) -> list[Example]:
    """Every agreed message, oldest first, as an example."""
    items = session.execute(
        select(ReviewItem).where(ReviewItem.state == "agreed").order_by(ReviewItem.agreed_at, ReviewItem.id)
    ).scalars()
    examples = []
    for item in items:
        agreeing = [label for label in item.labels if label.needs == item.agreed_needs]
        examples.append(
            Example(
                text=item.text.strip(),
                needs=tuple(needs_of(item.agreed_needs)),
                language=item.language if item.language and item.language != "en" else None,
                reviewed_on=(item.agreed_at or item.collected_at).date(),
                reviewers=tuple(sorted(label.staff_role for label in agreeing)),
            )
        )
    return examples


@dataclass
class Exported:
    training: list[Example]
    held_out: list[Example]
    duplicates: int = 0  # the same words agreed more than once: kept once
    conflicting: int = 0  # the same words agreed as different needs: left out
    known: int = 0  # already in the training data or a held-out set
    not_a_need: int = 0  # agreed as not a need: not exported


def held_out(example: Example, share: float = HELD_OUT_SHARE) -> bool:
    """The same example is always on the same side, whatever else is exported with it."""
    digest = hashlib.sha256(normalised(example.text).encode()).hexdigest()
    return int(digest[:8], 16) / 0xFFFFFFFF < share


def split(examples: Iterable[Example], known_texts: Iterable[str], share: float = HELD_OUT_SHARE) -> Exported:
    """Deduplicate ``examples`` (the later review of the same words wins), leave out words already
    in ``known_texts`` (training data and held-out sets) and words given different answers, and
    split the rest."""
    known = {normalised(text) for text in known_texts}
    by_text: dict[str, Example] = {}
    answers: dict[str, set[tuple[str, ...]]] = {}
    duplicates = known_count = not_a_need = 0
    for example in examples:
        key = normalised(example.text)
        if not key:
            continue
        if example.needs[:1] == (NOT_A_NEED,):
            not_a_need += 1
            continue
        if key in known:
            known_count += 1
            continue
        answers.setdefault(key, set()).add(example.needs)
        duplicates += key in by_text
        by_text[key] = example
    conflicting = [key for key, given in answers.items() if len(given) > 1]
    kept = [example for key, example in by_text.items() if key not in conflicting]
    return Exported(
        training=[example for example in kept if not held_out(example, share)],
        held_out=[example for example in kept if held_out(example, share)],
        duplicates=duplicates,
        conflicting=len(conflicting),
        known=known_count,
        not_a_need=not_a_need,
    )


def _example_entry(example: Example) -> dict:
    metadata: dict[str, str] = {}
    if example.also:
        metadata["also"] = example.also
    if example.language:
        metadata["language"] = example.language
    if example.reviewed_on:
        metadata["reviewed"] = example.reviewed_on.isoformat()
    if example.reviewers:
        metadata["reviewers"] = ", ".join(example.reviewers)
    return {"text": example.text, **({"metadata": metadata} if metadata else {})}


def nlu_document(examples: Iterable[Example], header: str = TRAINING_HEADER) -> str:
    """Rasa NLU YAML, one block per intent, each example with its marks."""
    blocks: dict[str, list[dict]] = {}
    for example in examples:
        blocks.setdefault(example.intent, []).append(_example_entry(example))
    document = {
        "version": "3.1",
        "nlu": [{"intent": intent, "examples": entries} for intent, entries in sorted(blocks.items())],
    }
    return header + yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=1000)


def read_examples(text: str) -> list[Example]:
    """The examples of a file nlu_document wrote (to keep them when the queue no longer holds them)."""
    document = yaml.safe_load(text) or {}
    found = []
    for block in document.get("nlu") or []:
        intent = block.get("intent")
        for entry in block.get("examples") or []:
            if not isinstance(entry, dict) or not isinstance(entry.get("text"), str) or not intent:
                continue
            metadata = entry.get("metadata") or {}
            needs = (intent, *filter(None, [metadata.get("also")]))
            reviewed = metadata.get("reviewed")
            found.append(
                Example(
                    text=entry["text"],
                    needs=tuple(needs),
                    language=metadata.get("language"),
                    reviewed_on=dt.date.fromisoformat(reviewed) if isinstance(reviewed, str) else reviewed,
                    reviewers=tuple(r.strip() for r in str(metadata.get("reviewers") or "").split(",") if r.strip()),
                )
            )
    return found
