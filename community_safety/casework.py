"""Casework targets (due dates in working days) and retention periods, from ``data/casework.yml``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from community_safety.config_file import read_mapping
from community_safety.settings import settings

CASEWORK_FILE = Path(__file__).resolve().parent / "data" / "casework.yml"


class CaseworkError(ValueError):
    """The casework file is missing a value or holds a wrong one; the message names it."""


@dataclass(frozen=True)
class Casework:
    contact_within: int
    decision_within: int
    bank_holidays: frozenset[dt.date]
    closed_reports_months: int
    conversations_days: int
    open_records_months: int = 36
    scrub_anonymous_after_minutes: int = 10
    audit_log_months: int = 72

    def working_days_after(self, start: dt.date, days: int) -> dt.date:
        day = start
        while days > 0:
            day += dt.timedelta(days=1)
            if day.weekday() < 5 and day not in self.bank_holidays:
                days -= 1
        return day

    def contact_due(self, reported_on: dt.date) -> dt.date:
        return self.working_days_after(reported_on, self.contact_within)

    def decision_due(self, applied_on: dt.date) -> dt.date:
        return self.working_days_after(applied_on, self.decision_within)


def _positive(spec: dict, key: str, path: Path) -> int:
    value = spec.get(key)
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        raise CaseworkError(f"{path}: '{key}' must be a whole number above 0")
    return value


def _at_least(spec: dict, key: str, least: int, path: Path) -> int:
    value = _positive(spec, key, path)
    if value < least:
        raise CaseworkError(f"{path}: '{key}' must be at least {least}")
    return value


def months(count: int) -> dt.timedelta:
    """A number of months as days, as the retention periods count them."""
    return dt.timedelta(days=round(count * 30.44))


def load_casework(path: Path = CASEWORK_FILE) -> Casework:
    spec = read_mapping(path, CaseworkError)
    holidays = spec.get("bank_holidays") or []
    if not isinstance(holidays, list) or not all(isinstance(d, dt.date) for d in holidays):
        raise CaseworkError(f"{path}: 'bank_holidays' must be a list of dates (YYYY-MM-DD)")
    retention = spec.get("retention")
    if not isinstance(retention, dict):
        raise CaseworkError(f"{path}: 'retention' is missing")
    return Casework(
        contact_within=_positive(spec, "contact_victim_within_working_days", path),
        decision_within=_positive(spec, "case_review_decision_within_working_days", path),
        bank_holidays=frozenset(holidays),
        closed_reports_months=_positive(retention, "closed_reports_months", path),
        conversations_days=_positive(retention, "conversations_days", path),
        open_records_months=_positive(retention, "open_records_months", path),
        # Rasa's server keeps a quiet conversation in memory for 2 minutes (rasa_patches/tracker_store.py).
        scrub_anonymous_after_minutes=_at_least(retention, "scrub_anonymous_after_minutes", 5, path),
        audit_log_months=_at_least(retention, "audit_log_months", 12, path),
    )


@lru_cache(maxsize=1)
def default_casework() -> Casework:
    return load_casework(settings().casework_file)
