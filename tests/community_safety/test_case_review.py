"""The case-review rules, table-driven, at their boundaries."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from community_safety.case_review import CaseReviewRules, CaseReviewRulesError, Incident, standing

TODAY = dt.date(2026, 11, 26)
RULES = CaseReviewRules.from_file()
D = dt.date


def incident(ref, occurred, reported=None, place="", **kw):
    return Incident(ref, occurred, reported or occurred, place or f"place {ref}", **kw)


@pytest.mark.parametrize(
    "name,incidents,rules,eligible,count,tell",
    [
        ("none", [], RULES, False, 0, False),
        ("one", [incident("A", D(2026, 11, 1))], RULES, False, 1, False),
        (
            "two: told the review exists",
            [incident("A", D(2026, 11, 1)), incident("B", D(2026, 11, 10))],
            RULES,
            False,
            2,
            True,
        ),
        (
            "the third incident",
            [incident("A", D(2026, 10, 30)), incident("B", D(2026, 11, 10)), incident("C", D(2026, 11, 20))],
            RULES,
            True,
            3,
            True,
        ),
        (
            "exactly 6 months ago counts",
            [incident("A", D(2026, 5, 26)), incident("B", D(2026, 11, 10)), incident("C", D(2026, 11, 20))],
            RULES,
            True,
            3,
            True,
        ),
        (
            "6 months and a day ago does not",
            [incident("A", D(2026, 5, 25)), incident("B", D(2026, 11, 10)), incident("C", D(2026, 11, 20))],
            RULES,
            False,
            2,
            True,
        ),
        (
            "the same incident told twice counts once",
            [
                incident("A", D(2026, 11, 1), place="Brick Lane"),
                incident("A2", D(2026, 11, 1), D(2026, 11, 2), place="brick  lane"),
                incident("B", D(2026, 11, 10)),
            ],
            RULES,
            False,
            2,
            True,
        ),
        (
            "same day, different places: separate incidents",
            [
                incident("A", D(2026, 11, 1), place="Brick Lane"),
                incident("B", D(2026, 11, 1), place="Roman Road"),
                incident("C", D(2026, 11, 10)),
            ],
            RULES,
            True,
            3,
            True,
        ),
        (
            "reported exactly a month after it happened counts",
            [
                incident("A", D(2026, 10, 1), D(2026, 11, 1)),
                incident("B", D(2026, 11, 10)),
                incident("C", D(2026, 11, 20)),
            ],
            RULES,
            True,
            3,
            True,
        ),
        (
            "reported over a month after it happened does not",
            [
                incident("A", D(2026, 9, 30), D(2026, 11, 1)),
                incident("B", D(2026, 11, 10)),
                incident("C", D(2026, 11, 20)),
            ],
            RULES,
            False,
            2,
            True,
        ),
        (
            "applying more than a month after the last incident is too late",
            [incident("A", D(2026, 9, 1)), incident("B", D(2026, 9, 10)), incident("C", D(2026, 10, 20))],
            RULES,
            False,
            3,
            True,
        ),
        (
            "applying exactly a month after the last incident is in time",
            [incident("A", D(2026, 9, 1)), incident("B", D(2026, 9, 10)), incident("C", D(2026, 10, 26))],
            RULES,
            True,
            3,
            True,
        ),
        (
            "action taken does not matter under current wording",
            [
                incident("A", D(2026, 11, 1), action_taken=True),
                incident("B", D(2026, 11, 10)),
                incident("C", D(2026, 11, 20)),
            ],
            RULES,
            True,
            3,
            True,
        ),
        (
            "action taken matters under the older wording",
            [
                incident("A", D(2026, 11, 1), action_taken=True),
                incident("B", D(2026, 11, 10)),
                incident("C", D(2026, 11, 20)),
            ],
            dataclasses.replace(RULES, requires_no_action_taken=True),
            False,
            3,
            True,
        ),
        (
            "hate incidents count toward the three",
            [incident("A", D(2026, 11, 1), hate=True), incident("B", D(2026, 11, 10)), incident("C", D(2026, 11, 20))],
            RULES,
            True,
            3,
            True,
        ),
        (
            "a council that leaves hate incidents out",
            [incident("A", D(2026, 11, 1), hate=True), incident("B", D(2026, 11, 10)), incident("C", D(2026, 11, 20))],
            dataclasses.replace(RULES, hate_incidents_included=False),
            False,
            2,
            True,
        ),
        (
            "one hate incident where the council's rules allow it",
            [incident("A", D(2026, 11, 20), hate=True)],
            dataclasses.replace(RULES, single_hate_incident_qualifies=True),
            True,
            1,
            False,
        ),
        (
            "one hate incident under Tower Hamlets' rules",
            [incident("A", D(2026, 11, 20), hate=True)],
            RULES,
            False,
            1,
            False,
        ),
        (
            "a lower threshold set by the council",
            [incident("A", D(2026, 11, 1)), incident("B", D(2026, 11, 10))],
            dataclasses.replace(RULES, threshold_incidents=2),
            True,
            2,
            True,
        ),
    ],
)
def test_standing(name, incidents, rules, eligible, count, tell):
    result = standing(incidents, rules, TODAY)
    assert (result.eligible, result.count, result.tell_about_review) == (eligible, count, tell), result.reason


def test_apply_by_is_a_month_after_the_last_incident():
    result = standing(
        [incident("A", D(2026, 11, 1)), incident("B", D(2026, 11, 10)), incident("C", D(2026, 11, 20))], RULES, TODAY
    )
    assert result.apply_by == D(2026, 12, 20)
    assert "20 December 2026" in result.reason


def test_duplicates_are_explained():
    result = standing(
        [incident("A", D(2026, 11, 1), place="x"), incident("B", D(2026, 11, 1), place="x")], RULES, TODAY
    )
    assert "(1 repeated report of the same incident counted once)" in result.reason


def test_the_reason_in_bengali_has_the_same_figures_and_a_bengali_date():
    result = standing(
        [incident("A", D(2026, 11, 1)), incident("B", D(2026, 11, 10)), incident("C", D(2026, 11, 20))], RULES, TODAY
    )
    assert result.reason == "3 separate incidents reported within 6 months; apply by 20 December 2026"
    assert result.reason_in("bn") == "6 মাসের মধ্যে 3টি আলাদা ঘটনা রিপোর্ট করা হয়েছে; 20 ডিসেম্বর 2026-এর মধ্যে আবেদন করুন"


@pytest.mark.parametrize(
    "text,message",
    [
        ("threshold_incidents: 4\n", "law's maximum"),
        ("threshold_incidents: 0\n", "law's maximum"),
        ("threshold_incidents: three\n", "whole number"),
        ("window_months: 0\n", "at least 1"),
        ("requires_no_action_taken: maybe\n", "true or false"),
        ("favourite_colour: 3\n", "not a case-review setting"),
    ],
)
def test_bad_configuration_is_refused(tmp_path, text, message):
    path = tmp_path / "case_review.yml"
    path.write_text(text)
    with pytest.raises(CaseReviewRulesError, match=message):
        CaseReviewRules.from_file(path)


def test_the_shipped_rules_are_tower_hamlets_current_criteria():
    assert (RULES.threshold_incidents, RULES.window_months, RULES.apply_within_months_of_last_incident) == (3, 6, 1)
    assert RULES.hate_incidents_included and not RULES.requires_no_action_taken


def test_approximate_dates_count_on_their_own_and_are_never_merged():
    same_day_and_place = [
        incident("A", D(2026, 11, 22), place="Brick Lane", approximate=True),
        incident("B", D(2026, 11, 22), place="Brick Lane", approximate=True),
        incident("C", D(2026, 11, 22), place="Brick Lane"),
        incident("D", D(2026, 11, 22), place="Brick Lane"),
    ]
    # C and D name the same day and place: one incident. A and B can't be told apart: each counts.
    assert standing(same_day_and_place, RULES, TODAY).count == 3


def test_a_range_counts_on_its_last_day_for_the_one_month_rule():
    from community_safety.records.models import Report
    from community_safety.records.reports import as_incident

    report = Report(
        reference="ASB-2026-00001",
        created_at=dt.datetime(2026, 11, 26, 10, 0),
        occurred_on=None,
        occurred_from=D(2026, 10, 1),
        occurred_to=D(2026, 10, 31),
        occurred_approximate=True,
        location_text="Bow",
    )
    counted = as_incident(report)
    assert counted.occurred_on == D(2026, 10, 31) and counted.approximate
    assert standing([counted], RULES, TODAY).count == 1  # "in October", reported 26 November: in time
