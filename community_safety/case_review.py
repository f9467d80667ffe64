"""The ASB case review ("Community Trigger") rules: does a resident's history qualify?

Every number and switch comes from ``data/case_review.yml`` (the law lets each council set
its own threshold, never above 3), so a change of policy is a change of configuration.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields
from functools import lru_cache
from pathlib import Path

from dateutil.relativedelta import relativedelta

from community_safety.config_file import read_mapping
from community_safety.settings import settings
from community_safety.translations import default_translations
from community_safety.wording import long_day

CASE_REVIEW_FILE = Path(__file__).resolve().parent / "data" / "case_review.yml"
# Anti-social Behaviour, Crime and Policing Act 2014, Explanatory Notes para 231.
LEGAL_MAXIMUM_THRESHOLD = 3
# Why a resident stands where they do. Their Bengali is in data/bengali.yml; the values are filled
# in after translating, dates in the reader's language.
REASONS = {
    "eligible": "{count} separate incidents reported within {window} months; apply by {apply_by}",
    "acted_on": "action has been taken on these reports, and the council's rules require that none was",
    "too_late": "the application had to be made by {apply_by}, a month after the last incident",
    "not_enough": "{count} of {threshold} separate incidents reported within {window} months",
}
REPEATED = {
    1: "(1 repeated report of the same incident counted once)",
    2: "({repeated} repeated reports of the same incident counted once)",
}


class CaseReviewRulesError(ValueError):
    """The case-review configuration is missing or breaks the law's limits."""


@dataclass(frozen=True)
class CaseReviewRules:
    threshold_incidents: int = 3
    window_months: int = 6
    complaint_within_months_of_incident: int = 1
    apply_within_months_of_last_incident: int = 1
    requires_no_action_taken: bool = False
    tell_about_review_at: int = 2
    hate_incidents_included: bool = True
    single_hate_incident_qualifies: bool = False

    @classmethod
    def from_file(cls, path: Path | str = CASE_REVIEW_FILE) -> CaseReviewRules:
        spec = read_mapping(path, CaseReviewRulesError)
        known = {f.name: f.type for f in fields(cls)}
        for key, value in spec.items():
            if key not in known:
                raise CaseReviewRulesError(f"{path}: '{key}' is not a case-review setting")
            wanted = bool if known[key] in (bool, "bool") else int
            if type(value) is not wanted:
                raise CaseReviewRulesError(
                    f"{path}: '{key}' must be {'true or false' if wanted is bool else 'a whole number'}"
                )
        rules = cls(**spec)
        if not 1 <= rules.threshold_incidents <= LEGAL_MAXIMUM_THRESHOLD:
            raise CaseReviewRulesError(
                f"{path}: 'threshold_incidents' must be 1 to {LEGAL_MAXIMUM_THRESHOLD} (the law's maximum)"
            )
        for name in (
            "window_months",
            "complaint_within_months_of_incident",
            "apply_within_months_of_last_incident",
            "tell_about_review_at",
        ):
            if getattr(rules, name) < 1:
                raise CaseReviewRulesError(f"{path}: '{name}' must be at least 1")
        return rules


@dataclass(frozen=True)
class Incident:
    """One report as the rules see it."""

    reference: str
    occurred_on: dt.date  # when the behaviour happened
    reported_on: dt.date  # when the resident reported it
    place: str = ""  # where, as given; used to spot the same incident told twice
    hate: bool = False
    action_taken: bool = False
    approximate: bool = False  # the resident's words gave a range of days, or none

    @property
    def same_incident_key(self) -> tuple:
        # Two reports are the same incident only when both name the same day and place; with an
        # approximate date that can't be told, so it counts on its own.
        if self.approximate:
            return ("approximate", self.reference)
        return self.occurred_on, " ".join(self.place.casefold().split())


@dataclass(frozen=True)
class Standing:
    """Where a resident stands toward the case review, with the reason in plain words."""

    qualifying: tuple[Incident, ...]
    threshold: int
    eligible: bool
    tell_about_review: bool
    apply_by: dt.date | None
    reason_key: str  # in REASONS
    repeated: int = 0  # reports of an incident already counted
    left_out: tuple[tuple[Incident, str], ...] = field(default_factory=tuple)
    window_months: int = 0

    @property
    def count(self) -> int:
        return len(self.qualifying)

    @property
    def reason(self) -> str:
        """Why, in plain English (the staff page, the stored report)."""
        return self.reason_in(None)

    def reason_in(self, language: str | None) -> str:
        """Why, in the resident's language."""
        say = default_translations().say
        values = {
            "count": self.count,
            "threshold": self.threshold,
            "window": self.window_months,
            "apply_by": long_day(self.apply_by, language),
            "repeated": self.repeated,
        }
        reason = say(REASONS[self.reason_key], language).format(**values)
        if self.repeated:
            reason += " " + say(REPEATED[min(self.repeated, 2)], language).format(**values)
        return reason


def separate_incidents(incidents: list[Incident]) -> list[Incident]:
    """The same incident told twice (same day, same place) counts once: the first report."""
    seen: dict[tuple, Incident] = {}
    for incident in sorted(incidents, key=lambda i: (i.reported_on, i.reference)):
        seen.setdefault(incident.same_incident_key, incident)
    return sorted(seen.values(), key=lambda i: (i.reported_on, i.reference))


def standing(incidents: list[Incident], rules: CaseReviewRules, today: dt.date) -> Standing:
    window_start = today - relativedelta(months=rules.window_months)
    qualifying, left_out = [], []
    for incident in separate_incidents(incidents):
        if incident.reported_on > incident.occurred_on + relativedelta(
            months=rules.complaint_within_months_of_incident
        ):
            left_out.append((incident, "reported more than a month after it happened"))
        elif incident.reported_on < window_start:
            left_out.append((incident, f"reported more than {rules.window_months} months ago"))
        elif incident.hate and not rules.hate_incidents_included:
            left_out.append((incident, "hate incidents are not counted here"))
        else:
            qualifying.append(incident)
    duplicates = len(incidents) - len(separate_incidents(incidents))

    apply_by = None
    if qualifying:
        apply_by = max(i.reported_on for i in qualifying) + relativedelta(
            months=rules.apply_within_months_of_last_incident
        )
    enough = len(qualifying) >= rules.threshold_incidents or (
        rules.single_hate_incident_qualifies and any(i.hate for i in qualifying)
    )
    acted_on = rules.requires_no_action_taken and any(i.action_taken for i in qualifying)
    in_time = apply_by is not None and today <= apply_by
    eligible = enough and not acted_on and in_time

    if eligible:
        reason = "eligible"
    elif enough and acted_on:
        reason = "acted_on"
    elif enough and not in_time:
        reason = "too_late"
    else:
        reason = "not_enough"
    return Standing(
        qualifying=tuple(qualifying),
        threshold=rules.threshold_incidents,
        eligible=eligible,
        tell_about_review=len(qualifying) >= rules.tell_about_review_at,
        apply_by=apply_by,
        reason_key=reason,
        repeated=duplicates,
        left_out=tuple(left_out),
        window_months=rules.window_months,
    )


@lru_cache(maxsize=1)
def default_rules() -> CaseReviewRules:
    """The rules the running bot uses, read once (a deployment may point CASE_REVIEW_FILE elsewhere)."""
    return CaseReviewRules.from_file(settings().case_review_file)
