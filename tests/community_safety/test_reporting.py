"""Reading a resident's report answers, and what is stored."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from community_safety import reporting
from community_safety.reporting import (
    ALL_SLOTS,
    MAX_TEXT,
    QUESTIONS,
    default_reporting,
    report_fields,
    summary,
)

TODAY = dt.date(2026, 11, 26)
REPORTING = default_reporting()
# Each question's reader, as the report form's validate_<slot> methods use them.
READERS = {
    "report_description": reporting.read_description,
    "report_location": reporting.read_location,
    "report_when": lambda value: reporting.read_when_answer(value, TODAY),
    "report_people": reporting.read_people,
    **{slot: (lambda value, slot=slot: reporting.read_impact(slot, value)) for slot in reporting.IMPACT},
    "report_agencies": reporting.read_agencies,
    "report_evidence": reporting.read_evidence,
    "report_anonymous": reporting.read_anonymous,
    "report_contact": reporting.read_contact,
    "report_confirm": reporting.read_confirm,
    "report_change": reporting.read_change,
}


def read_answer(slot, value, today):
    assert today == TODAY
    return READERS[slot](value)


def test_every_question_has_a_reader():
    assert set(READERS) == {*QUESTIONS, "report_change"}


@pytest.mark.parametrize(
    "slot,text,slots,problem",
    [
        ("report_description", "music till 4am", {"report_description": "music till 4am"}, None),
        ("report_description", "x", {"report_description": None}, "too_short"),
        (
            "report_location",
            "outside 12 brick lane e1 6an",
            {"report_location": "outside 12 brick lane e1 6an", "report_postcode": "E1 6AN"},
            None,
        ),
        ("report_location", "Ocean Estate", {"report_location": "Ocean Estate", "report_postcode": None}, None),
        (
            "report_when",
            "last night",
            {
                "report_when": "last night",
                "report_date": "2026-11-25",
                "report_date_from": "2026-11-25",
                "report_date_to": "2026-11-25",
                "report_approximate": False,
                "report_ongoing": False,
                "report_frequency": None,
            },
            None,
        ),
        ("report_when", "tomorrow", {"report_when": None}, "future_date"),
        ("report_when", "banana", {"report_when": None}, "no_date"),
        ("report_targeted", "yeah", {"report_targeted": "yes"}, None),
        ("report_children", "prefer not to say", {"report_children": "not sure"}, None),
        ("report_hate", "purple", {"report_hate": None}, "not_understood"),
        ("report_agencies", "no", {"report_agencies": "no one else"}, None),
        ("report_people", "জানি না", {"report_people": "not known"}, None),
        ("report_people", "keu na", {"report_people": "not known"}, None),
        ("report_people", "নাসির আর তার ভাই", {"report_people": "নাসির আর তার ভাই"}, None),
        ("report_agencies", "না", {"report_agencies": "no one else"}, None),
        ("report_evidence", "No files", {"report_evidence": "done"}, None),
        ("report_evidence", "that's all", {"report_evidence": "done"}, None),
        ("report_evidence", "I'll send them later", {"report_evidence": "done"}, None),
        ("report_evidence", "কোনো ফাইল নেই", {"report_evidence": "done"}, None),
        ("report_evidence", "এই সব", {"report_evidence": "done"}, None),
        # Yes keeps the question open, asked again as "send them now".
        ("report_evidence", "yes I have a video", {"report_evidence": None, "report_files": 0}, None),
        ("report_evidence", "purple", {"report_evidence": None}, "not_understood"),
        ("report_anonymous", "Anonymous", {"report_anonymous": "anonymous", "report_contact": None}, None),
        ("report_anonymous", "link it to me", {"report_anonymous": "linked"}, None),
        ("report_contact", "07700 900123", {"report_contact": "07700 900123"}, None),
        ("report_contact", "me@example.org", {"report_contact": "me@example.org"}, None),
        ("report_contact", "no contact, thanks", {"report_contact": "none"}, None),
        ("report_contact", "call me maybe", {"report_contact": None}, "bad_contact"),
        ("report_confirm", "Send report", {"report_confirm": "send"}, None),
        ("report_confirm", "yes", {"report_confirm": "send"}, None),
        ("report_confirm", "change something", {"report_confirm": "change"}, None),
    ],
)
def test_answers(slot, text, slots, problem):
    answer = read_answer(slot, text, TODAY)
    assert answer.slots == slots and answer.problem == problem


def test_the_evidence_question_says_to_send_them_once_they_have_said_yes_or_sent_one():
    first = REPORTING.prompt("report_evidence", {})
    assert "Do you have any photos" in first.text and first.buttons == (("No files", "no"),)
    now = REPORTING.prompt("report_evidence", {"report_files": 0})
    assert now.text.startswith("Please send them now") and now.buttons == (("That's all", "that's all"),)
    more = REPORTING.prompt("report_evidence", {"report_files": 2}, "bn")
    assert "2টা" in more.text and read_answer("report_evidence", more.buttons[0][1], TODAY).slots["report_evidence"]
    # Asked twice and still not read: moved on (files sent later still go with the report).
    assert reporting.after_two_tries("report_evidence", "purple").slots == {"report_evidence": "done"}


def test_a_long_description_is_kept_to_the_limit_and_said_so():
    answer = read_answer("report_description", "word " * 1000, TODAY)
    assert len(answer.slots["report_description"]) == MAX_TEXT and answer.problem == "kept_first_part"


def test_changing_when_clears_what_was_read_from_it():
    answer = read_answer("report_change", "When", TODAY)
    assert {k for k, v in answer.slots.items() if v is None} >= {"report_when", "report_date", "report_confirm"}


def test_contact_is_not_asked_of_anonymous_reporters_and_change_is_asked_only_when_chosen():
    assert "report_contact" not in REPORTING.questions_to_ask({"report_anonymous": "anonymous"})
    assert "report_change" not in REPORTING.questions_to_ask({})
    asked = REPORTING.questions_to_ask({"report_confirm": "change"})
    assert asked.index("report_change") == asked.index("report_confirm") - 1


def test_summary_and_stored_fields():
    slots = dict.fromkeys(ALL_SLOTS)
    slots.update(
        report_description="dealing on the stairs",
        report_location="Brick Lane",
        report_postcode="E1 6AN",
        report_when="every night since March",
        report_date="2026-03-01",
        report_ongoing=True,
        report_frequency="every night",
        report_people="two lads",
        report_targeted="yes",
        report_hate="no",
        report_health="not sure",
        report_children="yes",
        report_safe_at_home="no",
        report_agencies="police, ref CAD 1234",
        report_anonymous="linked",
        report_contact="none",
    )
    text = summary(slots)
    assert "What happened: dealing on the stairs" in text and "When: every night since March" in text
    fields = report_fields(slots)
    assert fields["occurred_on"] == dt.date(2026, 3, 1) and fields["ongoing"] is True
    assert (
        fields["feels_targeted"],
        fields["hate_motivated"],
        fields["health_affected"],
        fields["feels_safe_at_home"],
    ) == (True, False, None, False)
    assert fields["other_agencies"] == "police, ref CAD 1234"


def test_every_question_has_words():
    for slot in (*QUESTIONS, "report_change"):
        assert REPORTING.questions[slot].text


@given(st.sampled_from([*QUESTIONS, "report_change"]), st.one_of(st.text(max_size=3000), st.none(), st.integers()))
def test_any_answer_is_read_without_error(slot, value):
    answer = read_answer(slot, value, TODAY)
    assert slot in answer.slots or slot == "report_change"


def test_the_summary_in_bengali_keeps_the_residents_words_and_says_the_forms_own():
    slots = dict.fromkeys(ALL_SLOTS)
    slots.update(
        report_description="সিঁড়িতে মাদক বিক্রি",
        report_location="Brick Lane",
        report_when="গত সপ্তাহে",
        report_date_from="2026-11-16",
        report_date_to="2026-11-22",
        report_targeted="yes",
        report_health="not sure",
        report_agencies="no one else",
        report_anonymous="anonymous",
    )
    text = summary(slots, "bn")
    assert text.splitlines() == [
        "কী হয়েছে: সিঁড়িতে মাদক বিক্রি",
        "কোথায়: Brick Lane",
        "কখন: গত সপ্তাহে (16 নভেম্বর 2026 থেকে 22 নভেম্বর 2026-এর মধ্যে)",
        "আর কাকে জানিয়েছেন: আর কাউকে না",
        "আপনার সম্পর্কে: নিশানা করা হচ্ছে মনে হয়: হ্যাঁ; স্বাস্থ্য বা প্রতিবন্ধিতার উপর প্রভাব: নিশ্চিত না",
        "নাম ছাড়া",
    ]
    assert summary(slots).splitlines()[2] == "When: গত সপ্তাহে (between 16 Nov 2026 and 22 Nov 2026)"


def test_a_bengali_date_answer_fills_the_days():
    answer = read_answer("report_when", "গত সপ্তাহে", TODAY)
    assert (answer.slots["report_date_from"], answer.slots["report_date_to"]) == ("2026-11-16", "2026-11-22")


def test_a_category_may_leave_out_the_questions_that_do_not_fit_it():
    from community_safety.reporting import QUESTIONS, default_reporting

    skip = ("report_targeted", "report_hate")
    asked = default_reporting().questions_to_ask({}, skip=skip)
    assert asked == [q for q in QUESTIONS if q not in skip]
    assert default_reporting().questions_to_ask({}) == list(QUESTIONS)
