"""Talking to a person, end to end: the widget's endpoint and the Telegram bridge, the real Rasa with
the trained model, the action server and the staff site, all over HTTP on loopback. A resident in
the middle of a report asks for a person, waits (the bot says nothing of its own), a caseworker takes
the chat, they talk, danger words still get 999, and handing back carries the report on."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import select

from community_safety.records.database import session_scope
from community_safety.records.models import AuditEvent, CallbackRequest, LiveChatMessage
from tests.live_chat_stack import THURSDAY_MORNING, Caseworker, Resident, available, newest_chat, unavailable

DELIVERY_TARGET = 3.0  # seconds from a caseworker's reply to the resident seeing it


@pytest.fixture(scope="module")
def stack(live_chat_stack):
    return live_chat_stack


@pytest.fixture(scope="module")
def sam(stack):
    return Caseworker(stack.web, "sam.live@council.example")


def texts(body: dict) -> str:
    return "\n".join(reply["text"] for reply in body["replies"])


def payloads(body: dict) -> list[str]:
    return [button["payload"] for reply in body["replies"] for button in reply["buttons"]]


def test_a_resident_in_the_middle_of_a_report_talks_to_a_caseworker_and_comes_back(stack, sam):
    resident = Resident(stack.web)
    available(sam.user_id)
    resident.say("/file_report")
    asked = resident.say("People are dealing drugs on my stairs every night")
    assert "Where does it happen?" in texts(asked)
    queued = resident.say("can I talk to a real person please")
    assert "You are number 1 in the queue" in texts(queued) and "999" in texts(queued)
    assert payloads(queued) == ["/leave_live_chat"] and queued["live"] == {"state": "waiting", "place": 1}
    chat = newest_chat()
    assert chat.state == "waiting"

    # While waiting: no bot reply, their words kept for the person.
    waiting = resident.say("I am scared to go out")
    assert texts(waiting).startswith("You're still in the queue, number 1") and waiting["live"]["state"] == "waiting"

    # The caseworker takes it (the staff site), and the resident is told who joined.
    available(sam.user_id)
    taken = sam.post(f"/live-chats/{chat.id}/take")
    assert taken.status_code == 200 and "I am scared to go out" in taken.text
    joined, _ = resident.wait_for("has joined the chat")
    assert joined["text"].startswith("Sam (a caseworker") and joined["from"] == "chat"

    # A reply reaches the resident within the target.
    sam.post(f"/live-chats/{chat.id}/reply", message="Hello, I'm Sam. Are you safe right now?")
    reply, took = resident.wait_for("Are you safe right now?", every=0.2)
    assert reply["from"] == "person" and took < DELIVERY_TARGET

    # The resident's words reach the caseworker, and the bot stays quiet.
    quiet = resident.say("yes I'm at home, the door is locked")
    assert quiet["replies"] == [] and quiet["live"] == {"state": "active"}
    seen = sam.messages(chat.id)
    assert "the door is locked" in seen["rows"] and not seen["danger"]

    # Danger words: 999 at once from the channel, and an alert for the caseworker.
    danger = resident.say("he's back and he has a knife")
    assert "call 999 now" in texts(danger)
    assert sam.messages(chat.id, seen["last"])["danger"]

    # Handed back: the bot asks the question it had asked, and the report carries on.
    handed = sam.post(f"/live-chats/{chat.id}/hand-back")
    assert handed.status_code == 200
    back, _ = resident.wait_for("handed you back to the bot")
    assert "Where we were: Where does it happen?" in back["text"]
    carried_on = resident.say("the stairwell of Brick Lane House")
    assert texts(carried_on).startswith("When did it happen?"), texts(carried_on)
    assert carried_on.get("live") is None

    # A reload shows the whole conversation, the person's words among the bot's.
    transcript = resident.http.get(f"{stack.web}/chat/messages", timeout=30).json()["messages"]
    said = [(m["from"], m["text"]) for m in transcript]
    assert ("person", "Hello, I'm Sam. Are you safe right now?") in said
    assert (
        said.index(("resident", "can I talk to a real person please"))
        < said.index(("person", "Hello, I'm Sam. Are you safe right now?"))
        < said.index(("resident", "the stairwell of Brick Lane House"))
    )
    with session_scope() as db:
        actions = [
            e.action for e in db.execute(select(AuditEvent).where(AuditEvent.object_type == "live_chat")).scalars()
        ]
    assert {"took live chat", "replied in live chat", "handed live chat back to the bot"} <= set(actions)


def test_nothing_said_to_the_bot_while_waiting_and_leaving_the_queue_brings_it_back(stack, sam):
    resident = Resident(stack.web)
    available(sam.user_id)
    queued = resident.say("I want to speak to a human")
    assert "in the queue" in texts(queued)
    left = resident.say("/leave_live_chat")
    assert "You've left the queue" in texts(left) and left["live"] is None
    menu = resident.say("hello")
    assert "999" in texts(menu) and "queue" not in texts(menu)  # the bot answers again


def test_with_nobody_available_a_call_back_is_taken_and_lands_in_the_staff_queue(stack, sam):
    unavailable(sam.user_id)
    resident = Resident(stack.web)
    offered = resident.say("can I talk to a real person")
    assert "nobody from the team is free" in texts(offered) and "/request_callback" in payloads(offered)
    assert "Monday to Friday, 9am to 5pm" in texts(offered)
    assert "UK numbers only" in texts(resident.say("/request_callback"))
    assert "UK phone number" in texts(resident.say("my mum's number"))
    assert "When is it safe" in texts(resident.say("07700 900 123"))
    assert "Is that OK?" in texts(resident.say("weekday evenings after 6pm"))
    filed = resident.say("yes")
    assert "Your call-back request is CB-" in texts(filed)
    with session_scope() as db:
        request = db.execute(select(CallbackRequest).order_by(CallbackRequest.id.desc())).scalars().first()
        assert (request.phone, request.safe_time, request.state) == (
            "07700 900123",
            "weekday evenings after 6pm",
            "open",
        )
    page = sam.http.get(f"{stack.web}/staff/live-chats/queue", timeout=30).text
    assert request.reference in page and "07700 900123" in page
    recorded = sam.post(f"/callbacks/{request.id}", outcome="done", note="Spoke to them")
    assert (
        recorded.status_code == 200
        and request.reference not in sam.http.get(f"{stack.web}/staff/live-chats/queue").text
    )


def test_telegram_residents_get_the_caseworkers_words_within_seconds(stack, sam):
    telegram, chat_id = stack.telegram, 880001
    available(sam.user_id)
    replies = telegram.reply_after(chat_id, lambda: telegram.send_text(chat_id, "can I talk to a person"))
    assert "in the queue" in replies[-1]["text"]
    chat = newest_chat("telegram")
    assert chat.sender == f"telegram:{chat_id}"
    quiet_before = len(telegram.sent(chat_id))
    telegram.send_text(chat_id, "it's my ex, he keeps messaging me")
    waiting = telegram.wait_for(chat_id, quiet_before + 1)[-1]
    assert waiting["text"].startswith("You're still in the queue")
    sam.post(f"/live-chats/{chat.id}/take")
    telegram.wait_for(chat_id, quiet_before + 2)
    count = len(telegram.sent(chat_id))
    started = time.monotonic()
    sam.post(f"/live-chats/{chat.id}/reply", message="Hi, I'm Sam from the council.")
    arrived = telegram.wait_for(chat_id, count + 1, timeout=10)[-1]
    assert arrived["text"] == "Hi, I'm Sam from the council." and time.monotonic() - started < DELIVERY_TARGET
    with session_scope() as db:
        kept = [
            m.text for m in db.execute(select(LiveChatMessage).where(LiveChatMessage.live_chat_id == chat.id)).scalars()
        ]
    assert "it's my ex, he keeps messaging me" in kept
    # One press sends a service of the need, as the bot would describe it.
    sam.post(f"/live-chats/{chat.id}/service", service="domestic_abuse_helpline")
    card = telegram.wait_for(chat_id, count + 2, timeout=10)[-1]["text"]
    assert card.startswith("National Domestic Abuse Helpline: call 0808 2000 247"), card
    ended = sam.post(f"/live-chats/{chat.id}/end")
    assert ended.status_code == 200
    assert "ended the chat" in telegram.wait_for(chat_id, count + 3)[-1]["text"]


def test_nothing_is_lost_when_rasa_or_the_web_server_restarts_mid_chat(stack, sam, tmp_path):
    from tests.stack import start_web_server

    resident = Resident(stack.web)
    available(sam.user_id)
    assert "in the queue" in texts(resident.say("can I speak to a real person"))
    chat = newest_chat()
    sam.post(f"/live-chats/{chat.id}/take")
    resident.wait_for("has joined the chat")
    # Rasa is not needed while a person has the conversation: down, the resident still reaches them.
    rasa = next(p for p in stack.processes if p.name == "rasa-live-chat")
    rasa.popen.send_signal(19)  # SIGSTOP: Rasa stops answering, as a hung replica would
    try:
        assert resident.say("are you still there?")["replies"] == []
        sam.post(f"/live-chats/{chat.id}/reply", message="Yes, still here.")
        resident.wait_for("Yes, still here.")
    finally:
        rasa.popen.send_signal(18)  # SIGCONT
    # A reply stored while the web server is down reaches the resident once it is back.
    web = next(p for p in stack.processes if p.name == "web")
    with session_scope() as db:
        from community_safety.live_chat import chats
        from community_safety.records.models import StaffUser

        chats.reply(db, chat.id, db.get(StaffUser, sam.user_id), "Sent while the web server restarted.")
    web.stop()
    (tmp_path / "web").mkdir()
    # The same keys (DATA_DIR), so the resident's and the caseworker's cookies still read.
    same = {"OPENING_HOURS_AT": THURSDAY_MORNING, "TRACKER_DATABASE_URL": stack.tracker_url}
    same["DATA_DIR"] = str(web.log.parent)
    restarted, stack.web = start_web_server(tmp_path / "web", stack.rasa, same)
    stack.processes[stack.processes.index(web)] = restarted
    resident.web, sam.web = stack.web, stack.web
    resident.wait_for("Sent while the web server restarted.")
    with session_scope() as db:
        kept = list(db.execute(select(LiveChatMessage.text).where(LiveChatMessage.live_chat_id == chat.id)).scalars())
    assert "are you still there?" in kept
    sam.post(f"/live-chats/{chat.id}/end")


def test_bad_input_gets_a_clear_answer(stack, sam):
    resident = Resident(stack.web)
    assert resident.http.get(f"{stack.web}/chat/live", params={"after": "-1"}).status_code == 400
    assert resident.http.get(f"{stack.web}/chat/live", params={"after": "１２"}).status_code == 400
    assert resident.poll() == {"messages": [], "live": None}  # no conversation yet: nothing to follow
    # A chat button pressed after the chat has gone: the bot's menu, not an error.
    assert "999" in texts(resident.say("/leave_live_chat"))
    available(sam.user_id)
    resident.say("I want to talk to a human")
    chat = newest_chat()
    assert sam.post(f"/live-chats/{chat.id}/reply", message="too early").status_code == 409
    sam.post(f"/live-chats/{chat.id}/take")
    empty = sam.post(f"/live-chats/{chat.id}/reply", message="   ")
    assert empty.status_code == 400 and "Write a message before sending" in empty.text
    long = sam.post(f"/live-chats/{chat.id}/reply", message="x" * 5000)
    assert long.status_code == 400 and "4096 characters" in long.text
    again = sam.post(f"/live-chats/{chat.id}/take")
    assert "Someone else has already taken this chat" in again.text or "Your reply" in again.text
    sam.post(f"/live-chats/{chat.id}/end")
    ended = sam.post(f"/live-chats/{chat.id}/reply", message="one more thing")
    assert ended.status_code == 409 and "This chat has ended" in ended.text
    assert sam.http.get(f"{stack.web}/staff/live-chats/999999").status_code == 404


def test_quick_exit_in_the_middle_of_a_chat_tells_the_caseworker(stack, sam):
    resident = Resident(stack.web)
    available(sam.user_id)
    resident.say("can I talk to a person")
    chat = newest_chat()
    sam.post(f"/live-chats/{chat.id}/take")
    assert resident.http.post(f"{stack.web}/chat/end", json={}).json() == {"ended": True}
    assert newest_chat().state == "left"
    assert "used quick exit" in sam.messages(chat.id)["rows"]
    refused = sam.post(f"/live-chats/{chat.id}/reply", message="hello?")
    assert refused.status_code == 409 and "This chat has ended" in refused.text
