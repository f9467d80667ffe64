"""Two needs close together are both, not one or the other (nlu/components/story_reader.py)."""

from __future__ import annotations

from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from nlu.components.story_reader import STORY_KEY, TwoNeedsTogether

FALLBACK = {"name": "nlu_fallback", "confidence": 0.3}


def after_fallback(ranking: list[tuple[str, float]], needs: list[str]) -> Message:
    """A message as Rasa's FallbackClassifier leaves it when the top two were within its ambiguity."""
    entries = [{"name": name, "confidence": confidence} for name, confidence in ranking]
    message = Message(data={TEXT: "a story", INTENT: FALLBACK, INTENT_RANKING_KEY: [FALLBACK, *entries]})
    message.set(STORY_KEY, {"parts": 3, "background": [], "needs": [{"name": n, "confidence": 0.4} for n in needs]})
    return message


def test_two_needs_read_together_are_not_ambiguous():
    message = after_fallback(
        [("homelessness", 0.47), ("substance_misuse", 0.45), ("report_asb", 0.05)], ["homelessness", "substance_misuse"]
    )
    TwoNeedsTogether(sure=0.7).process([message])
    assert message.get(INTENT) == {"name": "homelessness", "confidence": 0.47}
    assert [entry["name"] for entry in message.get(INTENT_RANKING_KEY)][:2] == ["homelessness", "substance_misuse"]


def test_a_real_doubt_stays_a_fallback():
    unsure = after_fallback(
        [("homelessness", 0.33), ("report_asb", 0.31), ("substance_misuse", 0.2)], ["homelessness", "report_asb"]
    )
    one_need = after_fallback([("homelessness", 0.46), ("report_asb", 0.44)], ["homelessness"])
    other_pair = after_fallback([("homelessness", 0.46), ("report_asb", 0.44)], ["homelessness", "safeguarding"])
    TwoNeedsTogether(sure=0.7).process([unsure, one_need, other_pair])
    assert all(m.get(INTENT)["name"] == "nlu_fallback" for m in (unsure, one_need, other_pair))
