"""Bengali, in Bengali script and in Latin letters, through the trained model and the danger rules.

The held-out set (evaluation/bengali.yml) was written apart from the training data: the
targets are issue #15's (emergency recall 1.00, accuracy 0.80 or more)."""

from __future__ import annotations

from pathlib import Path

import pytest

from nlu.components.emergency_language import load
from tests.conftest import PROJECT, read_nlu_examples

BENGALI_HELDOUT = read_nlu_examples(PROJECT / "evaluation" / "bengali.yml")
MIN_ACCURACY = 0.80

# Danger in Bengali, each caught by the rules alone, so the channels answer 999 in Bengali even
# when Rasa is down. The one miss in the measurement that started this was a knife at the door.
BENGALI_DANGER = [
    ("একজন লোক দরজায় ছুরি নিয়ে দাঁড়িয়ে আছে", "weapon_present"),
    ("ekjon lok dorjay churi niye dariye ache", "weapon_present"),
    ("ছুরি লইয়া দরজাত খাড়া আছে", "weapon_present"),
    ("আমার বাসায় আগুন লেগেছে", "fire_or_gas"),
    ("amar basay agun legeche", "fire_or_gas"),
    ("ঘরে গ্যাসের গন্ধ", "fire_or_gas"),
    ("আমার আব্বা শ্বাস নিতে পারছে না", "not_breathing_or_collapsed"),
    ("tain dom nita parer na", "not_breathing_or_collapsed"),
    ("আমার মা অজ্ঞান হয়ে গেছেন", "not_breathing_or_collapsed"),
    ("আমার স্বামী আমাকে এখন মারছে", "attack_happening_now"),
    ("সে আমাকে মেরে ফেলবে বলছে", "threat_to_kill"),
    ("mari falaibo koiya humki dise", "threat_to_kill"),
    ("আমি আর বাঁচতে চাই না", "suicide_or_self_harm"),
    ("ami attohotta korbo", "suicide_or_self_harm"),
    ("বাঁচাও", "plea_for_help"),
    ("bachao", "plea_for_help"),
    # Both missed out of fold by cross-validation before these rules.
    ("কয়েকজন ছেলে লাঠি নিয়ে আমাকে তাড়া করছে", "attack_happening_now"),
    ("একজন লোক ছাদের কিনারায় দাঁড়িয়ে আছে, লাফ দিতে চাইছে", "suicide_or_self_harm"),
    ("ekjon lok chade dariye ache, laf dite chaiche", "suicide_or_self_harm"),
]
BENGALI_NOT_DANGER = [
    "আমার প্রতিবেশী খুব জোরে গান বাজায়",
    "amar shami amake mare, ki korbo",  # abuse that goes on: signposting, not 999
    "গত বছর আমার বাসায় আগুন লেগেছিল",  # the past
    "amar cycle churi hoye geche",  # churi is theft as often as a knife
    "আমার রিপোর্টের কী অবস্থা",
]


@pytest.mark.parametrize("text,group", BENGALI_DANGER)
def test_bengali_danger_is_caught_by_the_rules(text, group):
    found = load().find(text)
    assert found is not None and found.group == group, found


@pytest.mark.parametrize("text", BENGALI_NOT_DANGER)
def test_bengali_without_danger_is_left_alone(text):
    assert load().find(text) is None


@pytest.fixture(scope="module")
def bengali_predictions(parse):
    return {(intent, text): parse(text) for intent, texts in BENGALI_HELDOUT.items() for text in texts}


def test_every_bengali_emergency_is_an_emergency(bengali_predictions):
    missed = [t for (i, t), r in bengali_predictions.items() if i == "emergency" and r["intent"]["name"] != i]
    assert missed == []


def test_bengali_accuracy(bengali_predictions):
    wrong = [(i, t, r["intent"]["name"]) for (i, t), r in bengali_predictions.items() if r["intent"]["name"] != i]
    assert 1 - len(wrong) / len(bengali_predictions) >= MIN_ACCURACY, wrong


def test_every_bengali_message_is_read_as_bengali(bengali_predictions):
    assert [t for (_, t), r in bengali_predictions.items() if r["resident_language"]["language"] != "bn"] == []


def test_romanised_bengali_is_read_in_bengali_script_keeping_english_words(parse):
    result = parse("amar flat er samne protidin drugs bikri hoy, police ashe na")
    assert result["resident_language"]["how"] == "romanised"
    assert result["text"].startswith("আমার flat") and "police" in result["text"]
    assert {"entity": "language", "value": "bn"}.items() <= result["entities"][-1].items() or any(
        e["entity"] == "language" and e["value"] == "bn" for e in result["entities"]
    )


@pytest.mark.parametrize("text", ["ok", "yes", "Roman Road", "E1 6AN", "5", "hi", "thanks"])
def test_short_answers_name_no_language_so_the_conversation_keeps_its_own(parse, text):
    result = parse(text)
    assert result["text"] == text  # not transliterated
    assert not [e for e in result["entities"] if e["entity"] == "language"]


def test_english_stays_english(parse):
    result = parse("my neighbours have been playing loud music every night this week")
    assert result["resident_language"] == {
        "language": "en",
        "how": "latin",
        "romanised_probability": result["resident_language"]["romanised_probability"],
        "other": None,
    }
    assert [e["value"] for e in result["entities"] if e["entity"] == "language"] == ["en"]


def test_a_message_in_another_language_gets_that_language_named(parse):
    result = parse("Mój sąsiad bardzo głośno słucha muzyki w nocy i nie mogę spać")
    assert result["intent"]["name"] == "other_language"
    assert result["resident_language"]["other"] == "pl"


def test_danger_in_another_language_is_still_an_emergency(parse):
    result = parse("Waxaan arkay nin mindi sita oo albaabka taagan, he has a knife at my door")
    assert result["intent"]["name"] == "emergency"


def test_the_heldout_is_not_copied_from_training():
    training = set()
    for path in (PROJECT / "nlu" / "data").rglob("*.yml"):
        for texts in read_nlu_examples(Path(path)).values():
            training.update(t.lower() for t in texts)
    assert [t for texts in BENGALI_HELDOUT.values() for t in texts if t.lower() in training] == []


@pytest.mark.parametrize(
    "text", ["how do i get into detox", "how do i make a prevent referral", "how do i get involved"]
)
def test_english_cld3_takes_for_another_language_is_understood(parse, text):
    assert parse(text)["intent"]["name"] not in ("other_language", "nlu_fallback")


def test_what_a_button_sends_never_switches_the_language(parse):
    # "18 or over" is three English words, but it is what the Bengali button "১৮ বা তার বেশি" sends.
    result = parse("18 or over")
    assert result["resident_language"]["how"] == "button"
    assert not [e for e in result["entities"] if e["entity"] == "language"]


def test_cross_validation_folds_keep_each_examples_language(tmp_path):
    # Rasa's YAML writer gives a whole intent the first example's block metadata: written as it
    # was, every emergency in a fold read as Bengali and the danger classifier had no English left.
    from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLWriter
    from rasa.shared.nlu.training_data.loading import load_data
    from rasa.shared.nlu.training_data.training_data import TrainingData

    from nlu.components.example_marks import marked_on_the_example
    from nlu.components.resident_language import example_language

    examples = load_data(str(PROJECT / "nlu" / "data")).intent_examples
    before = {e.get("text"): example_language(e) for e in examples if e.get("intent") == "emergency"}
    assert {None, "bn", "bn-Latn"} <= set(before.values())
    fold = tmp_path / "fold.yml"
    RasaYAMLWriter().dump(fold, TrainingData(training_examples=[marked_on_the_example(e) for e in examples]))
    after = {
        e.get("text"): example_language(e)
        for e in load_data(str(fold)).intent_examples
        if e.get("intent") == "emergency"
    }
    assert after == before
