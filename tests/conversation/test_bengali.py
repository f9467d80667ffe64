"""Bengali conversations through the running Rasa server and action server: answered in Bengali
from the first reply, 999 first in danger (in Bengali and English), switching language, and a
message in a language the bot can't answer in."""

from __future__ import annotations

import datetime as dt

import pytest

BENGALI_999 = "এখনই 999-এ ফোন করুন"
ENGLISH_999 = "Call 999 now"


@pytest.mark.parametrize(
    "first_message",
    [
        "একজন লোক ছুরি হাতে আমার দরজার সামনে দাঁড়িয়ে আছে",
        "ekjon lok churi hate amar dorjar shamne dariye ache",
        "আমার বাচ্চা শ্বাস নিচ্ছে না",
    ],
)
def test_danger_in_bengali_gets_999_first_in_bengali_and_english(chat, first_message):
    # Rasa sends each paragraph as a message of its own: Bengali first, then the English.
    first, second = (reply["text"] for reply in chat.say(first_message)[:2])
    assert BENGALI_999 in first and second.startswith(ENGLISH_999)


def test_a_bengali_greeting_is_answered_in_bengali_with_the_choice_of_english(chat):
    replies = chat.say("আসসালামু আলাইকুম")
    assert "কমিউনিটি সেফটি সহকারী" in chat.text(replies)
    titles = [b["title"] for r in replies for b in r.get("buttons", [])]
    assert "অসামাজিক আচরণ" in titles and "English" in titles


def test_short_answers_keep_the_conversation_in_bengali(chat):
    chat.say("আসসালামু আলাইকুম")
    assert chat.text(chat.say("ok")) == "ঠিক আছে। কী হচ্ছে, নিজের ভাষায় বলুন।"


def test_the_resident_switches_language_mid_conversation(chat):
    chat.say("আসসালামু আলাইকুম")
    assert chat.text(chat.say('/choose_language{"language": "en"}')).startswith("OK, I'll write in English")
    assert "community safety assistant" in chat.text(chat.say("hello"))
    assert chat.text(chat.say("বাংলা")).startswith("ঠিক আছে, এখন থেকে বাংলায়")
    assert chat.text(chat.say("thanks")) == "আপনাকেও ধন্যবাদ। আর কিছুতে সাহায্য করতে পারি?"


def test_english_conversations_are_untouched(chat):
    first = chat.say("someone is outside my door with a knife")[0]["text"]
    assert first.startswith(ENGLISH_999) and BENGALI_999 not in first


def test_a_message_in_polish_is_answered_in_polish(chat):
    text = chat.text(chat.say("Mój sąsiad bardzo głośno słucha muzyki w nocy i nie mogę spać"))
    assert text.startswith("Przepraszam") and "999" in text


def test_signposting_asks_in_bengali_and_reads_bengali_answers(chat):
    first = chat.say("আমার পাশের বাসার লোকেরা প্রতি রাতে খুব জোরে গান বাজায়, ঘুমাতে পারি না")
    assert chat.text(first).endswith("এই মুহূর্তে কেউ কি বিপদে আছে?")
    assert [b["title"] for r in first for b in r.get("buttons", [])] == ["হ্যাঁ", "না"]
    assert chat.text(chat.say("না")).endswith("এটা কি এখন ঘটছে?")
    last = chat.say("না")
    assert chat.text(last).endswith("আর কিছুতে সাহায্য করতে পারি?")
    assert "কাউন্সিলের অসামাজিক আচরণ টিম" in chat.text(last)
    # The services' own lines too; numbers and addresses as written.
    assert "- পুলিশ (জরুরি নয় এমন বিষয়ে): 101 নম্বরে ফোন করুন" in chat.text(last)
    assert "call 101" not in chat.text(last)
    assert "এখানে রিপোর্ট করুন" in [b["title"] for r in last for b in r.get("buttons", [])]


def test_a_whole_report_in_bengali(chat):
    from tests.conversation.test_reporting import stored

    chat.say("আমার বিল্ডিংয়ের সিঁড়িতে প্রতি রাতে ছেলেরা বসে গাঁজা খায় আর চিৎকার করে")
    chat.say("না")
    chat.say("না")
    assert chat.text(chat.say("/file_report")).startswith("আমি কয়েকটা ছোট প্রশ্ন করব")
    asked = [chat.text(chat.say(answer)) for answer in ("Ocean Estate", "গতকাল রাতে", "জানি না")]
    assert "কখন" in asked[0] and "কারা জড়িত" in asked[1]
    # What the Bengali buttons send is English words ("link"): they don't turn the conversation English.
    for answer in ("না", "না", "না", "হ্যাঁ", "হ্যাঁ", "no", "না", "link", "no"):
        text = chat.text(chat.say(answer))
    assert "এটা কি ঠিক আছে?" in text
    assert "কখন: গতকাল রাতে" in text and "কোথায়: Ocean Estate" in text, text
    assert "কারা: জানা নেই" in text and "এই চ্যাটে আপনার সাথে যুক্ত" in text and "What happened" not in text
    filed = chat.text(chat.say("send"))
    assert filed.startswith("ধন্যবাদ। আপনার রিপোর্ট নম্বর")
    [(reference, description, _, occurred_on, *_)] = stored(chat)
    assert reference in filed and description.startswith("আমার বিল্ডিংয়ের সিঁড়িতে")
    assert occurred_on == dt.date.today() - dt.timedelta(days=1)
    # Its status, asked in Bengali, is told in Bengali.
    status = chat.text(chat.say("আমার রিপোর্টের কী অবস্থা"))
    assert reference in status and "পাওয়া গেছে: একজন কেসওয়ার্কার এটা দেখবেন" in status
