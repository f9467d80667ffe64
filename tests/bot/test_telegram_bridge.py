"""The Telegram bridge as residents meet it: the real PTB process polling a fake Bot API on
loopback, forwarding to a real Rasa with the trained model and the action server."""

from __future__ import annotations

import itertools

import pytest

from community_safety.records.database import session_scope
from community_safety.records.reports import reports_of
from tests.fake_telegram import TOKEN, FakeTelegram
from tests.stack import start_telegram_bridge

chat_ids = itertools.count(5001)


@pytest.fixture
def chat_id(polling_bridge) -> int:
    return next(chat_ids)


def texts(messages):
    return "\n".join(m["text"] for m in messages)


def buttons(message):
    markup = message.get("reply_markup") or {}
    return [(b["text"], b["callback_data"]) for row in markup.get("inline_keyboard", []) for b in row]


def test_start_shows_the_menu_with_999_first_and_commands_are_registered(telegram, chat_id):
    replies = telegram.reply_after(chat_id, lambda: telegram.send_text(chat_id, "/start"))
    assert "999" in replies[0]["text"]
    menu = [b for m in replies for b in buttons(m)]
    assert menu[0][0] == "In danger now? Call 999", menu
    [commands] = telegram.called("setMyCommands")[-1:]
    assert [c["command"] for c in commands["commands"]] == ["start", "help", "report", "cancel"]
    # The typing indicator was shown while Rasa worked.
    assert telegram.sent(chat_id, "sendChatAction")


def test_a_telegram_set_to_bengali_is_greeted_in_bengali_with_english_to_choose(telegram, chat_id):
    replies = telegram.reply_after(chat_id, lambda: telegram.send_text(chat_id, "/start", language_code="bn"))
    assert "কমিউনিটি সেফটি সহকারী" in replies[0]["text"]
    titles = [title for m in replies for title, _ in buttons(m)]
    assert titles[0] == "এখন বিপদে? 999-এ ফোন করুন" and "English" in titles
    # A hint, not a decision: a message in English is answered in English.
    replies = telegram.reply_after(chat_id, lambda: telegram.send_text(chat_id, "my neighbours are noisy every night"))
    assert "Is anyone in danger right now?" in "\n".join(m["text"] for m in replies)


def test_an_emergency_gets_999_first(telegram, chat_id):
    replies = telegram.reply_after(
        chat_id, lambda: telegram.send_text(chat_id, "a man is outside my flat with a knife")
    )
    assert replies[0]["text"].startswith("Call 999"), replies


def test_a_menu_button_is_answered_and_forwarded(telegram, chat_id):
    menu = telegram.reply_after(chat_id, lambda: telegram.send_text(chat_id, "/help"))
    data = dict((title, data) for m in menu for title, data in buttons(m))
    emergency = data["In danger now? Call 999"]
    before = len(telegram.called("answerCallbackQuery"))
    replies = telegram.reply_after(chat_id, lambda: telegram.press(chat_id, emergency))
    assert replies[0]["text"].startswith("Call 999")
    assert len(telegram.called("answerCallbackQuery")) == before + 1
    # The used keyboard is taken away so it can't be pressed twice.
    assert any(int(p["chat_id"]) == chat_id for p in telegram.called("editMessageReplyMarkup"))


def test_a_report_with_a_shared_location_and_buttons(telegram, chat_id):
    say = lambda text: telegram.reply_after(chat_id, lambda: telegram.send_text(chat_id, text))  # noqa: E731
    assert "What's been happening" in texts(say("/report"))
    assert "Where does it happen" in texts(say("teenagers throwing stones at windows on our estate"))
    location = telegram.reply_after(
        chat_id,
        lambda: telegram.update(
            message=telegram.message(chat_id, location={"latitude": 51.5155, "longitude": -0.0403})
        ),
    )
    assert "When did it happen" in texts(location)
    when_buttons = dict(b for m in location for b in buttons(m))
    replies = telegram.reply_after(chat_id, lambda: telegram.press(chat_id, when_buttons["Last night"]))
    assert "Who was involved" in texts(replies)
    for answer in ["don't know", "no", "no", "no", "no", "yes", "no", "no files", "link it to me", "no contact"]:
        replies = say(answer)
    assert "Is this right?" in texts(replies)
    send = next(d for m in replies for t, d in buttons(m) if "send" in t.lower())
    replies = telegram.reply_after(chat_id, lambda: telegram.press(chat_id, send))
    assert "ASB-" in texts(replies)
    with session_scope() as session:
        [report] = reports_of(session, "telegram", str(chat_id))
        assert "51.51550, -0.04030" in report.location_text


STICKER = {
    "sticker": {
        "file_id": "s1",
        "file_unique_id": "u3",
        "width": 512,
        "height": 512,
        "is_animated": False,
        "is_video": False,
        "type": "regular",
    }
}


def test_a_sticker_gets_a_clear_answer(telegram, chat_id):
    replies = telegram.reply_after(chat_id, lambda: telegram.update(message=telegram.message(chat_id, **STICKER)))
    assert "can't read stickers" in replies[0]["text"] and "999" in replies[0]["text"]


def test_the_bridges_own_answers_follow_the_language_the_bot_last_answered_in(telegram, chat_id):
    telegram.reply_after(chat_id, lambda: telegram.send_text(chat_id, "আমার পাশের বাসায় প্রতি রাতে খুব জোরে গান বাজে"))
    replies = telegram.reply_after(chat_id, lambda: telegram.update(message=telegram.message(chat_id, **STICKER)))
    assert replies[0]["text"].startswith("দুঃখিত, আমি স্টিকার") and "999" in replies[0]["text"]
    telegram.reply_after(chat_id, lambda: telegram.send_text(chat_id, "sorry can you write in English please"))
    replies = telegram.reply_after(chat_id, lambda: telegram.update(message=telegram.message(chat_id, **STICKER)))
    assert "can't read stickers" in replies[0]["text"]


def test_before_any_answer_a_telegram_set_to_bengali_is_a_hint(telegram, chat_id):
    message = telegram.message(chat_id, language_code="bn", **STICKER)
    replies = telegram.reply_after(chat_id, lambda: telegram.update(message=message))
    assert replies[0]["text"].startswith("দুঃখিত")


def test_an_edited_message_gets_a_clear_answer(telegram, chat_id):
    replies = telegram.reply_after(
        chat_id,
        lambda: telegram.update(edited_message=telegram.message(chat_id, text="actually it was Tuesday", edit_date=1)),
    )
    assert "send the correction as a new message" in replies[0]["text"]


def test_an_unknown_command_shows_the_menu(telegram, chat_id):
    replies = telegram.reply_after(chat_id, lambda: telegram.send_text(chat_id, "/whatever"))
    assert any(t == "In danger now? Call 999" for m in replies for t, _ in buttons(m))


def test_a_button_sent_before_the_bridge_restarted_still_works(rasa_url, tmp_path):
    """Buttons are remembered by python-telegram-bot's arbitrary callback data, kept in DATA_DIR."""
    fake, chat = FakeTelegram(), 7001
    try:
        first = start_telegram_bridge(tmp_path, rasa_url, fake.base_url, TOKEN, name="telegram-before")
        menu = fake.reply_after(chat, lambda: fake.send_text(chat, "/start"))
        emergency = dict(b for m in menu for b in buttons(m))["In danger now? Call 999"]
        assert len(emergency.encode()) <= 64  # what Telegram carries is short, whatever the payload
        first.stop()
        second = start_telegram_bridge(tmp_path, rasa_url, fake.base_url, TOKEN, name="telegram-after")
        try:
            replies = fake.reply_after(chat, lambda: fake.press(chat, emergency))
            assert replies[0]["text"].startswith("Call 999")
            replies = fake.reply_after(chat, lambda: fake.press(chat, "a-button-this-bridge-never-sent"))
            assert replies[0]["text"].startswith("That button is from an earlier message"), replies
        finally:
            second.stop()
    finally:
        fake.close()


def test_a_group_chat_is_asked_to_message_privately_and_nothing_is_forwarded(telegram, chat_id):
    group = -100000 - chat_id
    message = telegram.message(group, text="my neighbour's kids are left alone all day")
    message["chat"] = {"id": group, "type": "group", "title": "Residents' association"}
    replies = telegram.reply_after(group, lambda: telegram.update(message=message))
    assert len(replies) == 1 and "one to one" in replies[0]["text"] and "999" in replies[0]["text"]
    assert not telegram.sent(group, "sendChatAction")  # Rasa was never asked
