"""Whole conversations through the REST webhook of a running Rasa server with the trained
model and the real action server: every need reaches its door, every question branches."""

from __future__ import annotations

import pytest

from community_safety.services import load_directory

DIRECTORY = load_directory()


def number(service_id: str) -> str:
    """A service's phone number as the bot says it (no note in brackets)."""
    return DIRECTORY[service_id].phone.split(" (")[0]


def says_one_of(text: str, *service_ids: str) -> bool:
    return any(number(s) in text for s in service_ids)


def talk(chat, *messages: str) -> list[dict]:
    replies = []
    for message in messages:
        replies = chat.say(message)
    return replies


# (first message, answers to the questions, services one of whose numbers must be named)
JOURNEYS = [
    ("people dealing drugs in my stairwell every night", ["no", "no"], ["police_non_emergency"]),
    ("loud music from next door right now", ["no"], ["police_non_emergency"]),
    ("there's a man sleeping rough in the bus shelter", ["18 or over"], ["streetlink"]),
    ("there's a man sleeping rough in the bus shelter", ["under 18"], ["emergency"]),
    ("my landlord changed the locks", ["me", "18 or over", "yes"], ["police_non_emergency"]),
    ("I'm being evicted next month", ["18 or over", "no"], []),  # Housing Options: web only
    ("I've got nowhere to live", ["under 18"], ["children_social_care", "children_social_care_out_of_hours"]),
    ("I need help with my drinking", [], ["reset_treatment", "frank"]),
    ("my son is using drugs", [], ["reset_treatment", "frank"]),
    (
        "the kids next door are left alone all the time",
        ["no"],
        ["children_social_care", "children_social_care_out_of_hours"],
    ),
    ("my elderly neighbour's carer is taking her money", ["no"], ["adult_social_care"]),
    (
        "i'm worried a kid in my block is being exploited",
        ["no"],  # about someone else: the message said so
        ["children_social_care", "children_social_care_out_of_hours"],
    ),
    ("my partner hits me", ["no", "me"], ["domestic_abuse_helpline"]),
    ("i think my sister is in an abusive relationship", ["no"], ["domestic_abuse_helpline"]),
    ("someone shouted racist abuse at me", ["no"], ["police_non_emergency", "crimestoppers"]),
    ("my bike was stolen last week", ["no"], ["police_non_emergency", "crimestoppers"]),
    ("i'm worried my son is being radicalised", ["no"], ["act_early", "anti_terrorist_hotline"]),
    ("i've reported it again and again and nothing happens", [], ["asb_case_review"]),
    ("how can i keep my bike safe", [], ["crimestoppers"]),
    ("how do i join a ward panel", [], []),
]


@pytest.mark.parametrize("first,answers,services", JOURNEYS, ids=[j[0][:40] for j in JOURNEYS])
def test_each_need_reaches_its_service(chat, first, answers, services):
    replies = talk(chat, first, *answers)
    text = chat.text(replies)
    if services:
        assert says_one_of(text, *services), text
    # What happens next, then the next step is offered: never a dead end.
    assert "/help" in chat.payloads(replies), replies
    assert "anything else" in text.lower()


def test_questions_offer_buttons_that_match_typed_answers(chat):
    replies = chat.say("someone is sleeping rough outside the shop")
    assert chat.text(replies) == "Is the person under 18?"
    assert chat.payloads(replies) == ["under 18", "18 or over"]


def test_typed_answers_are_understood(chat):
    assert "under 18" in chat.text(chat.say("my mate is sleeping in his car"))
    assert number("streetlink") in chat.text(chat.say("he's 24"))


def test_homelessness_asks_who_and_age_then_tonight(chat):
    assert "about you" in chat.text(chat.say("i'm homeless and my partner kicked me out"))
    assert "under 18" in chat.text(chat.say("it's me"))
    assert "tonight" in chat.text(chat.say("i'm 34"))
    text = chat.text(chat.say("nowhere tonight"))
    assert "police station" in text and number("police_non_emergency") in text


def test_danger_now_gives_999_before_anything_else(chat):
    replies = talk(chat, "my partner hits me", "yes")
    assert replies[0]["text"].startswith("Call 999")


def test_emergency_during_the_questions_gets_999_and_stops_them(chat):
    assert "danger" in chat.text(chat.say("my ex won't stop harassing me"))
    replies = chat.say("he's outside with a knife")
    assert replies[0]["text"].startswith("Call 999")
    assert "under 18" not in chat.text(replies)


@pytest.mark.parametrize(
    "message",
    [
        "there's a man with a knife outside my flat",
        "my neighbour isn't breathing",
        "he's got a blade",
        "the flat upstairs is on fire",
        "i want to end my life",
    ],
)
def test_emergency_first_reply_begins_with_999(chat, message):
    replies = chat.say(message)
    assert replies[0]["text"].startswith("Call 999"), replies
    assert "18000" in replies[0]["text"]


def test_two_needs_in_one_message_signpost_both(chat):
    replies = talk(chat, "a 15 year old is sleeping rough and older men are exploiting him", "no")
    text = chat.text(replies)
    assert says_one_of(text, "children_social_care", "children_social_care_out_of_hours")
    assert "sleeping rough" in text.lower() and number("emergency") in text


def test_someone_injecting_in_a_stairwell_gets_drugs_help_and_asb(chat):
    # Either need may lead (the message is both); the reply must name the other too.
    replies = chat.say("someone is injecting in the stairwell of my block")
    for _ in range(4):
        if "anything else" in chat.text(replies).lower():
            break
        # An unsure reading is checked first ("Let me check I've understood"): it is right.
        replies = chat.say("yes" if "let me check" in chat.text(replies).lower() else "no")
    text = chat.text(replies)
    assert says_one_of(text, "reset_treatment", "frank")
    assert "anti-social behaviour" in text.lower()


def test_an_answer_not_understood_twice_is_not_asked_a_third_time(chat):
    assert "Is the person under 18?" in chat.text(chat.say("someone is sleeping rough outside the shop"))
    text = chat.text(chat.say("banana"))
    assert "didn't catch" in text and "Is the person under 18?" in text
    text = chat.text(chat.say("purple"))
    assert "Is the person under 18?" not in text and "I'll tell you what I can" in text
    assert number("streetlink") in text  # still signposted with what it knows


def test_stop_ends_the_questions_with_the_best_door(chat):
    chat.say("someone is sleeping rough outside the shop")
    text = chat.text(chat.say("stop"))
    assert number("streetlink") in text


@pytest.mark.parametrize("message", ["hello", "help", "/start"])
def test_greeting_and_help_show_the_menu_with_999(chat, message):
    replies = chat.say(message)
    assert "999" in chat.text(replies)
    payloads = chat.payloads(replies)
    assert payloads[0] == "/emergency"
    assert {"/report_asb", "/safeguarding", "/domestic_abuse", "/homelessness"} <= set(payloads)


def test_menu_button_starts_that_need(chat):
    assert chat.text(chat.say("/report_asb")) == "Is anyone in danger right now?"


def test_not_understood_offers_likely_needs_and_something_else(chat):
    replies = chat.say("zxqv blorp wibble")
    payloads = chat.payloads(replies)
    assert 2 <= len(payloads) <= 4 and payloads[-1] == "/help"
    assert "999" in chat.text(replies)


def test_out_of_scope_says_what_the_bot_does_and_where_else_to_go(chat):
    text = chat.text(chat.say("when do you collect the bins"))
    assert "community safety" in text and "towerhamlets.gov.uk" in text


EMERGENCY_REPLY = "Call 999 now if anyone is in danger"


@pytest.mark.parametrize("answer", ["myself", "me", "its me", "Myself."])
def test_a_short_answer_after_saying_i_am_safe_keeps_the_domestic_abuse_help(chat, answer):
    # The resident said they are safe; a one-word answer to "about you, or someone else?" must
    # never turn into 999 on the classifier's word alone and lose the helpline.
    talk(chat, "my husband hits me", "no")
    replies = chat.say(answer)
    text = chat.text(replies)
    assert EMERGENCY_REPLY not in text
    assert says_one_of(text, "domestic_abuse_helpline"), text


def test_danger_told_in_the_middle_of_the_questions_still_gets_999_first(chat):
    talk(chat, "my husband hits me", "no")
    replies = chat.say("he's come back with a knife and he's banging on the door")
    text = chat.text(replies)
    assert text.startswith(EMERGENCY_REPLY), text
    assert "/help" in chat.payloads(replies)  # and then the next step, not a dead end
