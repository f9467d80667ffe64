"""Typed answers are read the way residents mean them; anything else is None, never an error."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from community_safety.answers import about_whom, age_group, homeless_tonight, is_cancel, yes_no


@pytest.mark.parametrize(
    "text,expected",
    [
        ("yes", "yes"),
        ("Yeah", "yes"),
        ("yep!", "yes"),
        ("y", "yes"),
        ("ok", "yes"),
        ("no", "no"),
        ("Nope", "no"),
        ("nah", "no"),
        ("no one is hurt", "no"),
        ("not really", "no"),
        ("banana", None),
        ("", None),
        (None, None),
        (42, None),
    ],
)
def test_yes_no(text, expected):
    assert yes_no(text) == expected


@pytest.mark.parametrize(
    "text,expected",
    [
        ("me", "self"),
        ("it's me", "self"),
        ("myself", "self"),
        ("i am", "self"),
        ("someone else", "other"),
        ("my son", "other"),
        ("my neighbour", "other"),
        ("a friend", "other"),
        ("not me", "other"),
        ("banana", None),
        ("", None),
    ],
)
def test_about_whom(text, expected):
    assert about_whom(text) == expected


@pytest.mark.parametrize(
    "text,expected",
    [
        ("under 18", "child"),
        ("Under 18", "child"),
        ("he's 15", "child"),
        ("17", "child"),
        ("a child", "child"),
        ("teenager", "child"),
        ("18 or over", "adult"),
        ("over 18", "adult"),
        ("adult", "adult"),
        ("42", "adult"),
        ("about 30 i think", "adult"),
        ("not under 18", "adult"),
        ("elderly", "adult"),
        # The question asks "under 18?": yes and no answer it.
        ("yes", "child"),
        ("Yeah", "child"),
        ("no", "adult"),
        ("nope", "adult"),
        ("banana", None),
    ],
)
def test_age_group(text, expected):
    assert age_group(text) == expected


@pytest.mark.parametrize(
    "text,expected",
    [
        ("nowhere tonight", "yes"),
        ("yes", "yes"),
        ("I'll be on the streets", "yes"),
        ("I have somewhere for now", "no"),
        ("staying with my cousin", "no"),
        ("I've got a few nights left at a mate's", "no"),
        ("at my sister’s for now", "no"),
        ("I'm ok for tonight", "no"),
        ("not tonight, I've got till Sunday", "no"),
        ("I'm sleeping in my car", "yes"),
        ("no", "no"),
        ("banana", None),
    ],
)
def test_homeless_tonight(text, expected):
    assert homeless_tonight(text) == expected


@given(st.one_of(st.text(max_size=5000), st.none(), st.integers(), st.binary()))
def test_any_input_gives_an_answer_or_none(value):
    assert yes_no(value) in ("yes", "no", None)
    assert about_whom(value) in ("self", "other", None)
    assert age_group(value) in ("child", "adult", None)
    assert homeless_tonight(value) in ("yes", "no", None)


@pytest.mark.parametrize(
    "text,expected",
    [
        ("cancel", True),
        ("Stop", True),
        ("stop here", True),
        ("forget it", True),
        ("never mind", True),
        ("I don't want to report it any more", True),
        ("cancel my report", True),
        ("they won't stop shouting", False),
        ("it's me", False),
        ("the bus stop", False),
        ("", False),
        (None, False),
    ],
)
def test_is_cancel(text, expected):
    assert is_cancel(text) is expected


@pytest.mark.parametrize(
    "text,expected",
    [
        ("হ্যাঁ", "yes"),
        ("জি", "yes"),
        ("অয়", "yes"),  # Sylheti
        ("ha", "yes"),
        ("ji", "yes"),
        ("না", "no"),
        ("না, দরকার নেই", "no"),
        ("নাই", "no"),
        ("nai", "no"),
        ("ji na", "no"),
        ("জানি না", None),  # "I don't know" is not a no
        ("নাম", None),
    ],
)
def test_bengali_yes_and_no(text, expected):
    assert yes_no(text) == expected


@pytest.mark.parametrize(
    "text,expected",
    [
        ("আমি", "self"),
        ("আমার নিজের জন্য", "self"),
        ("amar jonno", "self"),
        ("অন্য কেউ", "other"),
        ("amar protibeshi", "other"),
    ],
)
def test_bengali_about_whom(text, expected):
    assert about_whom(text) == expected


def test_bengali_age_in_bengali_digits():
    assert age_group("১৫ বছর") == "child" and age_group("৪২") == "adult"


@pytest.mark.parametrize(
    "text,parent,with_them,about",
    [
        ("we've been evicted and me and my two kids have nowhere to sleep tonight", True, True, "self"),
        ("my kids and I are scared of my ex", True, True, "self"),
        ("ive got two kids and my landlord is evicting us tomorrow", True, True, "self"),
        ("my son is being groomed", True, False, "other"),
        ("our daughter hasn't come home", True, False, "other"),
        ("there are kids sleeping in the stairwell", False, False, "other"),
        ("im 16 and my mum kicked me out", False, False, None),
        ("the kids next door are left alone", False, False, "other"),
    ],
)
def test_a_parent_speaking_of_their_own_children(text, parent, with_them, about):
    from community_safety.answers import about_in_message, speaks_as_parent, with_own_children

    assert (speaks_as_parent(text), with_own_children(text), about_in_message(text)) == (parent, with_them, about)


@pytest.mark.parametrize(
    "text,expected",
    [
        ("we have nowhere to sleep tonight", True),
        ("tonight we have nowhere to go", True),
        ("I'm sleeping rough tonight", True),
        ("I might lose my flat next month", False),
        ("nowhere to sleep", False),
    ],
)
def test_nowhere_tonight_in_a_first_message(text, expected):
    from community_safety.answers import nowhere_tonight

    assert nowhere_tonight(text) is expected


@pytest.mark.parametrize(
    "text,parent",
    [
        ("last night I walked out with the baby", True),
        ("we left with the kids and we're at my sister's", True),
        ("I'm staying at a friend's with my two children", True),
        ("I saw a man with the kids by the shops", False),
        ("the man next door walked out with the baby", False),
        # Another child, placed by the resident's own.
        ("a girl from my daughter's class is sleeping at friends' houses", False),
        ("one of my kids' mates has been kicked out", False),
        ("my son's father threatens me when he drops the kids off", True),
    ],
)
def test_leaving_or_staying_somewhere_with_the_children_is_a_parent_speaking(text, parent):
    from community_safety.answers import speaks_as_parent

    assert speaks_as_parent(text) is parent
