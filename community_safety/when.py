"""When did it happen? Residents' words ("last night", "yesterday about 11pm", "every evening
since March") into a date, whether it is still going on, and how often."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import dateparser
from dateparser.search import search_dates

# dateparser misses these everyday phrases, or reads "2am" as the 2nd of the month.
_REWRITES = [
    (r"\blast night\b|\byesterday (?:evening|night|morning|afternoon)\b", "yesterday"),
    (r"\b(?:tonight|this (?:morning|afternoon|evening)|earlier today|just now|right now|now)\b", "today"),
    (r"\b(mon|tues|wednes|thurs|fri|satur|sun)day (?:night|evening|morning|afternoon)\b", r"\1day"),
    (r"\ba couple of (days|weeks|months) ago\b", r"2 \1"),
    (r"\ba few (days|weeks|months) ago\b", r"3 \1"),
    (r"\b(?:at|about|around|roughly|approx\w*)?\s*\d{1,2}(?:[:.]\d{2})?\s*(?:am|pm)\b", " "),
    (r"\b(?:at|about|around)?\s*(?:midnight|midday|noon)\b", " "),
]
_ONGOING = re.compile(
    r"\b(?:every|each|since|keeps?|kept|always|still|ongoing|constantly|all the time|"
    r"nightly|daily|weekly|most (?:days|nights|evenings|weekends)|on and off|again and again)\b"
)
_FREQUENCY = re.compile(
    r"\b(?:every|each|most)\s+(?:single\s+)?(?:day|night|evening|morning|afternoon|weekend|week|"
    r"month|monday|tuesday|wednesday|thursday|friday|saturday|sunday)s?\b|\b(?:nightly|daily|weekly|"
    r"all the time|constantly|on and off)\b"
)
_UNSURE = re.compile(
    r"^\W*(?:i'?m |i )?(?:not sure|unsure|don'?t know|dont know|dunno|can'?t remember|no idea|idk)\W*$"
)


@dataclass(frozen=True)
class When:
    occurred_on: dt.date | None
    ongoing: bool
    frequency: str | None
    in_future: bool = False
    unsure: bool = False


def read_when(text: object, today: dt.date) -> When | None:
    """None when nothing in the words says when."""
    if not isinstance(text, str) or not text.strip():
        return None
    lowered = " ".join(text.replace("\u2019", "'").casefold().split())[:300]
    ongoing = bool(_ONGOING.search(lowered))
    frequency_match = _FREQUENCY.search(lowered)
    frequency = frequency_match.group(0) if frequency_match else None
    if _UNSURE.match(lowered):
        return When(None, ongoing, frequency, unsure=True)
    cleaned = lowered
    for pattern, replacement in _REWRITES:
        cleaned = re.sub(pattern, replacement, cleaned)
    base = dt.datetime.combine(today, dt.time(12, 0))
    settings = {
        "PREFER_DATES_FROM": "past",
        "RELATIVE_BASE": base,
        "DATE_ORDER": "DMY",
        "PREFER_DAY_OF_MONTH": "first",
        "RETURN_AS_TIMEZONE_AWARE": False,
    }
    found = dateparser.parse(cleaned, languages=["en"], settings=settings)
    if found is None:
        try:
            matches = search_dates(cleaned, languages=["en"], settings=settings) or []
        except Exception:  # dateparser can fail on odd input; the bot then asks again
            matches = []
        found = matches[0][1] if matches else None
    if found is None:
        if ongoing:
            return When(today, True, frequency)
        return None
    occurred = found.date()
    if occurred > today:
        return When(occurred, ongoing, frequency, in_future=True)
    return When(occurred, ongoing, frequency)
