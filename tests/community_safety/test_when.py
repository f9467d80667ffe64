"""Residents' words for when something happened."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from community_safety.when import read_when

TODAY = dt.date(2026, 11, 26)  # a Thursday


@pytest.mark.parametrize(
    "text,occurred,ongoing,frequency",
    [
        ("last night", dt.date(2026, 11, 25), False, None),
        ("yesterday about 11pm", dt.date(2026, 11, 25), False, None),
        ("Last night at about 3am", dt.date(2026, 11, 25), False, None),
        ("tonight", TODAY, False, None),
        ("this morning", TODAY, False, None),
        ("3 days ago", dt.date(2026, 11, 23), False, None),
        ("a couple of weeks ago", dt.date(2026, 11, 12), False, None),
        ("on saturday", dt.date(2026, 11, 21), False, None),
        ("friday around 2am", dt.date(2026, 11, 20), False, None),
        ("12 October", dt.date(2026, 10, 12), False, None),
        ("12/10/2026", dt.date(2026, 10, 12), False, None),
        ("every evening since March", dt.date(2026, 3, 1), True, "every evening"),
        ("every night", TODAY, True, "every night"),
        ("it keeps happening, most weekends", TODAY, True, "most weekends"),
    ],
)
def test_dates_in_residents_words(text, occurred, ongoing, frequency):
    when = read_when(text, TODAY)
    assert when is not None and not when.in_future
    assert (when.occurred_on, when.ongoing, when.frequency) == (occurred, ongoing, frequency)


@pytest.mark.parametrize("text", ["tomorrow", "next week", "1 January 2030"])
def test_future_dates_are_flagged(text):
    assert read_when(text, TODAY).in_future


@pytest.mark.parametrize("text", ["not sure", "dunno", "I can't remember"])
def test_not_sure_is_an_answer(text):
    when = read_when(text, TODAY)
    assert when.unsure and when.occurred_on is None


@pytest.mark.parametrize("text", ["", "   ", "banana", None, 42])
def test_no_date_is_none(text):
    assert read_when(text, TODAY) is None


@given(st.text(max_size=400))
def test_any_text_is_read_without_error(text):
    when = read_when(text, TODAY)
    assert when is None or when.in_future or when.occurred_on is None or when.occurred_on <= TODAY
