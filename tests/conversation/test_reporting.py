"""Filing an ASB report in conversation, through a running Rasa server, the action server and
a real SQLite database; counting toward the case review; asking for a report's status."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from community_safety.records.database import session_scope
from community_safety.records.reports import reports_of
from tests.stack import Conversation, start_rasa

REFERENCE = re.compile(r"\bASB-\d{4}-\d{5}\b")


def stored(chat):
    with session_scope() as session:
        return [
            (r.reference, r.description, r.location_text, r.occurred_on, r.ongoing, r.frequency, r.children_in_home)
            for r in reports_of(session, "web", chat.user)
        ]


def answer_all(chat, *answers):
    replies = []
    for answer in answers:
        replies = chat.say(answer)
    return chat.text(replies), replies


IMPACT = ["no", "no", "no", "yes", "yes"]  # targeted, hate, health, children at home, safe at home


def whole_report(chat, description, place, when, anonymous=False):
    chat.say("/file_report")
    answers = [description, place, when, "two lads on mopeds", *IMPACT, "no", "no files"]
    answers += ["anonymous"] if anonymous else ["link it to me", "no contact"]
    text, _ = answer_all(chat, *answers)
    assert "Is this right?" in text, text
    return chat.text(chat.say("send"))


def test_report_from_asb_signposting_to_reference(chat):
    chat.say("people dealing drugs on my landing every night on the Ocean Estate")
    chat.say("no")
    replies = chat.say("no")
    assert "/file_report" in chat.payloads(replies)
    text = chat.text(chat.say("/file_report"))
    # What and where came with the first message: the next question is when.
    assert "When did it happen?" in text
    answers = ["every night since October", "don't know", *IMPACT, "no", "no files", "link it to me", "no contact"]
    text, _ = answer_all(chat, *answers)
    assert "What happened: people dealing drugs on my landing" in text and "Where: Ocean Estate" in text.replace(
        "ocean estate", "Ocean Estate"
    )
    text = chat.text(chat.say("send"))
    reference = REFERENCE.search(text).group(0)
    assert "5 working days" in text and "1 separate incident" in text
    [(ref, description, place, occurred, ongoing, frequency, children)] = stored(chat)
    assert ref == reference and place.lower() == "ocean estate"
    assert occurred == dt.date(dt.date.today().year if dt.date.today().month >= 10 else dt.date.today().year - 1, 10, 1)
    assert ongoing is True and frequency == "every night" and children is True


def test_change_a_field_before_sending(chat):
    chat.say("/file_report")
    answer_all(chat, "music till 4am", "Roman Road", "last night", "don't know", *IMPACT, "no", "no files",
               "link it to me")  # fmt: skip
    text = chat.text(chat.say("no contact"))
    assert "When: last night" in text
    assert "What would you like to change?" in chat.text(chat.say("change"))
    assert "When did it happen?" in chat.text(chat.say("When"))
    text = chat.text(chat.say("3 days ago"))
    assert "When: 3 days ago" in text and "Is this right?" in text
    chat.say("send")
    [(_, _, _, occurred, *_)] = stored(chat)
    assert occurred == dt.date.today() - dt.timedelta(days=3)


def test_cancel_at_any_point_saves_nothing(chat):
    chat.say("/file_report")
    chat.say("someone keeps kicking my door at night")
    assert "cancelled" in chat.text(chat.say("cancel"))
    assert stored(chat) == []
    # Starting again begins afresh.
    assert "What's been happening?" in chat.text(chat.say("/file_report"))


def test_future_and_unreadable_dates_are_asked_again_kindly(chat):
    chat.say("/file_report")
    chat.say("graffiti on the lifts")
    chat.say("Bow Road")
    text = chat.text(chat.say("tomorrow"))
    assert "future" in text and "When did it happen?" in text
    text = chat.text(chat.say("when the clocks went back"))
    # Two answers it couldn't use in a row: it keeps the resident's words and never asks a third time.
    assert "I've kept what you said" in text and "When did it happen?" not in text
    assert "Who was involved?" in text


def test_a_very_long_description_is_kept_not_lost(chat):
    chat.say("/file_report")
    text = chat.text(chat.say("loud music " * 600))
    assert "first 2000 characters" in text and "Where does it happen?" in text


def test_anonymous_reports_say_they_do_not_count(chat):
    text = whole_report(chat, "fly-tipping behind the shops", "Chrisp Street", "last week", anonymous=True)
    assert REFERENCE.search(text) and "can't count toward" in text
    assert stored(chat) == []  # not linked to this resident


def test_separate_incidents_count_toward_the_case_review_and_the_resident_can_apply(chat):
    first = whole_report(chat, "dealing on the stairs", "Brick Lane", "10 days ago")
    assert "1 separate incident" in first and "case review" not in first.lower()
    second = whole_report(chat, "dealing on the stairs again", "Brick Lane", "5 days ago")
    assert "2 separate incidents" in second and "ASB case review" in second  # told at 2 reports
    # The same incident told twice counts once.
    again = whole_report(chat, "the same thing as before", "Brick Lane", "5 days ago")
    assert "2 separate incidents" in again
    chat.say("/file_report")
    answer_all(
        chat,
        "dealing again, worse",
        "Brick Lane",
        "yesterday",
        "same group",
        *IMPACT,
        "no",
        "no files",
        "link it to me",
        "no contact",
    )
    third_replies = chat.say("send")
    third = chat.text(third_replies)
    assert "3 separate incidents" in third and "You can now ask for an ASB case review" in third
    assert "/apply_case_review" in chat.payloads(third_replies)
    text = chat.text(chat.say("/apply_case_review"))
    assert re.search(r"\bCR-\d{4}-\d{5}\b", text) and text.count("ASB-") == 3


def test_report_status_lists_reports_with_plain_words(chat):
    assert "can't find any reports" in chat.text(chat.say("what's happening with my report?"))
    reference = REFERENCE.search(whole_report(chat, "noise every night", "Globe Road", "last night")).group(0)
    text = chat.text(chat.say("any update on my report?"))
    assert reference in text and "Received: a caseworker will look at it" in text


def test_a_place_name_is_an_answer_not_an_emergency(chat):
    chat.say("/file_report")
    chat.say("lads racing mopeds round the estate")
    assert "When did it happen?" in chat.text(chat.say("Brick Lane"))


def test_danger_during_a_report_gets_999_and_the_report_waits(chat):
    chat.say("/file_report")
    chat.say("a gang hangs round my door")
    replies = chat.say("one of them has a knife and is outside now")
    assert replies[0]["text"].startswith("Call 999")
    assert "/file_report" in chat.payloads(replies)  # the answers so far are kept
    text = chat.text(chat.say("/file_report"))
    assert "carry on" in text and "Where does it happen?" in text


@pytest.fixture
def restartable_rasa(action_server, tmp_path_factory):
    log_dir = tmp_path_factory.mktemp("restart")
    processes = []

    def start():
        process, base = start_rasa(log_dir, action_server, name=f"rasa-restart-{len(processes)}")
        processes.append(process)
        return process, base

    yield start
    for process in processes:
        process.stop()


def test_a_report_resumes_after_rasa_restarts(restartable_rasa):
    process, base = restartable_rasa()
    chat = Conversation(base)
    chat.say("/file_report")
    chat.say("shouting and fighting outside the pub")
    assert "When did it happen?" in chat.text(chat.say("Commercial Road"))
    process.stop()
    _, base = restartable_rasa()
    again = Conversation(base)
    again.sender = chat.sender
    assert "Who was involved?" in again.text(again.say("last night"))


def test_database_down_when_sending_keeps_the_answers_and_files_once_it_is_back(chat):
    from sqlalchemy import create_engine

    from community_safety.records.database import database_url

    chat.say("/file_report")
    answer_all(
        chat,
        "people drinking and shouting in the park",
        "Victoria Park",
        "last night",
        "a big group",
        *IMPACT,
        "no",
        "no files",
        "link it to me",
        "no contact",
    )
    engine = create_engine(database_url())
    with engine.begin() as connection:  # the reports table goes away, as if the database were down
        connection.exec_driver_sql("ALTER TABLE reports RENAME TO reports_away")
    try:
        replies = chat.say("send")
        assert "couldn't save your report" in chat.text(replies)
        assert "/file_report" in chat.payloads(replies)
    finally:
        with engine.begin() as connection:
            connection.exec_driver_sql("ALTER TABLE reports_away RENAME TO reports")
    assert stored(chat) == []  # nothing half written
    text = chat.text(chat.say("/file_report"))
    assert "carry on" in text and "Is this right?" in text and "Victoria Park" in text
    assert REFERENCE.search(chat.text(chat.say("send")))
    assert len(stored(chat)) == 1


def test_an_anonymous_report_is_left_out_of_the_conversation_staff_see(chat):
    """A caseworker reading the resident's named report sees their conversation, but not the part of
    it that went into their anonymous report: that would name its author."""
    from community_safety.records.conversations import conversation

    assert REFERENCE.search(whole_report(chat, "my neighbour's dog barks all night", "Bow Road", "last night"))
    chat.say("thanks")
    chat.say("the lads from number 9 keep vandalising the lift, one of them is called Dave")
    chat.say("no")
    chat.say("no")
    chat.say("I want to report it")
    text, _ = answer_all(chat, "Roman Road", "every night", "Dave", *IMPACT, "no", "no files", "anonymous")
    assert "Is this right?" in text
    filed = chat.text(chat.say("send"))
    assert "anonymous report" in filed
    chat.say("what's happening with my report")

    seen = "\n".join(turn.text for turn in conversation(chat.sender))
    assert "my neighbour's dog barks all night" in seen  # the named report's conversation is there
    assert "what's happening with my report" in seen  # and what came after
    for anonymous_words in ("called Dave", "Roman Road", "anonymous report", REFERENCE.findall(filed)[0]):
        assert anonymous_words not in seen


def test_once_the_chat_is_quiet_the_anonymous_part_loses_its_words_and_the_chat_goes_on(chat):
    from sqlalchemy import create_engine, text

    from community_safety.records.conversations import conversation, scrub_anonymous_parts, tracker_database_url

    named = REFERENCE.search(whole_report(chat, "a car alarm going off every night", "Mile End Road", "last night"))
    chat.say("thanks")
    chat.say("the lads from number 12 keep spraying graffiti in the lift, one of them is called Gary")
    chat.say("no")
    chat.say("no")
    chat.say("I want to report it")
    answer_all(chat, "Ocean Estate", "every night", "Gary", *IMPACT, "no", "no files", "anonymous")
    anonymous = REFERENCE.search(chat.text(chat.say("send"))).group(0)

    later = dt.datetime.utcnow() + dt.timedelta(minutes=1)
    assert scrub_anonymous_parts(later, dry_run=True) > 0
    assert scrub_anonymous_parts(later) > 0
    assert scrub_anonymous_parts(later) == 0  # nothing left to take out
    with create_engine(tracker_database_url()).connect() as connection:
        stored = " ".join(
            row[0]
            for row in connection.execute(text("SELECT data FROM events WHERE sender_id = :s"), {"s": chat.sender})
        )
    for anonymous_words in ("Gary", "number 12", "Ocean Estate", anonymous):
        assert anonymous_words not in stored
    assert "a car alarm going off every night" in stored and named.group(0) in stored
    # Rasa reads the conversation back as it was, less the words: the resident carries on.
    text_ = chat.text(chat.say("what's happening with my report"))
    assert named.group(0) in text_ and anonymous not in text_
    seen = "\n".join(turn.text for turn in conversation(chat.sender))
    assert "a car alarm going off every night" in seen and "Gary" not in seen


def test_each_answer_gets_the_next_question_once_with_its_buttons(chat):
    """The form's next question comes from its validation (one call to the action server a turn,
    rasa_patches/forms.py): said once, after any word about the answer, with its buttons."""
    chat.say("/file_report")
    expected = [
        ("music till 4am", "Where does it happen?"),
        ("Roman Road", "When did it happen?"),
        ("last night", "Who was involved?"),
        ("don't know", "Do you feel you're being targeted?"),
    ]
    for answer, question in expected:
        replies = chat.say(answer)
        texts = [reply.get("text", "") for reply in replies]
        assert sum(question in text for text in texts) == 1, texts
    replies = chat.say("no")  # targeted: the next is a yes/no question with its buttons
    assert len(replies) == 1 and "because of who you are" in replies[0]["text"], replies
    assert [b["title"] for b in replies[0]["buttons"]] == ["Yes", "No", "Not sure"]
    # An answer that can't be read: the word about it first, then the same question, once.
    replies = chat.say("purple")
    texts = [reply.get("text", "") for reply in replies]
    assert len(texts) == 2 and texts[1].count("?") >= 1 and texts[0] != texts[1], texts
