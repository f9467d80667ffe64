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


D = dt.date
# Ways residents say when, with the day (or the range of days) each means on Thursday 26 November 2026.
# (text, earliest, latest, approximate): one day is earliest == latest.
DATES = [
    ("last night", D(2026, 11, 25), D(2026, 11, 25), False),
    ("yesterday", D(2026, 11, 25), D(2026, 11, 25), False),
    ("yesterday evening", D(2026, 11, 25), D(2026, 11, 25), False),
    ("this morning", TODAY, TODAY, False),
    ("earlier today", TODAY, TODAY, False),
    ("tonight around 8", TODAY, TODAY, False),
    ("the night before last", D(2026, 11, 24), D(2026, 11, 24), False),
    ("the day before yesterday", D(2026, 11, 24), D(2026, 11, 24), False),
    ("3 days ago", D(2026, 11, 23), D(2026, 11, 23), False),
    ("on monday", D(2026, 11, 23), D(2026, 11, 23), False),
    ("saturday night", D(2026, 11, 21), D(2026, 11, 21), False),
    ("friday around 2am", D(2026, 11, 20), D(2026, 11, 20), False),
    ("last tuesday", D(2026, 11, 24), D(2026, 11, 24), False),
    ("three weeks ago on saturday night around 11pm", D(2026, 11, 7), D(2026, 11, 7), False),
    ("saturday 2 weeks ago", D(2026, 11, 14), D(2026, 11, 14), False),
    ("12 October", D(2026, 10, 12), D(2026, 10, 12), False),
    ("october 12th", D(2026, 10, 12), D(2026, 10, 12), False),
    ("the 3rd of october", D(2026, 10, 3), D(2026, 10, 3), False),
    ("12/10/2026", D(2026, 10, 12), D(2026, 10, 12), False),
    ("1st November", D(2026, 11, 1), D(2026, 11, 1), False),
    ("last weekend", D(2026, 11, 21), D(2026, 11, 22), True),
    ("at the weekend", D(2026, 11, 21), D(2026, 11, 22), True),
    ("the weekend", D(2026, 11, 21), D(2026, 11, 22), True),
    ("over the weekend", D(2026, 11, 21), D(2026, 11, 22), True),
    ("the weekend before last", D(2026, 11, 14), D(2026, 11, 15), True),
    ("earlier this week", D(2026, 11, 23), TODAY, True),
    ("this week", D(2026, 11, 23), TODAY, True),
    ("last week", D(2026, 11, 16), D(2026, 11, 22), True),
    ("earlier this month", D(2026, 11, 1), TODAY, True),
    ("last month", D(2026, 10, 1), D(2026, 10, 31), True),
    ("in october", D(2026, 10, 1), D(2026, 10, 31), True),
    ("October", D(2026, 10, 1), D(2026, 10, 31), True),
    ("sometime in august", D(2026, 8, 1), D(2026, 8, 31), True),
    ("early october", D(2026, 10, 1), D(2026, 10, 10), True),
    ("mid november", D(2026, 11, 11), D(2026, 11, 20), True),
    ("end of august", D(2026, 8, 21), D(2026, 8, 31), True),
    ("in may", D(2026, 5, 1), D(2026, 5, 31), True),
    ("december", D(2025, 12, 1), D(2025, 12, 31), True),
    ("about a fortnight ago", D(2026, 11, 9), D(2026, 11, 15), True),
    ("a couple of weeks ago", D(2026, 11, 9), D(2026, 11, 15), True),
    ("about 3 weeks ago", D(2026, 11, 2), D(2026, 11, 8), True),
    ("a few days ago", D(2026, 11, 20), D(2026, 11, 26), True),
    ("I think it was tuesday", D(2026, 11, 21), D(2026, 11, 26), True),
    ("I'm not sure, maybe october", D(2026, 10, 1), D(2026, 10, 31), True),
]


@pytest.mark.parametrize("text,earliest,latest,approximate", DATES, ids=[row[0] for row in DATES])
def test_the_day_or_days_residents_mean(text, earliest, latest, approximate):
    when = read_when(text, TODAY)
    assert when is not None and not when.in_future and not when.ongoing
    assert (when.earliest, when.latest, when.approximate) == (earliest, latest, approximate)
    # One sure day is the incident's date; a range has none, so it is never taken for its first day.
    assert when.occurred_on == (earliest if not approximate else when.occurred_on)
    if approximate and earliest.day == 1 and latest > earliest + dt.timedelta(days=6):
        assert when.occurred_on is None


def test_the_table_has_forty_ways():
    assert len(DATES) >= 40


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


# Bengali, in its script (standard and Sylheti spellings) and romanised; TODAY is a Thursday.
BENGALI_DATES = [
    ("গতকাল", dt.date(2026, 11, 25), dt.date(2026, 11, 25), False),
    ("গতকাল রাত ১১টার দিকে", dt.date(2026, 11, 25), dt.date(2026, 11, 25), False),
    ("কাইল রাইতে", dt.date(2026, 11, 25), dt.date(2026, 11, 25), False),
    ("আজ সকালে", TODAY, TODAY, False),
    ("আইজ বিকালে", TODAY, TODAY, False),
    ("পরশু", dt.date(2026, 11, 24), dt.date(2026, 11, 24), False),
    ("গত সোমবার", dt.date(2026, 11, 23), dt.date(2026, 11, 23), False),
    ("শনিবার রাতে", dt.date(2026, 11, 21), dt.date(2026, 11, 21), False),
    ("৩ দিন আগে", dt.date(2026, 11, 23), dt.date(2026, 11, 23), False),
    ("দুই সপ্তাহ আগে", dt.date(2026, 11, 12), dt.date(2026, 11, 12), False),
    ("১২ অক্টোবর", dt.date(2026, 10, 12), dt.date(2026, 10, 12), False),
    ("গত সপ্তাহে", dt.date(2026, 11, 16), dt.date(2026, 11, 22), True),
    ("গত মাসে", dt.date(2026, 10, 1), dt.date(2026, 10, 31), True),
    ("গত শুক্রবার সন্ধ্যায় হয়েছিল", dt.date(2026, 11, 20), dt.date(2026, 11, 20), False),
]
ROMANISED_DATES = [
    ("gotokal rate", dt.date(2026, 11, 25), dt.date(2026, 11, 25), False),
    ("ajke shokale", TODAY, TODAY, False),
    ("3 din age", dt.date(2026, 11, 23), dt.date(2026, 11, 23), False),
    ("dui shoptaho age", dt.date(2026, 11, 12), dt.date(2026, 11, 12), False),
    ("shonibar rate", dt.date(2026, 11, 21), dt.date(2026, 11, 21), False),
    ("goto shoptahe", dt.date(2026, 11, 16), dt.date(2026, 11, 22), True),
]


@pytest.mark.parametrize("text,earliest,latest,approximate", BENGALI_DATES)
def test_dates_in_bengali(text, earliest, latest, approximate):
    when = read_when(text, TODAY)
    assert (when.earliest, when.latest, when.approximate) == (earliest, latest, approximate)


@pytest.mark.parametrize("text,earliest,latest,approximate", ROMANISED_DATES)
def test_dates_in_romanised_bengali_when_the_resident_writes_bengali(text, earliest, latest, approximate):
    when = read_when(text, TODAY, language="bn")
    assert (when.earliest, when.latest, when.approximate) == (earliest, latest, approximate)
    # In an English conversation these are not dates: nothing is guessed from them.
    assert read_when(text, TODAY) is None


@pytest.mark.parametrize(
    "text,frequency",
    [("প্রতিদিন রাতে", "every night"), ("মার্চ থেকে প্রতি সন্ধ্যায়", "every evening"), ("২ সপ্তাহ ধরে", None)],
)
def test_bengali_for_something_still_going_on(text, frequency):
    when = read_when(text, TODAY)
    assert when.ongoing and when.frequency == frequency


@pytest.mark.parametrize("text,language", [("জানি না", None), ("মনে নেই", None), ("ami jani na", "bn")])
def test_not_sure_in_bengali(text, language):
    assert read_when(text, TODAY, language).unsure


def test_english_words_in_a_bengali_conversation_are_read_as_english():
    assert read_when("last friday", TODAY, language="bn").occurred_on == dt.date(2026, 11, 20)


@given(st.text(max_size=400), st.sampled_from([None, "en", "bn"]))
def test_any_text_in_any_language_is_read_without_error(text, language):
    when = read_when(text, TODAY, language)
    assert when is None or when.in_future or when.occurred_on is None or when.occurred_on <= TODAY


BENGALI_LETTERS = st.characters(min_codepoint=0x0980, max_codepoint=0x09FF) | st.sampled_from(" ১২৩")


@given(st.text(alphabet=BENGALI_LETTERS, max_size=200))
def test_any_bengali_script_is_read_without_error(text):
    when = read_when(text, TODAY)
    assert when is None or when.in_future or when.occurred_on is None or when.occurred_on <= TODAY


@given(st.text(max_size=400))
def test_any_text_is_read_without_error(text):
    when = read_when(text, TODAY)
    assert when is None or when.in_future or when.occurred_on is None or when.occurred_on <= TODAY
