"""When did it happen? Residents' words ("last night", "yesterday about 11pm", "every evening
since March", "last weekend", "in October", "about a fortnight ago") into a date, or the range of
days the words allow when they don't name one day, whether it is still going on, and how often.

People remember incidents by weekends, weeks and months; the case review counts them, so a range
is kept as a range (``earliest``..``latest``, ``approximate``), never turned into its first day."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import dateparser
from dateparser.search import search_dates

from community_safety.answers import plain_words
from community_safety.bengali_dates import bengali_dates_in_english, romanised_dates_in_english
from community_safety.languages import BENGALI, is_bengali_script

# dateparser misses these everyday phrases, or reads "2am" as the 2nd of the month.
_REWRITES = [
    (r"\blast night\b|\byesterday (?:evening|night|morning|afternoon)\b", "yesterday"),
    (r"\b(?:tonight|this (?:morning|afternoon|evening)|earlier today|just now|right now|now)\b", "today"),
    (r"\b(mon|tues|wednes|thurs|fri|satur|sun)day (?:night|evening|morning|afternoon)\b", r"\1day"),
    (r"\ba couple of (days|weeks|months) ago\b", r"2 \1 ago"),
    (r"\ba few (days|weeks|months) ago\b", r"3 \1 ago"),
    (r"\b(?:a|one) fortnight ago\b|\ba couple of weeks back\b", "2 weeks ago"),
    (r"\b(?:the )?(?:night|day|evening) before last\b|\bthe day before yesterday\b", "2 days ago"),
    (r"\b(?:at|about|around|roughly|approx\w*)?\s*\d{1,2}(?:[:.]\d{2})?\s*(?:am|pm)\b", " "),
    (r"\b(?:at|about|around)?\s*(?:midnight|midday|noon)\b", " "),
    # A clock time said roughly ("around 8") is not a rough date.
    (
        r"\b(?:at|about|around|roughly)\s+\d{1,2}(?:[:.]\d{2})?\b(?!\s*(?:days?|weeks?|months?|years?|st|nd|rd|th|/))",
        " ",
    ),
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


# Words that make a date a rough one: "about a fortnight ago" is a few days either side.
_HEDGED = re.compile(r"\b(?:about|around|roughly|approx\w*|maybe|probably|i think|sometime|some time|or so|ish)\b")
# Read before the rewrites turn them into numbers: "a couple of weeks ago" is not exactly 14 days.
_VAGUE_COUNT = re.compile(r"\b(?:a couple of|a few|fortnight)\b")
ROUGH_DAYS = 3
MONTHS = (
    "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december",
)  # fmt: skip
_MONTH_NAME = (
    r"\b(" + "|".join([*MONTHS, "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sept?", "oct", "nov", "dec"]) + r")\b"
)
_MONTH_ONLY = re.compile(
    r"(?:\b(in|during|early|mid|late|end of|the end of|beginning of|the beginning of|start of|the start of)\s+)?"
    r"(?:(early|mid|late)\s+)?" + _MONTH_NAME
)
_DAY_OF_MONTH = re.compile(r"\d{1,2}(?:st|nd|rd|th)?\s+(?:of\s+)?" + _MONTH_NAME + r"|" + _MONTH_NAME + r"\s*\d")
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_WEEKS_AGO_ON = re.compile(
    r"\b(\d+|a|one|two|three|four|five|six)\s+weeks?\s+ago\s+(?:on\s+)?(?:a\s+|the\s+)?("
    + "|".join(_WEEKDAYS)
    + r")\b|\b("
    + "|".join(_WEEKDAYS)
    + r")\s+(\d+|a|one|two|three|four|five|six)\s+weeks?\s+ago\b"
)
_NUMBERS = {"a": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6}


@dataclass(frozen=True)
class When:
    occurred_on: dt.date | None  # the day, when the words name one
    ongoing: bool
    frequency: str | None
    in_future: bool = False
    unsure: bool = False
    # The days the words allow ("last weekend": Saturday and Sunday); the same day twice for one day.
    earliest: dt.date | None = None
    latest: dt.date | None = None
    approximate: bool = False


def _monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def _month_range(name: str, part: str | None, today: dt.date) -> tuple[dt.date, dt.date]:
    month = next(i for i, m in enumerate(MONTHS, start=1) if m.startswith(name[:3]))
    year = today.year if month <= today.month else today.year - 1
    first = dt.date(year, month, 1)
    last = (dt.date(year + (month == 12), month % 12 + 1, 1)) - dt.timedelta(days=1)
    if part in ("early", "beginning of", "the beginning of", "start of", "the start of"):
        first, last = first, first + dt.timedelta(days=9)
    elif part == "mid":
        first, last = first + dt.timedelta(days=10), first + dt.timedelta(days=19)
    elif part in ("late", "end of", "the end of"):
        first = first + dt.timedelta(days=20)
    return first, min(last, today)


def _range(lowered: str, today: dt.date) -> tuple[dt.date, dt.date] | None:
    """The days named by words that don't name one day."""
    monday = _monday(today)
    if re.search(r"\bweekend before last\b", lowered):
        return monday - dt.timedelta(days=9), monday - dt.timedelta(days=8)
    if re.search(r"\blast weekend\b", lowered):
        return monday - dt.timedelta(days=2), monday - dt.timedelta(days=1)
    if re.search(r"\b(?:the|this|at the|over the|on the) weekend\b|^weekend$", lowered):
        if today.weekday() >= 5:
            return monday + dt.timedelta(days=5), today
        return monday - dt.timedelta(days=2), monday - dt.timedelta(days=1)
    if re.search(r"\b(?:earlier )?this week\b|\bearlier in the week\b", lowered):
        return monday, today
    if re.search(r"\blast week\b|\bthe week before\b", lowered):
        return monday - dt.timedelta(days=7), monday - dt.timedelta(days=1)
    if re.search(r"\b(?:earlier )?this month\b", lowered):
        return today.replace(day=1), today
    if re.search(r"\blast month\b", lowered):
        last = today.replace(day=1) - dt.timedelta(days=1)
        return last.replace(day=1), last
    month = None if _DAY_OF_MONTH.search(lowered) else _MONTH_ONLY.search(lowered)
    # "May" alone is a month only when it stands alone or after "in", "early"...: "may i report" is not.
    if month and (month.group(3) != "may" or month.group(1) or month.group(2) or lowered.strip(" .") == "may"):
        return _month_range(month.group(3), month.group(2) or month.group(1), today)
    return None


def _weeks_ago_on(lowered: str, today: dt.date) -> dt.date | None:
    """ "three weeks ago on saturday": that week's Saturday."""
    found = _WEEKS_AGO_ON.search(lowered)
    if not found:
        return None
    count, weekday = (found.group(1), found.group(2)) if found.group(1) else (found.group(4), found.group(3))
    weeks = int(count) if count.isdigit() else _NUMBERS[count]
    day = _monday(today - dt.timedelta(weeks=weeks)) + dt.timedelta(days=_WEEKDAYS.index(weekday))
    return day


def read_when(text: object, today: dt.date, language: str | None = None) -> When | None:
    """None when nothing in the words says when. Bengali script is read in any conversation;
    Latin letters that say no date in English are read as romanised Bengali when the resident
    writes in Bengali (``language``)."""
    if not isinstance(text, str) or not text.strip():
        return None
    if is_bengali_script(text):
        return _read_english(bengali_dates_in_english(text), today)
    found = _read_english(text, today)
    if found is None and language == BENGALI:
        return _read_english(romanised_dates_in_english(text), today)
    return found


def _read_english(text: str, today: dt.date) -> When | None:
    if not text.strip():
        return None
    lowered = plain_words(text)[:300]
    ongoing = bool(_ONGOING.search(lowered))
    frequency_match = _FREQUENCY.search(lowered)
    frequency = frequency_match.group(0) if frequency_match else None
    if _UNSURE.match(lowered):
        return When(None, ongoing, frequency, unsure=True)
    days = None if ongoing and re.search(r"\bsince\b", lowered) else _range(lowered, today)
    if days:
        first, last = days
        if first > today:
            return When(first, ongoing, frequency, in_future=True)
        if first == last:
            return When(first, ongoing, frequency, earliest=first, latest=last)
        return When(None, ongoing, frequency, earliest=first, latest=last, approximate=True)
    weeks_ago = _weeks_ago_on(lowered, today)
    if weeks_ago:
        return When(weeks_ago, ongoing, frequency, earliest=weeks_ago, latest=weeks_ago)
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
    if (_HEDGED.search(cleaned) or _VAGUE_COUNT.search(lowered)) and not ongoing:
        rough = dt.timedelta(days=ROUGH_DAYS)
        return When(occurred, ongoing, frequency, earliest=occurred - rough, latest=min(occurred + rough, today),
                    approximate=True)  # fmt: skip
    return When(occurred, ongoing, frequency, earliest=occurred, latest=occurred)
