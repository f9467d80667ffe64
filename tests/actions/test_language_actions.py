"""Choosing a language, and a message in one the bot can't answer in (in-process, on trackers)."""

from __future__ import annotations

from actions.languages import ActionChooseLanguage, ActionOtherLanguage
from tests.actions.conftest import buttons, parsed, run, slots_set, texts, tracker


def choice(language: str | None) -> dict:
    entities = [{"entity": "language", "value": language}] if language else []
    return parsed("বাংলা", intent="choose_language", entities=entities)


def test_choosing_bengali_answers_in_bengali_and_keeps_it(domain):
    events, dispatcher = run(ActionChooseLanguage(), domain, tracker(latest=choice("bn")))
    assert slots_set(events) == {"language": "bn"}
    assert texts(dispatcher)[0].startswith("ঠিক আছে, এখন থেকে বাংলায়")


def test_choosing_english_answers_in_english(domain):
    events, dispatcher = run(ActionChooseLanguage(), domain, tracker({"language": "bn"}, latest=choice("en")))
    assert slots_set(events) == {"language": "en"}
    assert texts(dispatcher) == ["OK, I'll write in English from now on. Tell me what's happening."]


def test_asking_about_languages_without_choosing_offers_both(domain):
    events, dispatcher = run(ActionChooseLanguage(), domain, tracker(latest=choice(None)))
    assert events == []
    assert buttons(dispatcher) == ['/choose_language{"language": "bn"}', '/choose_language{"language": "en"}']


def test_a_message_in_polish_is_answered_in_polish_then_english(domain):
    latest = parsed("Mój sąsiad...", intent="other_language", resident_language={"language": "pl", "other": "pl"})
    _, dispatcher = run(ActionOtherLanguage(), domain, tracker(latest=latest))
    [text] = texts(dispatcher)
    assert text.startswith("Przepraszam") and "999" in text and "Sorry, I can answer in English or Bengali" in text


def test_an_unnamed_language_is_answered_in_english_and_bengali(domain):
    latest = parsed("...", intent="other_language", resident_language={"language": "en", "other": None})
    _, dispatcher = run(ActionOtherLanguage(), domain, tracker(latest=latest))
    [text] = texts(dispatcher)
    assert text.startswith("Sorry, I can answer in English or Bengali") and "দুঃখিত" in text


def test_questions_are_asked_in_the_residents_language(domain):
    from actions.questions import AskDangerNow

    _, dispatcher = run(AskDangerNow(), domain, tracker({"language": "bn"}))
    assert texts(dispatcher) == ["এই মুহূর্তে কেউ কি বিপদে আছে?"]
    assert dispatcher.messages[0]["buttons"] == [{"title": "হ্যাঁ", "payload": "yes"}, {"title": "না", "payload": "no"}]
    _, dispatcher = run(AskDangerNow(), domain, tracker({}))
    assert texts(dispatcher) == ["Is anyone in danger right now?"]
