"""The really trained model, in-process, on held-out messages it never saw in training: the
short held-out set and the long messages in residents' own voice (evaluation/narratives.yml)."""

from __future__ import annotations

import pytest

from evaluation.evaluate import TWO_NEED_SETS
from nlu.components.emergency_language import SAFETY_NET_KEY
from tests.conftest import PROJECT, read_nlu_examples

# The model is trained with fixed seeds; these floors sit below the figures `make eval`
# reports so that a real regression fails here, not noise.
MIN_ACCURACY = 0.85
MAX_FALSE_EMERGENCIES = 3
MIN_NARRATIVE_ACCURACY = 0.85
MAX_NARRATIVE_FALSE_EMERGENCIES = 5


@pytest.fixture(scope="module")
def predictions(heldout, parse):
    return {(intent, text): parse(text) for intent, texts in heldout.items() for text in texts}


@pytest.fixture(scope="module")
def narrative_predictions(narratives, parse):
    return {(intent, text): parse(text) for intent, texts in narratives.items() for text in texts}


def test_every_narrative_emergency_is_an_emergency(narrative_predictions):
    emergencies = [text for (intent, text) in narrative_predictions if intent == "emergency"]
    missed = [
        text
        for (intent, text), result in narrative_predictions.items()
        if intent == "emergency" and result["intent"]["name"] != "emergency"
    ]
    assert len(emergencies) >= 10 and missed == [], f"emergency recall below 1.0 on long messages: {missed}"


def test_long_messages_are_understood(narrative_predictions):
    wrong = [
        (intent, result["intent"]["name"], text)
        for (intent, text), result in narrative_predictions.items()
        if result["intent"]["name"] != intent
    ]
    assert 1 - len(wrong) / len(narrative_predictions) >= MIN_NARRATIVE_ACCURACY, wrong
    false_alarms = [text for intent, predicted, text in wrong if predicted == "emergency"]
    assert len(false_alarms) <= MAX_NARRATIVE_FALSE_EMERGENCIES, false_alarms


def test_narratives_are_long_and_not_copied_from_training(narratives):
    training = set()
    for path in (PROJECT / "nlu" / "data").glob("*.yml"):
        for texts in read_nlu_examples(path).values():
            training.update(t.lower() for t in texts)
    texts = [t for examples in narratives.values() for t in examples]
    assert [t for t in texts if t.lower() in training] == []
    assert sum(len(t.split()) for t in texts) / len(texts) >= 18


def test_danger_told_without_danger_words_reaches_999(parse):
    # Nothing here for the rules: the danger classifier or the intent classifier must see it.
    result = parse("The sockets in the hall are smoking and crackling and my little boy is asleep right next to them.")
    assert result["intent"]["name"] == "emergency", result["intent"]
    assert "danger_classifier" in result


def test_every_heldout_emergency_is_an_emergency(predictions):
    missed = [
        text
        for (intent, text), result in predictions.items()
        if intent == "emergency" and result["intent"]["name"] != "emergency"
    ]
    assert missed == [], f"emergency recall below 1.0: {missed}"


def test_few_false_emergencies(predictions):
    false_alarms = [
        text
        for (intent, text), result in predictions.items()
        if intent != "emergency" and result["intent"]["name"] == "emergency"
    ]
    assert len(false_alarms) <= MAX_FALSE_EMERGENCIES, false_alarms


def test_heldout_accuracy(predictions):
    correct = sum(result["intent"]["name"] == intent for (intent, _), result in predictions.items())
    accuracy = correct / len(predictions)
    wrong = [
        (intent, text, result["intent"]["name"])
        for (intent, text), result in predictions.items()
        if result["intent"]["name"] != intent
    ]
    assert accuracy >= MIN_ACCURACY, wrong


def test_heldout_is_not_copied_from_training(heldout):
    training = set()
    for path in (PROJECT / "nlu" / "data").glob("*.yml"):
        for texts in read_nlu_examples(path).values():
            training.update(t.lower() for t in texts)
    copied = [t for texts in heldout.values() for t in texts if t.lower() in training]
    # A handful of one-word answers ("yes", "thanks") can't be said differently.
    assert all(len(t.split()) <= 3 for t in copied), copied


def test_entities_come_through_the_model(parse):
    result = parse("lads dealing on brick lane E1 6AN every night, my 9 year old is scared")
    found = {(e["entity"], e["value"].lower()) for e in result["entities"]}
    assert {("place", "brick lane"), ("postcode", "e1 6an"), ("time", "every night"), ("at_risk", "child")} <= found


def test_safety_net_reports_what_it_overrode(parse):
    result = parse("he's got a blade")
    assert result["intent"]["name"] == "emergency"
    assert result[SAFETY_NET_KEY]["rule"] == "weapon_present"


@pytest.mark.parametrize(
    "text", ["", "   ", "\u09b8\u09be\u09b9\u09be\u09af\u09cd\u09af", "\U0001f62d\U0001f62d", "x" * 5000]
)
def test_odd_input_parses_without_error(parse, text):
    result = parse(text)
    assert "intent" in result


@pytest.mark.parametrize("text", ["zxqv blorp wibble", "asdfghjkl", "qwertyuiop zzz"])
def test_a_message_with_no_familiar_words_is_not_understood(parse, text):
    result = parse(text)
    assert result["intent"]["name"] == "nlu_fallback"
    assert len(result["intent_ranking"]) > 1  # kept, so the bot can suggest the likeliest needs


@pytest.mark.parametrize("text", ["hes got a nife", "sumone got stabed"])
def test_misspelt_danger_is_still_an_emergency(parse, text):
    assert parse(text)["intent"]["name"] == "emergency"


@pytest.mark.parametrize(
    "text,need",
    [
        # "Kipping" once read as "kicking" (a door kicked in) and "cut" as self-harm: both went to 999.
        ("I'm kipping in a doorway", "homelessness"),
        ("I've been kipping in a doorway on Commercial Road.", "homelessness"),
        ("I want to cut down.", "substance_misuse"),
        ("i want to cut", "emergency"),  # nothing after it: the safety net's
        ("i want to cut myself", "emergency"),
    ],
)
def test_slang_for_sleeping_rough_and_cutting_down_are_not_danger(parse, text, need):
    assert parse(text)["intent"]["name"] == need


# --- stories, two needs and danger however typed (issue #25) ---------------------------------------
MIN_TWO_DOORS_REACHED = 0.8  # `make eval` measures 0.909 on evaluation/two_needs.yml (0.848 before session 20)
NEW_SETS = ("families", "past_and_present", "danger_spellings")


@pytest.fixture(scope="module")
def new_sets() -> dict[str, dict[str, list[str]]]:
    return {name: read_nlu_examples(PROJECT / "evaluation" / f"{name}.yml") for name in NEW_SETS}


def test_every_emergency_in_the_new_sets_is_an_emergency(new_sets, parse):
    missed = [
        (name, text)
        for name, examples in new_sets.items()
        for text in examples.get("emergency", [])
        if parse(text)["intent"]["name"] != "emergency"
    ]
    assert missed == []


def test_the_new_sets_are_not_copied_from_training(new_sets):
    import yaml

    training = set()
    for path in (PROJECT / "nlu" / "data").rglob("*.yml"):
        for texts in read_nlu_examples(path).values():
            training.update(t.lower() for t in texts)
    texts = [t for examples in new_sets.values() for ts in examples.values() for t in ts]
    for path in TWO_NEED_SETS.values():
        two_needs = yaml.safe_load(path.read_text(encoding="utf-8"))["messages"]
        texts += [m["text"] for m in two_needs]
    assert [t for t in texts if t.lower() in training] == []


def test_a_long_story_is_read_sentence_by_sentence(parse):
    # The first conversation issue #25 quotes: read as homelessness at 0.48 before.
    text = (
        "Since last summer the man downstairs plays music until 4am … when I knocked he threatened me. "
        "I have two kids who can't sleep. The housing officer says it's not their job."
    )
    result = parse(text)
    assert result["intent"]["name"] == "report_asb", result["intent_ranking"][:3]
    # Four parts: the first sentence's two clauses (both about since last summer), then the others.
    assert result["story"]["parts"] == 4 and result["story"]["background"] == [0, 1]
    assert [need["name"] for need in result["story"]["needs"]] == ["report_asb"]
    assert "story_sentences" not in result  # the sentences' own messages stay inside the pipeline


def test_violence_told_about_the_past_is_not_danger_now(parse):
    result = parse(
        "Two years ago my ex stabbed me in the arm and he went to prison for it. "
        "He's getting out next month and I've just found out he knows where I live."
    )
    assert result["intent"]["name"] == "domestic_abuse", result["intent_ranking"][:3]
    assert result["danger_classifier"]["only_in_the_past"] is True


def test_the_same_story_told_as_happening_now_is_danger(parse):
    result = parse(
        "Two years ago my ex stabbed me in the arm and he went to prison for it. "
        "He got out last week and he's outside my door right now."
    )
    assert result["intent"]["name"] == "emergency"


def test_two_needs_in_one_sentence_reach_both_doors(parse):
    from community_safety.signposting import default_signposting

    text = "My neighbour is on crack most days and leaves her kids of 3 and 5 on their own all evening."
    result = parse(text)
    doors = default_signposting().doors(result["intent"]["name"], result["story"]["needs"], text)
    assert doors.all == ["safeguarding", "substance_misuse"], result["intent_ranking"][:3]


def test_a_parent_with_children_and_no_home_is_not_sent_to_childrens_social_care(parse):
    from community_safety.signposting import default_signposting

    text = (
        "I'm a mum of two and the housing association has told us to leave by March. "
        "My girls are 6 and 8 and I've no idea where we'll go."
    )
    result = parse(text)
    doors = default_signposting().doors(result["intent"]["name"], result["story"]["needs"], text)
    assert doors.all == ["homelessness"], result["intent_ranking"][:3]


def test_a_child_drawn_into_extremism_is_also_a_child_at_risk(parse):
    # The child named by age ("my son is 15": the at_risk entity): safeguarding beside radicalisation
    # (nlu/stories.py, the child-at-risk rule). Without the rule only Prevent was offered. The child
    # is heard first, however faintly the one reading shares it out (`child_at_risk_first`).
    from community_safety.signposting import default_signposting

    text = (
        "My son is 15 and has been watching videos from a preacher who says we should fight the "
        "nonbelievers. He's stopped seeing his friends."
    )
    result = parse(text)
    assert ("at_risk", "teenager") in {(e["entity"], e["value"]) for e in result["entities"]}
    doors = default_signposting().doors(result["intent"]["name"], result["story"]["needs"], text)
    assert doors.all == ["safeguarding", "radicalisation"], result["story"]


def test_a_resident_who_says_they_are_a_child_living_with_abuse_is_a_child_at_risk(parse):
    # "I'm 14": the at_risk entity said of the resident (nlu/components/story_reader.py); the abuse
    # door and children's help, whichever the model reads first.
    from community_safety.signposting import default_signposting

    text = "I'm 14 and my stepdad slaps my mum about when he's had a bad day. I keep my little brother in our room."
    result = parse(text)
    doors = default_signposting().doors(result["intent"]["name"], result["story"]["needs"], text)
    assert set(doors.all) == {"domestic_abuse", "safeguarding"}, result["story"]


def test_danger_now_told_after_last_night_is_danger(parse):
    # One sentence, its first clause about last night: the story turns to now ("he's just come back").
    result = parse(
        "My husband hit me last night and I thought it was over, but he's just come back drunk "
        "and he's got his hands round my throat."
    )
    assert result["intent"]["name"] == "emergency"


def test_two_needs_in_one_message_reach_both_doors(parse):
    import yaml

    from community_safety.signposting import default_signposting

    messages = yaml.safe_load((PROJECT / "evaluation" / "two_needs.yml").read_text(encoding="utf-8"))["messages"]
    reached = 0
    for message in messages:
        result = parse(message["text"])
        doors = default_signposting().doors(result["intent"]["name"], result["story"]["needs"], message["text"])
        reached += set(message["needs"]) <= set(doors.all)
    assert reached / len(messages) >= MIN_TWO_DOORS_REACHED
