"""The live chat's records on SQLite and PostgreSQL: the queue, taking a chat (exactly one of many
caseworkers pressing at once gets it), messages both ways, handing back, ending, leaving, presence
that expires, the long-wait offer, call-back requests, and export, erasure and retention."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from community_safety.live_chat import callbacks, chats, presence
from community_safety.live_chat.cards import cards_for
from community_safety.live_chat.config import LiveChatConfigError, default_live_chat, load_live_chat
from community_safety.records import database
from community_safety.records.models import CallbackRequest, LiveChat, LiveChatMessage, Resident, StaffUser, utcnow
from community_safety.records.reports import erase_resident, resident_record
from community_safety.records.retention import purge_live_chats, purge_reports
from community_safety.settings import settings as settings_now
from staff.accounts import create_user
from tests.community_safety.conftest import fresh_records

THURSDAY_MORNING = "2026-11-26T11:00"
SATURDAY_NIGHT = "2026-11-28T23:30"


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request, tmp_path, environment):
    url = fresh_records(request, tmp_path)
    environment(DATABASE_URL=url, OPENING_HOURS_AT=THURSDAY_MORNING)
    return url


def caseworker(url, email="sam@council.example", first_name="Sam") -> int:
    with database.session_scope(url) as session:
        return create_user(session, email, "a long enough password", "caseworker", first_name).id


def staff(session, user_id) -> StaffUser:
    return session.get(StaffUser, user_id)


def open_chat(url, sender="web:resident-1", need="domestic_abuse", language="en") -> int:
    with database.session_scope(url) as session:
        return chats.request_person(session, sender, need, language).id


def test_someone_is_there_only_while_available_checking_in_using_the_page_and_in_hours(db, environment):
    sam = caseworker(db)
    now = utcnow()
    with database.session_scope(db) as session:
        assert not presence.someone_to_talk_to(session, now)
        presence.check_in(session, sam, available=True, now=now)
        assert presence.someone_to_talk_to(session, now)
        config = default_live_chat()
        # The page stopped checking in (closed, or the connection went): gone within presence_seconds.
        assert not presence.someone_to_talk_to(session, now + config.presence + dt.timedelta(seconds=1))
        # Still checking in but not used for idle_minutes: away.
        later = now + dt.timedelta(minutes=config.idle_minutes, seconds=1)
        presence.check_in(session, sam, now=later)
        assert not presence.someone_to_talk_to(session, later)
        presence.check_in(session, sam, active=True, now=later)
        assert presence.someone_to_talk_to(session, later)
    environment(OPENING_HOURS_AT=SATURDAY_NIGHT)
    with database.session_scope(db) as session:
        assert not presence.someone_to_talk_to(session, later), "out of the team's hours nobody is offered"


def test_the_queue_is_in_order_and_one_chat_per_conversation(db):
    first = open_chat(db, "web:a")
    second = open_chat(db, "telegram:42", need=None, language="bn")
    with database.session_scope(db) as session:
        assert chats.request_person(session, "web:a", "report_asb", "en").id == first  # asked twice: one chat
        places = [chats.place_in_queue(session, session.get(LiveChat, i)) for i in (first, second)]
    assert places == [1, 2]


def test_two_requests_at_once_from_one_resident_open_one_chat(db):
    ids, barrier = [], threading.Barrier(4)

    def ask():
        barrier.wait()
        with database.session_scope(db) as session:
            ids.append(chats.request_person(session, "web:twice", None, "en").id)

    threads = [threading.Thread(target=ask) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(ids)) == 1
    with database.session_scope(db) as session:
        assert session.execute(select(func.count()).select_from(LiveChat)).scalar_one() == 1


def test_of_caseworkers_pressing_take_at_once_exactly_one_gets_the_chat(db):
    chat_id = open_chat(db)
    names = ["Ada", "Bilal", "Chen", "Dara", "Efe", "Farah"]
    people = [caseworker(db, f"{name.lower()}@council.example", name) for name in names]
    outcomes, barrier = [], threading.Barrier(len(people))

    def take(user_id):
        barrier.wait()
        try:
            with database.session_scope(db) as session:
                chats.take(session, chat_id, staff(session, user_id))
            outcomes.append(("took", user_id))
        except chats.LiveChatError as error:
            outcomes.append(("told", str(error)))

    threads = [threading.Thread(target=take, args=(person,)) for person in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    took = [who for outcome, who in outcomes if outcome == "took"]
    assert len(took) == 1
    assert all(
        message == "Someone else has already taken this chat." for outcome, message in outcomes if outcome == "told"
    )
    with database.session_scope(db) as session:
        chat = session.get(LiveChat, chat_id)
        assert (chat.state, chat.caseworker_id) == ("active", took[0])
        joined = [m for m in chat.messages if m.kind == "joined"]
        assert len(joined) == 1 and joined[0].text.startswith(f"{names[people.index(took[0])]} (a caseworker")


def test_while_waiting_the_resident_is_told_their_place_and_their_words_are_kept_for_the_person(db):
    open_chat(db, "web:first")
    open_chat(db, "web:second")
    with database.session_scope(db) as session:
        turn = chats.resident_says(session, "web:second", "He took my keys again", danger=False)
        assert turn.state == "waiting" and turn.place == 2 and not turn.to_the_bot
        assert "number 2" in turn.replies[0][0] and turn.replies[0][1][0]["payload"] == chats.LEAVE
        assert chats.resident_says(session, "web:nobody", "hello", danger=False) is None  # no chat: the bot answers
    with database.session_scope(db) as session:
        kept = session.execute(select(LiveChatMessage).where(LiveChatMessage.author == "resident")).scalars().all()
        assert [m.text for m in kept] == ["He took my keys again"]


def test_danger_words_get_999_at_once_and_mark_the_chat(db):
    chat_id = open_chat(db)
    sam = caseworker(db)
    with database.session_scope(db) as session:
        chats.take(session, chat_id, staff(session, sam))
        turn = chats.resident_says(session, "web:resident-1", "he's outside with a knife", danger=True)
        assert "999" in turn.replies[0][0]
    with database.session_scope(db) as session:
        chat = session.get(LiveChat, chat_id)
        assert chat.danger_at is not None and chat.messages[-1].kind == "danger"


def test_with_a_person_the_resident_gets_no_reply_of_the_bots_and_the_caseworkers_reach_them(db):
    chat_id = open_chat(db, language="bn")
    sam = caseworker(db)
    with database.session_scope(db) as session:
        chats.take(session, chat_id, staff(session, sam))
        assert chats.resident_says(session, "web:resident-1", "are you there?", danger=False).replies == []
        chats.reply(session, chat_id, staff(session, sam), "Yes, I'm here. Are you safe now?")
    with database.session_scope(db) as session:
        said = chats.said_to(session, "web:resident-1")
        assert [s.author for s in said] == ["system", "caseworker"]
        assert said[0].text.startswith("Sam (") and "চ্যাটে যোগ দিয়েছেন" in said[0].text  # joined, in Bengali
        assert said[1].text == "Yes, I'm here. Are you safe now?"  # the caseworker's words as written
        assert chats.said_to(session, "web:resident-1", said[-1].id) == []


@pytest.mark.parametrize(
    "text, problem",
    [("", "Write a message"), ("   ", "Write a message"), ("x" * (chats.MAX_TEXT + 1), "too long"), (None, "Write")],
)
def test_a_reply_that_cant_be_sent_says_why(db, text, problem):
    chat_id = open_chat(db)
    sam = caseworker(db)
    with database.session_scope(db) as session:
        chats.take(session, chat_id, staff(session, sam))
        with pytest.raises(chats.LiveChatError, match=problem):
            chats.reply(session, chat_id, staff(session, sam), text)


def test_replies_to_someone_elses_chat_or_an_ended_one_are_refused(db):
    chat_id = open_chat(db)
    sam, alex = caseworker(db), caseworker(db, "alex@council.example", "Alex")
    with database.session_scope(db) as session:
        with pytest.raises(chats.LiveChatError, match="Take this chat before replying"):
            chats.reply(session, chat_id, staff(session, sam), "hello")  # still waiting: nobody holds it
        chats.take(session, chat_id, staff(session, sam))
        with pytest.raises(chats.LiveChatError, match="Another caseworker"):
            chats.reply(session, chat_id, staff(session, alex), "hello")
        chats.end(session, chat_id, staff(session, sam))
        with pytest.raises(chats.LiveChatError, match="ended"):
            chats.reply(session, chat_id, staff(session, sam), "one more thing")
        with pytest.raises(chats.LiveChatError, match="no longer waiting"):
            chats.take(session, chat_id, staff(session, alex))
        assert chats.resident_says(session, "web:resident-1", "hello?", danger=False) is None  # the bot again


def test_handing_back_says_where_the_bot_was_with_its_buttons(db):
    chat_id = open_chat(db)
    sam = caseworker(db)
    where = ("Is the person under 18?", [{"title": "Yes", "payload": "yes"}])
    with database.session_scope(db) as session:
        chats.take(session, chat_id, staff(session, sam))
        chats.hand_back(session, chat_id, staff(session, sam), where)
    with database.session_scope(db) as session:
        last = chats.said_to(session, "web:resident-1")[-1]
        assert last.kind == "handed_back" and "Where we were: Is the person under 18?" in last.text
        assert last.buttons == where[1]
        assert session.get(LiveChat, chat_id).state == "handed_back"


def test_leaving_the_queue_and_asking_for_a_call_back_instead(db):
    open_chat(db, "web:leaver")
    open_chat(db, "web:caller")
    with database.session_scope(db) as session:
        left = chats.resident_says(session, "web:leaver", chats.LEAVE, danger=False)
        assert left.state == "left" and not left.to_the_bot and "left the queue" in left.replies[0][0]
        to_bot = chats.resident_says(session, "web:caller", chats.REQUEST_CALLBACK, danger=False)
        assert to_bot.to_the_bot
        assert chats.resident_says(session, "web:leaver", "hello", danger=False) is None


def test_a_long_wait_offers_a_call_back_once(db):
    chat_id = open_chat(db)
    config = default_live_chat()
    later = utcnow() + config.wait + dt.timedelta(seconds=5)
    with database.session_scope(db) as session:
        assert chats.offer_callbacks_to_the_long_waiting(session, utcnow()) == 0
        assert chats.offer_callbacks_to_the_long_waiting(session, later) == 1
        assert chats.offer_callbacks_to_the_long_waiting(session, later) == 0
        offer = chats.said_to(session, "web:resident-1")[-1]
    assert offer.kind == "waited_too_long"
    assert [b["payload"] for b in offer.buttons] == [chats.KEEP_WAITING, chats.REQUEST_CALLBACK]
    with database.session_scope(db) as session:
        assert session.get(LiveChat, chat_id).state == "waiting"  # they may keep waiting


def test_telegram_messages_wait_until_delivered(db):
    chat_id = open_chat(db, "telegram:77")
    sam = caseworker(db)
    with database.session_scope(db) as session:
        chats.take(session, chat_id, staff(session, sam))
        chats.reply(session, chat_id, staff(session, sam), "Hello from the team")
    with database.session_scope(db) as session:
        due = chats.undelivered(session, "telegram")
        assert [(sender, m.text) for sender, m in due][-1] == ("telegram:77", "Hello from the team")
        assert chats.undelivered(session, "web") == []
        chats.mark_delivered(session, [m.id for _, m in due])
    with database.session_scope(db) as session:
        assert chats.undelivered(session, "telegram") == []


@pytest.mark.parametrize(
    "typed, kept",
    [("020 7364 5000", "020 7364 5000"), ("07700900123", "07700 900123"), ("+44 (0)7700 900123", None),
     ("+44 7700 900 123", "07700 900123"), ("০৭৭০০ ৯০০১২৩", "07700 900123"), ("999", None), ("call me", None)],
)  # fmt: skip
def test_call_back_numbers_are_uk_numbers(typed, kept):
    assert callbacks.read_phone(typed).slots["callback_phone"] == kept


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.text(max_size=300), st.integers(), st.none(), st.lists(st.text(max_size=5))))
def test_any_answer_to_the_call_back_questions_is_read_or_asked_again(value):
    for reader in (callbacks.read_phone, callbacks.read_safe_time, callbacks.read_consent):
        answer = reader(value)
        assert answer.problem or all(v is None or isinstance(v, str) for v in answer.slots.values())


def test_a_call_back_request_is_kept_once_and_shown_exported_and_erased(db):
    with database.session_scope(db) as session:
        first = callbacks.file_callback(
            session, sender="telegram:9", submission_key="k1", phone="07700 900123", safe_time="after 6pm",
            need="domestic_abuse", language="en",
        )  # fmt: skip
        again = callbacks.file_callback(
            session, sender="telegram:9", submission_key="k1", phone="07700 900123", safe_time="after 6pm",
            need="domestic_abuse", language="en",
        )  # fmt: skip
        assert first.id == again.id and first.reference.startswith("CB-")
        assert [c.reference for c in callbacks.open_callbacks(session)] == [first.reference]
    chat_id = open_chat(db, "telegram:9")
    sam = caseworker(db)
    with database.session_scope(db) as session:
        chats.take(session, chat_id, staff(session, sam))
        chats.reply(session, chat_id, staff(session, sam), "We'll call you after 6pm")
        resident = session.execute(select(Resident).where(Resident.channel_user_id == "9")).scalar_one()
        record = resident_record(session, resident)
        assert record["callback_requests"][0]["phone"] == "07700 900123"
        assert "submission_key" not in record["callback_requests"][0]
        assert "We'll call you after 6pm" in [m["text"] for m in record["live_chats"][0]["messages"]]
        erase_resident(session, resident)
    with database.session_scope(db) as session:
        for table in (LiveChat, LiveChatMessage, CallbackRequest):
            assert session.execute(select(func.count()).select_from(table)).scalar_one() == 0


def test_retention_removes_closed_chats_and_dealt_with_call_backs_then_their_residents(db):
    sam = caseworker(db)
    old_chat, open_one = open_chat(db, "web:old"), open_chat(db, "web:still-waiting")
    with database.session_scope(db) as session:
        chats.take(session, old_chat, staff(session, sam))
        chats.end(session, old_chat, staff(session, sam))
        done = callbacks.file_callback(
            session,
            sender="web:old",
            submission_key="k2",
            phone="07700 900123",
            safe_time="any",
            need=None,
            language="en",
        )
        done.state, done.handled_at = "done", utcnow()
    future = utcnow() + dt.timedelta(days=1)
    with database.session_scope(db) as session:
        assert purge_live_chats(session, future) == {"live_chats": 1, "callback_requests": 1}
        purge_reports(session, future)
    with database.session_scope(db) as session:
        assert [c.id for c in session.execute(select(LiveChat)).scalars()] == [open_one]  # still waiting: kept
        assert [r.channel_user_id for r in session.execute(select(Resident)).scalars()] == ["still-waiting"]


def test_a_live_chat_file_with_a_mistake_stops_start_up_naming_it(tmp_path):
    good = settings_now().live_chat_file.read_text(encoding="utf-8")
    for wrong, named in [
        (good.replace("wait_minutes: 5", "wait_minutes: soon"), "wait_minutes"),
        (good.replace("hours_from: community_safety_team", "hours_from: nobody"), "hours_from"),
        (good.replace("{emergency.phone} now.\n  still", "{emergency.fax} now.\n  still"), "emergency.fax"),
        (good.replace("number {place} in the queue", "number {places} in the queue"), "{places}"),
    ]:
        path = tmp_path / "live_chat.yml"
        path.write_text(wrong, encoding="utf-8")
        with pytest.raises(LiveChatConfigError, match=named):
            load_live_chat(path)


def test_the_needs_services_are_cards_in_the_residents_language():
    english = {card.service_id: card for card in cards_for("domestic_abuse", "en")}
    bengali = {card.service_id: card for card in cards_for("domestic_abuse", "bn")}
    assert {"domestic_abuse_helpline", "emergency", "police_non_emergency"} <= set(english)
    assert english["domestic_abuse_helpline"].text.startswith("National Domestic Abuse Helpline: call 0808 2000 247")
    helpline = bengali["domestic_abuse_helpline"].text
    assert "0808 2000 247" in helpline and "ফোন" in helpline
    assert bengali["domestic_abuse_helpline"].name == "National Domestic Abuse Helpline"  # the caseworker reads English
    assert [card.service_id for card in cards_for(None, "en")] == ["emergency", "police_non_emergency"]
