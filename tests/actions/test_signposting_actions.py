"""Signposting actions in-process: what the first message already answers, starting a need, and
the reply with its report button."""

from __future__ import annotations

import pytest
from rasa_sdk import Tracker

from actions.questions import AskAbout, AskAgeGroup, AskNeedCheck
from actions.signposting import (
    ActionOfferWhenSafe,
    ActionSignpost,
    ActionStartSignpost,
    ValidateSignpostForm,
    prefilled_answers,
)
from tests.actions.conftest import buttons, parsed, run, slots_set, texts, tracker

CHILD = {"entity": "at_risk", "value": "child"}


@pytest.mark.parametrize(
    "text,entities,expected",
    [
        ("I'm sleeping rough tonight", [], {"about": "self", "homeless_tonight": "yes"}),
        ("there's a man sleeping rough outside", [], {"about": "other"}),
        ("my son is using drugs", [], {"about": "other"}),
        ("it's my own drinking", [], {"about": "self"}),
        # Both named: the bot asks rather than guess.
        ("my partner kicked me out", [], {}),
        ("I'm scared of my husband", [], {}),
        # The resident narrating ("I think", "I'm worried about") is not who it is about.
        ("I think my elderly neighbour is being scammed", [], {"about": "other"}),
        ("I'm worried about my mum", [], {"about": "other"}),
        ("i think the little boy next door is being neglected", [], {"about": "other"}),
        ("I saw a man sleeping in the stairwell", [], {"about": "other"}),
        ("people are dealing drugs on my landing right now", [], {"about": "other", "happening_now": "yes"}),
        (
            "my 15 year old is using drugs",
            [{"entity": "at_risk", "value": "child"}],
            {"about": "other", "age_group": "child"},
        ),
        (
            "my nan is being scammed",
            [{"entity": "at_risk", "value": "elderly"}],
            {"about": "other", "age_group": "adult"},
        ),
        # A parent speaking of their own children is not a child; with them, the family is who it is about.
        (
            "we've been evicted and me and my two kids have nowhere to sleep tonight",
            [{"entity": "at_risk", "value": "child"}],
            {"about": "self", "age_group": "adult", "homeless_tonight": "yes"},
        ),
        ("I have 3 kids and we are homeless", [CHILD], {"about": "self", "age_group": "adult"}),
        # ...while their child can be who it is about.
        ("my son is being groomed", [CHILD], {"about": "other", "age_group": "child"}),
        # A parent who doesn't say who it is about: asked, not guessed to be a child.
        ("I have got two children and nowhere to stay tonight", [CHILD], {"homeless_tonight": "yes"}),
        # Never "is anyone in danger": the bot always asks that when it matters.
        ("someone is in danger", [], {"about": "other"}),
        ("", [], {}),
    ],
)
def test_what_the_first_message_already_answers(text, entities, expected):
    assert prefilled_answers("any", text, entities) == expected


def test_starting_a_need_remembers_it_forgets_old_answers_and_keeps_what_was_said(domain):
    latest = parsed(
        "my 15 year old is using drugs", intent="substance_misuse", entities=[{"entity": "at_risk", "value": "child"}]
    )
    events, _ = run(ActionStartSignpost(), domain, tracker({"about": "self", "danger_now": "yes"}, latest))
    slots = slots_set(events)
    assert slots["need"] == "substance_misuse"
    assert slots["about"] == "other" and slots["age_group"] == "child" and slots["danger_now"] is None


def test_a_second_need_in_the_message_is_remembered(domain):
    latest = parsed("a lad sleeping rough in the stairwell is being groomed", intent="homelessness")
    events, _ = run(ActionStartSignpost(), domain, tracker({}, latest))
    # Grooming named in words is heard first (`named_first`); having no home is remembered beside it.
    assert slots_set(events)["need"] == "safeguarding"
    assert slots_set(events)["other_needs"] == ["homelessness", "report_asb"]


STORY = {
    "needs": [
        {"name": "homelessness", "confidence": 0.6, "sentence": None},
        {"name": "domestic_abuse", "confidence": 0.35, "sentence": 0},
    ]
}


def test_two_needs_in_one_message_start_with_the_more_urgent(domain):
    text = "he's hit me for years and last night I walked out with the baby. we can only stay at my friend's tonight"
    latest = parsed(text, intent="homelessness", confidence=0.6, story=STORY)
    events, _ = run(ActionStartSignpost(), domain, tracker({}, latest))
    slots = slots_set(events)
    assert (slots["need"], slots["next_need"]) == ("domestic_abuse", "homelessness")
    assert slots["other_needs"] == []


@pytest.mark.parametrize("story,checked", [(STORY, True), ({"needs": [{"name": "homelessness"}]}, False)])
def test_a_reading_shared_between_two_needs_is_not_taken_for_an_unsure_one(domain, story, checked):
    text = "he's hit me for years and last night I walked out with the baby. we can only stay at my friend's tonight"
    ranking = [{"name": "homelessness", "confidence": 0.6}, {"name": "domestic_abuse", "confidence": 0.3}]
    latest = parsed(text, intent="homelessness", confidence=0.6, story=story, intent_ranking=ranking)
    events, _ = run(ActionStartSignpost(), domain, tracker({}, latest))
    assert (slots_set(events)["need_check"] == "_checked") is checked


def test_a_message_with_one_need_has_none_next(domain):
    latest = parsed("the music upstairs never stops", intent="report_asb", story={"needs": [{"name": "report_asb"}]})
    events, _ = run(ActionStartSignpost(), domain, tracker({}, latest))
    assert slots_set(events)["next_need"] is None


@pytest.mark.parametrize(
    "language,offer,button",
    [
        ("en", "It sounds like you may also need help with homelessness or rough sleeping.", "Homelessness"),
        ("bn", "মনে হচ্ছে", None),
    ],
)
def test_the_reply_offers_the_second_need_first_among_its_buttons(domain, language, offer, button):
    slots = {"need": "domestic_abuse", "next_need": "homelessness", "danger_now": "no", "language": language}
    _, dispatcher = run(ActionSignpost(), domain, tracker(slots))
    assert offer in texts(dispatcher)[1]
    assert buttons(dispatcher)[0] == "/homelessness"
    if button:
        assert dispatcher.messages[1]["buttons"][0]["title"] == button


def test_the_needs_read_likeliest_next_are_kept_for_the_answers_buttons(domain):
    ranking = [
        {"name": "report_asb", "confidence": 0.8},
        {"name": "nlu_fallback", "confidence": 0.3},
        {"name": "substance_misuse", "confidence": 0.1},
        {"name": "emergency", "confidence": 0.05},
        {"name": "hate_crime", "confidence": 0.03},
        {"name": "report_crime", "confidence": 0.01},
    ]
    latest = parsed("lads smoking in the lift every night", intent="report_asb", intent_ranking=ranking)
    events, _ = run(ActionStartSignpost(), domain, tracker({}, latest))
    assert slots_set(events)["likely_needs"] == ["substance_misuse", "hate_crime"]
    # A need's button tapped next: its story is the same, so the rest are kept.
    tapped = parsed("/substance_misuse", intent="substance_misuse", confidence=1.0)
    events, _ = run(
        ActionStartSignpost(), domain, tracker({"likely_needs": ["substance_misuse", "hate_crime"]}, tapped)
    )
    assert slots_set(events)["likely_needs"] == ["hate_crime"]


def test_the_need_offered_next_typed_by_its_name_keeps_the_storys_likely_needs(domain):
    # "Drugs or alcohol" typed after a child's door: the same story, so the needs its first message
    # gave are kept, and the child at risk just answered is not offered again.
    ranking = [
        {"name": "substance_misuse", "confidence": 0.9},
        {"name": "safeguarding", "confidence": 0.05},
        {"name": "report_asb", "confidence": 0.03},
    ]
    typed = parsed("Drugs or alcohol", intent="substance_misuse", intent_ranking=ranking)
    slots = {"need": "safeguarding", "next_need": "substance_misuse", "likely_needs": ["domestic_abuse"]}
    events, _ = run(ActionStartSignpost(), domain, tracker(slots, typed))
    assert slots_set(events)["likely_needs"] == ["domestic_abuse"]
    # A new story typed after an answer: read from its own ranking, the need just answered left out.
    new_story = parsed("my neighbour drinks all day", intent="substance_misuse", intent_ranking=ranking)
    events, _ = run(ActionStartSignpost(), domain, tracker({"need": "safeguarding"}, new_story))
    assert slots_set(events)["likely_needs"] == ["report_asb"]


@pytest.mark.parametrize(
    "following,offered",
    [(None, ["/substance_misuse", "/hate_crime"]), ("homelessness", ["/homelessness", "/substance_misuse"])],
)
def test_the_answer_ends_with_the_needs_read_likeliest_next_as_buttons(domain, following, offered):
    slots = {"need": "report_asb", "danger_now": "no", "happening_now": "no", "next_need": following}
    slots["likely_needs"] = ["substance_misuse", "hate_crime"]
    _, dispatcher = run(ActionSignpost(), domain, tracker(slots))
    assert buttons(dispatcher) == [*offered, "/file_report", "/help", "/goodbye"]


def test_without_a_second_need_the_reply_asks_if_there_is_anything_else(domain):
    _, dispatcher = run(ActionSignpost(), domain, tracker({"need": "report_asb", "danger_now": "no"}))
    assert texts(dispatcher)[1] == "Is there anything else I can help with?"


@pytest.mark.parametrize(
    "need,answers,report_offered",
    [
        ("report_asb", {"danger_now": "no", "happening_now": "no"}, True),
        ("hate_crime", {"danger_now": "no"}, True),
        ("community_trigger", {}, True),
        ("substance_misuse", {"about": "self"}, False),
        ("get_involved", {}, False),
    ],
)
def test_the_reply_offers_a_report_only_for_needs_that_take_one(domain, need, answers, report_offered):
    events, dispatcher = run(ActionSignpost(), domain, tracker({"need": need, **answers}))
    assert ("/file_report" in buttons(dispatcher)) is report_offered
    assert "/help" in buttons(dispatcher) and "/goodbye" in buttons(dispatcher)
    assert slots_set(events)["form_stopped"] is None


def test_after_999_the_reply_does_not_list_services_again(domain):
    _, dispatcher = run(ActionSignpost(), domain, tracker({"need": "domestic_abuse", "danger_now": "yes"}))
    assert texts(dispatcher) == ["Please call 999 first. I'll be here when you're safe."]


def test_an_unknown_need_gets_the_menu(domain):
    _, dispatcher = run(ActionSignpost(), domain, tracker({"need": None}))
    assert dispatcher.messages[0]["response"] == "utter_help"


def test_questions_are_asked_in_the_residents_terms(domain):
    _, dispatcher = run(AskAgeGroup(), domain, tracker({"about": "self"}))
    assert texts(dispatcher) == ["Are you under 18?"]
    _, dispatcher = run(AskAgeGroup(), domain, tracker({"about": "other"}))
    assert texts(dispatcher) == ["Is the person under 18?"]
    _, dispatcher = run(AskAbout(), domain, tracker({}))
    assert buttons(dispatcher) == ["me", "someone else"]


def test_asking_to_report_goes_to_the_report_after_the_safety_question(domain):
    opener = parsed("i want to report noisy neighbours", intent="report_asb")
    events, _ = run(ActionStartSignpost(), domain, tracker({}, opener))
    slots = slots_set(events)
    assert slots["wants_report"] is True
    asked = ValidateSignpostForm().questions(tracker({"need": "report_asb", "wants_report": True}))
    assert asked == ["danger_now"]

    story = [
        {"event": "user", "text": opener["text"], "parse_data": opener},
        {"event": "action", "name": "action_start_signpost"},
        {"event": "action", "name": "signpost_form"},
    ]
    answered = {"need": "report_asb", "wants_report": True, "danger_now": "no"}
    events, dispatcher = run(ActionSignpost(), domain, tracker(answered, events=story))
    assert events[-1] == {"event": "followup", "timestamp": None, "name": "report_form"}
    # "noisy neighbours" names the trouble; what happened is asked, not taken from the opener.
    assert "report_description" not in {k for k, v in slots_set(events).items() if v}
    assert "/file_report" not in buttons(dispatcher)


def test_a_message_that_only_describes_gets_advice_and_the_offer(domain):
    opener = parsed("my neighbours play loud music every night", intent="report_asb")
    events, _ = run(ActionStartSignpost(), domain, tracker({}, opener))
    assert slots_set(events)["wants_report"] is None


def _answering_about(opening: str, answer: str) -> Tracker:
    return tracker(
        slots={"need": "homelessness", "requested_slot": "about", "about": answer},
        latest=parsed(answer, intent="inform"),
        events=[
            {"event": "user", "text": opening},
            {"event": "action", "name": "action_start_signpost"},
            {"event": "action", "name": "signpost_form"},
            {"event": "user", "text": answer},
            {"event": "slot", "name": "about", "value": answer},
        ],
        active_loop={"name": "signpost_form"},
    )


def test_a_parent_who_says_me_is_not_asked_if_they_are_under_18(domain):
    opening = "I have got two children and nowhere to stay tonight"
    events, dispatcher = run(ValidateSignpostForm(), domain, _answering_about(opening, "me"))
    assert slots_set(events)["about"] == "self" and slots_set(events)["age_group"] == "adult"
    assert not any("under 18" in text for text in texts(dispatcher))


def test_anyone_else_who_says_me_is_asked_their_age(domain):
    events, _ = run(ValidateSignpostForm(), domain, _answering_about("I've got nowhere to stay tonight", "me"))
    assert slots_set(events)["about"] == "self" and slots_set(events).get("age_group") is None


def _unsure(text: str, confidence: float, ranking: list[str]) -> dict:
    message = parsed(text, intent=ranking[0], confidence=confidence)
    return {**message, "intent_ranking": [{"name": name, "confidence": 0.1} for name in ranking]}


def test_an_unsure_reading_is_checked_first_with_the_next_likeliest_doors(domain):
    story = "the man downstairs plays music till 4am and threatened me, the housing officer won't help"
    latest = _unsure(story, 0.54, ["homelessness", "report_asb", "emergency", "hate_crime", "domestic_abuse"])
    events, _ = run(ActionStartSignpost(), domain, tracker({}, latest))
    assert slots_set(events)["need_check"] is None
    assert slots_set(events)["need_candidates"] == ["report_asb", "hate_crime"]  # never the 999 door
    pending = {"need": "homelessness", "need_check": None, "need_candidates": ["report_asb"]}
    assert ValidateSignpostForm().questions(tracker(pending))[0] == "need_check"
    assert "need_check" not in ValidateSignpostForm().questions(tracker({"need": "homelessness"}))
    _, dispatcher = run(AskNeedCheck(), domain, tracker({"need": "homelessness", "need_candidates": ["report_asb"]}))
    assert "Is this about:\nHomelessness or rough sleeping" in texts(dispatcher)[0]
    assert buttons(dispatcher) == ["yes", "/report_asb", "/help"]


@pytest.mark.parametrize(
    "text,confidence,checked",
    [
        ("my neighbours play loud music every night", 0.98, True),  # sure
        ("/homelessness", 0.5, True),  # a button: the resident chose it
        ("somebody is following me home", 0.5, False),
    ],
)
def test_only_typed_unsure_readings_are_checked(domain, text, confidence, checked):
    events, _ = run(ActionStartSignpost(), domain, tracker({}, _unsure(text, confidence, ["report_crime"])))
    assert (slots_set(events)["need_check"] == "_checked") is checked


def test_an_emergency_is_never_checked(domain):
    latest = _unsure("he is outside with a knife", 0.4, ["emergency"])
    events, _ = run(ActionStartSignpost(), domain, tracker({}, latest))
    assert slots_set(events)["need_check"] == "_checked"


@pytest.mark.parametrize(
    "answer,expected",
    [
        ("yes", {"need_check": "_checked"}),
        ("Yes that's right", {"need_check": "_checked"}),
        ("/report_asb", {"need_check": "_checked", "need": "report_asb"}),
        ("anti-social behaviour", {"need_check": "_checked", "need": "report_asb"}),
        ("no", {"need_check": "_not_this", "need": None, "form_stopped": True}),
        ("/help", {"need_check": "_not_this", "need": None, "form_stopped": True}),
        ("/emergency", None),  # not a door to switch to by this question: 999 has its own path
        ("purple", None),
    ],
)
def test_the_answer_to_the_check(answer, expected):
    from actions.signposting import read_check

    found = read_check(answer, tracker({"need": "homelessness"}))
    assert (found.slots if not found.problem else None) == expected


@pytest.mark.parametrize("typed", ["no", "checked", "yes"])
def test_a_typed_answer_to_the_check_is_read_whatever_it_says(domain, typed):
    # The slot holds the typed words until they are read: no typed word may pass for "already checked".
    the_tracker = tracker(
        slots={"need": "homelessness", "requested_slot": "need_check", "need_check": typed,
               "need_candidates": ["report_asb"]},
        latest=parsed(typed, intent="deny"),
        events=[{"event": "user", "text": typed}, {"event": "slot", "name": "need_check", "value": typed}],
        active_loop={"name": "signpost_form"},
    )  # fmt: skip
    events, _ = run(ValidateSignpostForm(), domain, the_tracker)
    assert slots_set(events)["need_check"] in ({"no": "_not_this"}.get(typed, "_checked"), None)
    assert slots_set(events)["need_check"] is not None or typed == "checked"


def test_the_need_offered_next_keeps_who_it_is_about_and_asks_about_danger_again(domain):
    """ "he's hit me for years ... nowhere to stay tonight": domestic abuse first (about: the resident);
    pressing the homelessness button does not ask "about you or someone else?" again."""
    before = {"need": "domestic_abuse", "next_need": "homelessness", "about": "self", "danger_now": "no"}
    before["age_group"] = "child"  # inferred, wrongly, from "the baby": not carried
    events, _ = run(ActionStartSignpost(), domain, tracker(before, parsed("/homelessness", intent="homelessness")))
    slots = slots_set(events)
    assert slots["need"] == "homelessness" and slots["about"] == "self" and slots["danger_now"] is None
    assert slots["age_group"] is None
    # A need the resident chose themselves, not the one offered: nothing is carried over.
    events, _ = run(ActionStartSignpost(), domain, tracker(before, parsed("/safeguarding", intent="safeguarding")))
    assert slots_set(events)["about"] is None


@pytest.mark.parametrize("language,words", [("en", "I can also help with what you told me"), ("bn", "আপনি যা বললেন")])
def test_after_999_the_needs_the_story_told_are_offered_as_buttons(domain, language, words):
    story = {"needs": [{"name": "report_crime", "confidence": 0.6}, {"name": "domestic_abuse", "confidence": 0.3}]}
    latest = parsed("my ex just smashed my door in and took my keys, he used to beat me", story=story)
    events, dispatcher = run(ActionOfferWhenSafe(), domain, tracker({"language": language}, latest))
    [said] = texts(dispatcher)
    assert words in said and "999" not in said  # the 999 reply was given before this, by the domain
    assert buttons(dispatcher) == ["/domestic_abuse", "/report_crime"]
    assert events == []


@pytest.mark.parametrize(
    "story",
    [
        None,
        {"needs": []},
        {"needs": [{"name": "emergency", "confidence": 0.9}]},
        {"needs": [{"name": "homelessness", "confidence": 0.97}]},  # "I don't want to live any more"
    ],
)
def test_after_999_nothing_more_is_said_unless_the_story_told_two_needs(domain, story):
    latest = parsed("i don't want to live any more", **({"story": story} if story else {}))
    _, dispatcher = run(ActionOfferWhenSafe(), domain, tracker({}, latest))
    assert dispatcher.messages == []


def test_a_need_named_in_words_has_its_questions_asked_too(domain):
    # A noise complaint that also says "the bailiffs come next week": housing advice for the resident,
    # so who it is about (and, for them, tonight) is asked after the complaint's own questions.
    slots = {"need": "report_asb", "other_needs": ["homelessness"], "danger_now": "no"}
    asked = ValidateSignpostForm().questions(tracker(slots))
    own = ValidateSignpostForm().questions(tracker({"need": "report_asb", "danger_now": "no"}))
    assert asked[: len(own)] == own and {"about", "age_group"} <= set(asked) - set(own)
    answered = {**slots, "about": "self", "age_group": "adult"}
    assert "homeless_tonight" in ValidateSignpostForm().questions(tracker(answered))
    # Each question once, however many needs ask it.
    both = {"need": "domestic_abuse", "other_needs": ["homelessness"]}
    asked = ValidateSignpostForm().questions(tracker(both))
    assert len(asked) == len(set(asked)) and asked[:2] == ["danger_now", "about"]
    # Danger, and "is it happening now", are the first need's to ask: a hate report that names a
    # crime to report is not asked if the crime is happening now.
    hate = {"need": "hate_crime", "other_needs": ["report_crime"], "danger_now": "no"}
    assert ValidateSignpostForm().questions(tracker(hate)) == ["danger_now"]
    housing = {"need": "homelessness", "other_needs": ["report_asb", "domestic_abuse"]}
    assert "danger_now" not in ValidateSignpostForm().questions(tracker(housing))
