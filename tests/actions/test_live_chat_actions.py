"""Asking for a person, offering one, and call-back requests, in-process on a real SQLite database:
a person is offered only while someone is there, the queue is joined with its place, asking in the
middle of a report leaves the question waiting, and a call-back is kept only with consent."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from actions.fallback import ActionSuggestNeeds
from actions.live_chat import (
    ActionBotWrong,
    ActionRequestPerson,
    ActionStartCallback,
    ActionSubmitCallback,
    ValidateCallbackForm,
)
from actions.reporting import ValidateReportForm
from actions.signposting import ActionSignpost
from community_safety.live_chat import chats, presence
from community_safety.records import database
from community_safety.records.models import CallbackRequest, LiveChat
from rasa_patches.markers import ASKED_IN_VALIDATION
from staff.accounts import create_user
from tests.actions.conftest import buttons, parsed, run, slots_set, texts, tracker, validate

THURSDAY_MORNING = "2026-11-26T11:00"


@pytest.fixture
def records(tmp_path, environment):
    url = f"sqlite:///{tmp_path / 'records.db'}"
    database.upgrade(url)
    environment(DATABASE_URL=url, OPENING_HOURS_AT=THURSDAY_MORNING)
    return url


@pytest.fixture
def someone_there(records):
    with database.session_scope() as db:
        user = create_user(db, "sam@council.example", "a long enough password", "caseworker", "Sam")
        presence.check_in(db, user.id, available=True)
    return records


def open_chats() -> list[LiveChat]:
    with database.session_scope() as db:
        found = list(db.execute(select(LiveChat)).scalars())
        db.expunge_all()
        return found


def test_asking_for_a_person_joins_the_queue_with_its_place(domain, someone_there):
    asked = tracker(slots={"need": "domestic_abuse"}, latest=parsed("can I talk to a real person", "request_person"))
    events, dispatcher = run(ActionRequestPerson(), domain, asked)
    assert "number 1 in the queue" in texts(dispatcher)[0] and "999" in texts(dispatcher)[0]
    assert buttons(dispatcher) == [chats.LEAVE]
    [chat] = open_chats()
    assert (chat.sender, chat.need, chat.state) == ("web:resident-1", "domestic_abuse", "waiting")


def test_with_nobody_there_the_bot_says_when_and_offers_a_call_back(domain, records):
    events, dispatcher = run(ActionRequestPerson(), domain, tracker(latest=parsed("human", "request_person")))
    assert "nobody from the team is free" in texts(dispatcher)[0]
    assert "Monday to Friday, 9am to 5pm" in texts(dispatcher)[0]
    assert buttons(dispatcher) == [chats.REQUEST_CALLBACK, "/help"]
    assert open_chats() == []


def test_in_bengali_the_queue_is_told_in_bengali(domain, someone_there):
    asked = tracker(slots={"language": "bn"}, latest=parsed("আমি একজন মানুষের সাথে কথা বলতে চাই", "request_person"))
    events, dispatcher = run(ActionRequestPerson(), domain, asked)
    assert "লাইনে আপনি 1 নম্বরে" in texts(dispatcher)[0]
    assert open_chats()[0].language == "bn"


def test_asking_for_a_person_in_the_middle_of_a_report_leaves_the_question_waiting(domain, someone_there):
    slots = {"report_description": "Dealing on the stairs every night"}
    events, dispatcher = validate(
        ValidateReportForm(), domain, slots, "report_location", parsed("can i talk to someone", "request_person")
    )
    assert slots_set(events)["report_location"] is None
    [queued] = dispatcher.messages
    assert "in the queue" in queued["text"] and queued[ASKED_IN_VALIDATION] == "report_location"
    assert len(dispatcher.messages) == 1, "the question is asked again only when the person hands back"
    assert open_chats()[0].state == "waiting"


def test_a_long_answer_the_classifier_leans_person_on_is_still_an_answer(domain, someone_there):
    answer = "the person who lives next door keeps shouting at my kids on the stairs every single evening"
    events, dispatcher = validate(
        ValidateReportForm(), domain, {}, "report_description", parsed(answer, "request_person")
    )
    assert slots_set(events)["report_description"] == answer
    assert open_chats() == []


def test_asking_for_a_person_in_a_report_with_nobody_there_carries_on(domain, records):
    events, dispatcher = validate(
        ValidateReportForm(),
        domain,
        {"report_description": "Noise"},
        "report_location",
        parsed("human", "request_person"),
    )
    assert "nobody from the team is free" in texts(dispatcher)[0]
    assert texts(dispatcher)[-1].startswith("Where does it happen?")  # the same question again


def test_two_unsure_answers_in_a_row_offer_a_person(domain, someone_there):
    unsure = {"event": "user", "text": "hmm", "parse_data": parsed("hmm", "nlu_fallback", 0.3)}
    once = tracker(latest=parsed("hmm", "nlu_fallback", 0.3), events=[unsure])
    assert chats.REQUEST_PERSON not in buttons(run(ActionSuggestNeeds(), domain, once)[1])
    twice = tracker(latest=parsed("erm", "nlu_fallback", 0.3), events=[unsure, unsure])
    assert chats.REQUEST_PERSON in buttons(run(ActionSuggestNeeds(), domain, twice)[1])


@pytest.mark.parametrize("need", ["safeguarding", "domestic_abuse", "hate_crime"])
def test_a_disclosure_is_answered_with_the_services_and_a_person(domain, someone_there, need):
    answers = {"danger_now": "no", "happening_now": "no", "about": "self", "age_group": "adult"}
    events, dispatcher = run(ActionSignpost(), domain, tracker(slots={"need": need, **answers}))
    assert chats.REQUEST_PERSON in buttons(dispatcher)


def test_after_a_disclosure_out_of_hours_the_call_back_is_offered_not_a_person(domain, records):
    answers = {"danger_now": "no", "happening_now": "no", "about": "self", "age_group": "adult"}
    events, dispatcher = run(ActionSignpost(), domain, tracker(slots={"need": "domestic_abuse", **answers}))
    assert chats.REQUEST_PERSON not in buttons(dispatcher) and chats.REQUEST_CALLBACK in buttons(dispatcher)


def test_no_person_is_offered_for_other_needs(domain, someone_there):
    answers = {"danger_now": "no", "happening_now": "no"}
    events, dispatcher = run(ActionSignpost(), domain, tracker(slots={"need": "report_asb", **answers}))
    assert not {chats.REQUEST_PERSON, chats.REQUEST_CALLBACK} & set(buttons(dispatcher))


def test_the_bot_got_it_wrong(domain, someone_there):
    events, dispatcher = run(ActionBotWrong(), domain, tracker(latest=parsed("that's not what I said", "bot_wrong")))
    assert texts(dispatcher)[0].startswith("Sorry, I got that wrong.")
    assert buttons(dispatcher) == [chats.REQUEST_PERSON, "/help"]


def test_a_call_back_for_someone_who_reported_anonymously_says_it_cant_be(domain, records):
    events = [{"event": "slot", "name": "report_anonymous", "value": "anonymous"}]
    _, dispatcher = run(ActionStartCallback(), domain, tracker(events=events))
    assert "can't be anonymous" in texts(dispatcher)[0]
    _, dispatcher = run(ActionStartCallback(), domain, tracker())
    assert texts(dispatcher) == []


@pytest.mark.parametrize(
    "slot, typed, kept",
    [("callback_phone", "07700 900123", "07700 900123"), ("callback_phone", "my mum's", None),
     ("callback_time", "weekdays after 6pm", "weekdays after 6pm"), ("callback_consent", "yes", "yes"),
     ("callback_consent", "No, don't keep my number", "no")],
)  # fmt: skip
def test_call_back_answers(domain, records, slot, typed, kept):
    events, dispatcher = validate(ValidateCallbackForm(), domain, {}, slot, parsed(typed, "inform"))
    assert slots_set(events)[slot] == kept
    if kept is None:
        assert "UK phone number" in texts(dispatcher)[0]


def test_a_call_back_is_kept_only_with_consent(domain, records):
    answers = {"callback_phone": "07700 900123", "callback_time": "after 6pm", "callback_consent": "no"}
    _, dispatcher = run(ActionSubmitCallback(), domain, tracker(slots=answers))
    assert "haven't kept your number" in texts(dispatcher)[0]
    with database.session_scope() as db:
        assert db.execute(select(CallbackRequest)).first() is None
    events, dispatcher = run(ActionSubmitCallback(), domain, tracker(slots={**answers, "callback_consent": "yes"}))
    assert "Your call-back request is CB-" in texts(dispatcher)[0] and "Monday to Friday" in texts(dispatcher)[0]
    assert all(value is None for name, value in slots_set(events).items() if name.startswith("callback_"))
    with database.session_scope() as db:
        kept = db.execute(select(CallbackRequest)).scalar_one()
        assert (kept.phone, kept.safe_time, kept.sender) == ("07700 900123", "after 6pm", "web:resident-1")


def test_call_me_typed_as_an_answer_is_an_answer_not_a_request(domain, someone_there):
    events, dispatcher = validate(
        ValidateReportForm(), domain, {}, "report_contact", parsed("call me maybe", "request_callback", 0.9)
    )
    assert "call-back" not in " ".join(texts(dispatcher))
    _, pressed = validate(
        ValidateReportForm(), domain, {}, "report_contact", parsed("/request_callback", "request_callback", 1.0)
    )
    assert texts(pressed)[0] == "Let's finish these questions first, then you can ask for a call-back."
