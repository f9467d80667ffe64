"""The Rasa component overrides a wrong or unsure classifier, and only for danger to life."""

from __future__ import annotations

import pytest
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from nlu.components.emergency_safety_net import SAFETY_NET_KEY, EmergencySafetyNet


@pytest.fixture(scope="module")
def safety_net() -> EmergencySafetyNet:
    return EmergencySafetyNet.create(EmergencySafetyNet.get_default_config(), None, None, None)


def classified(text: str, intent: str, confidence: float) -> Message:
    message = Message(data={TEXT: text})
    message.set(INTENT, {"name": intent, "confidence": confidence}, add_to_output=True)
    message.set(
        INTENT_RANKING_KEY,
        [{"name": intent, "confidence": confidence}, {"name": "emergency", "confidence": 0.01}],
        add_to_output=True,
    )
    return message


# What a classifier gets wrong: confident in the wrong need, or falling back when unsure.
@pytest.mark.parametrize(
    "text,wrong_intent,confidence",
    [
        ("my ex is outside with a knife", "domestic_abuse", 0.93),
        ("the kids set the bins on fire and it's spreading to the flats", "report_asb", 0.88),
        ("he's got a blade", "nlu_fallback", 0.3),
        ("my brother took an overdose", "substance_misuse", 0.97),
        ("a rough sleeper isn't breathing", "homelessness", 0.95),
        ("they're beating him up for being gay", "hate_crime", 0.9),
    ],
)
def test_danger_overrides_the_classifier(safety_net, text, wrong_intent, confidence):
    message = classified(text, wrong_intent, confidence)
    safety_net.process([message])
    assert message.get(INTENT) == {"name": "emergency", "confidence": 1.0}
    ranking = message.get(INTENT_RANKING_KEY)
    assert ranking[0]["name"] == "emergency"
    assert [entry["name"] for entry in ranking].count("emergency") == 1
    assert message.get(SAFETY_NET_KEY)["classifier_intent"] == wrong_intent
    assert SAFETY_NET_KEY in message.as_dict(only_output_properties=True)


@pytest.mark.parametrize(
    "text,intent",
    [
        ("my bike was stolen last week", "report_crime"),
        ("noise every night", "report_asb"),
        ("my ex keeps texting threats", "domestic_abuse"),
    ],
)
def test_non_emergencies_keep_the_classifier_answer(safety_net, text, intent):
    message = classified(text, intent, 0.8)
    safety_net.process([message])
    assert message.get(INTENT)["name"] == intent
    assert message.get(SAFETY_NET_KEY) is None


def test_the_classifier_emergency_is_never_taken_away(safety_net):
    message = classified("please send someone, it's really bad", "emergency", 0.7)
    safety_net.process([message])
    assert message.get(INTENT)["name"] == "emergency"
