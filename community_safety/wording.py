"""How dates, statuses and channels read, on the staff site and in the chat alike. The staff site
registers each as a template filter (staff/app.py), so a page never formats them itself. What a
resident reads takes their language; the Bengali words are in data/bengali.yml like the rest."""

from __future__ import annotations

import datetime as dt
from typing import Any

from community_safety.channels import channel_name
from community_safety.languages import BENGALI
from community_safety.records.statuses import REPORT_STATUSES
from community_safety.translations import default_translations

LANGUAGE_NAMES = {"en": "English", "bn": "Bengali (বাংলা)"}


def status_name(status: str | None) -> str:
    """A status as staff see it: "In progress"."""
    known = REPORT_STATUSES.get(status or "")
    return known.name if known else (status or "").replace("_", " ").capitalize()


def status_tag(status: str | None) -> str:
    """The staff site's tag class for a status: "govuk-tag--blue"."""
    known = REPORT_STATUSES.get(status or "")
    return f"govuk-tag--{known.tag}" if known else ""


def status_for_resident(status: str | None, language: str | None = None) -> str:
    """A status as the resident is told it: "Being looked into by a caseworker"."""
    known = REPORT_STATUSES.get(status or "")
    return default_translations().say(known.for_resident if known else status_name(status), language)


def language_name(language: str | None) -> str:
    """The language a resident wrote in, as staff see it: "Bengali (বাংলা)"."""
    return LANGUAGE_NAMES.get(language or "", language or "")


def _bengali_day(value: dt.date | dt.datetime) -> str:
    """26 নভেম্বর 2026: digits as the resident dials and types them, the month in Bengali."""
    return f"{value.day} {default_translations().say(f'{value:%B}', BENGALI)} {value.year}"


def day(value: dt.date | dt.datetime | None, language: str | None = None) -> str:
    """26 Nov 2026"""
    if not value:
        return ""
    return _bengali_day(value) if language == BENGALI else f"{value:%-d %b %Y}"


def long_day(value: dt.date | dt.datetime | None, language: str | None = None) -> str:
    """26 November 2026"""
    if not value:
        return ""
    return _bengali_day(value) if language == BENGALI else f"{value:%-d %B %Y}"


def moment(value: dt.datetime | None) -> str:
    """26 Nov 2026 14:05"""
    return f"{value:%-d %b %Y %H:%M}" if value else ""


def timestamp(value: dt.datetime | None) -> str:
    """26 Nov 2026 14:05:09, for the audit log"""
    return f"{value:%-d %b %Y %H:%M:%S}" if value else ""


def occurred(report: Any) -> str:
    """When a report's incident happened: the day, or the range the resident's words allow."""
    if report.occurred_approximate and report.occurred_from and report.occurred_to:
        if report.occurred_from == report.occurred_to:
            return f"about {long_day(report.occurred_on or report.occurred_to)} (approximate)"
        return f"between {long_day(report.occurred_from)} and {long_day(report.occurred_to)} (approximate)"
    if report.occurred_on:
        return long_day(report.occurred_on)
    return "not given: see their words" if report.occurred_text else ""


def words(name: str | None) -> str:
    """A field's name in words: "feels_safe_at_home" -> "feels safe at home"."""
    return (name or "").replace("_", " ")


def waited(since: dt.datetime | None, now: dt.datetime | None = None) -> str:
    """How long since (UTC): "under a minute", "4 min", "1 h 05 min"."""
    if not since:
        return ""
    minutes = int(((now or dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)) - since).total_seconds() // 60)
    if minutes < 1:
        return "under a minute"
    return f"{minutes} min" if minutes < 60 else f"{minutes // 60} h {minutes % 60:02d} min"


def duration(seconds: float | None) -> str:
    """An interval in words: "10 s", "1 min", "1 h"."""
    seconds = round(seconds or 0)
    if seconds < 60 or seconds % 60:
        return f"{seconds} s"
    return f"{seconds // 60} min" if seconds < 3600 or seconds % 3600 else f"{seconds // 3600} h"


def sent_at(value: float | None) -> str:
    """A conversation store's time (seconds, UTC) as staff read times: "26 Nov 2026 14:05"."""
    if value is None:
        return ""
    return moment(dt.datetime.fromtimestamp(value, dt.timezone.utc).replace(tzinfo=None))


def percent(value: float | None) -> str:
    """0.734 -> "73%"."""
    return "" if value is None else f"{round(value * 100)}%"


def file_size(size: int | None) -> str:
    """1.4 MB, 230 KB, 812 bytes: as people say file sizes."""
    if size is None:
        return ""
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB"
    if size >= 1024:
        return f"{round(size / 1024)} KB"
    return f"{size} bytes"


FILTERS = {
    "duration": duration,
    "file_size": file_size,
    "sent_at": sent_at,
    "percent": percent,
    "status_name": status_name,
    "status_for_resident": status_for_resident,
    "status_tag": status_tag,
    "channel_name": channel_name,
    "language_name": language_name,
    "day": day,
    "long_day": long_day,
    "moment": moment,
    "occurred": occurred,
    "timestamp": timestamp,
    "words": words,
    "waited": waited,
}
