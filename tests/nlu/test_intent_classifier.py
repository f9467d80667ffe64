"""The intent classifier (nlu/components/intent_classifier.py) on features made here: examples
that carry two needs, and the parts of a long message read without the dearer encoder."""

from __future__ import annotations

import numpy as np
import pytest
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.exceptions import RasaException
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, INTENT, METADATA, METADATA_INTENT, TEXT
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from nlu.components.intent_classifier import SentenceIntentClassifier
from nlu.components.story_reader import SENTENCE_OF

RANDOM = np.random.default_rng(2026)
ABUSE, HOUSING, NOISE = np.eye(3)


def message(
    text: str, meaning: np.ndarray, e5: np.ndarray | None = None, intent: str | None = None, **marks
) -> Message:
    found = Message(data={TEXT: text, **({INTENT: intent} if intent else {})})
    if marks:
        found.set(METADATA, {METADATA_INTENT: marks})
    found.add_features(Features(meaning[None, :], FEATURE_TYPE_SENTENCE, TEXT, "minilm"))
    found.add_features(Features((meaning if e5 is None else e5)[None, :], FEATURE_TYPE_SENTENCE, TEXT, "e5"))
    return found


def near(point: np.ndarray, spread: float = 0.15) -> np.ndarray:
    return point + RANDOM.normal(0, spread, point.shape)


def classifier(tmp_path, **config) -> SentenceIntentClassifier:
    tmp_path.mkdir(parents=True, exist_ok=True)
    config = {**SentenceIntentClassifier.get_default_config(), **config}
    return SentenceIntentClassifier(config, LocalModelStorage(tmp_path), Resource("intent_classifier"))


def examples(two_needs: bool) -> TrainingData:
    found = [message(f"abuse {i}", near(ABUSE), intent="domestic_abuse") for i in range(20)]
    found += [message(f"housing {i}", near(HOUSING), intent="homelessness") for i in range(20)]
    found += [message(f"noise {i}", near(NOISE), intent="report_asb") for i in range(20)]
    marks = {"also": "homelessness"} if two_needs else {}
    found += [message(f"both {i}", near(ABUSE + HOUSING), intent="domestic_abuse", **marks) for i in range(10)]
    return TrainingData(found)


def reading(component: SentenceIntentClassifier, text: str, meaning: np.ndarray, **data) -> dict[str, float]:
    asked = message(text, meaning)
    for key, value in data.items():
        asked.set(key, value)
    component.process([asked])
    return {entry["name"]: entry["confidence"] for entry in asked.get("intent_ranking")}


def test_an_example_marked_with_a_second_need_teaches_both(tmp_path):
    one_need = classifier(tmp_path / "one")
    one_need.train(examples(two_needs=False))
    two_needs = classifier(tmp_path / "two")
    two_needs.train(examples(two_needs=True))
    both = (ABUSE + HOUSING) / np.sqrt(2)
    assert reading(one_need, "both", both)["homelessness"] < 0.2
    told = reading(two_needs, "both", both)
    assert told["domestic_abuse"] > told["homelessness"] > 0.25  # the intent first, the second need a real share


def test_a_second_need_must_be_an_intent(tmp_path):
    data = examples(two_needs=False)
    data.training_examples.append(message("odd", ABUSE, intent="domestic_abuse", also="homelesness"))
    with pytest.raises(RasaException, match="also: homelesness"):
        classifier(tmp_path).train(data)


def test_the_parts_of_a_long_message_are_read_without_the_encoder_left_out(tmp_path):
    data = TrainingData(
        [message(f"abuse {i}", near(ABUSE), intent="domestic_abuse") for i in range(20)]
        + [message(f"noise {i}", near(NOISE), intent="report_asb") for i in range(20)]
    )
    component = classifier(tmp_path, parts_read_without=["e5"])
    component.train(data)
    loaded = SentenceIntentClassifier.load(
        component._config, LocalModelStorage(tmp_path), Resource("intent_classifier"), None
    )
    assert loaded._whole.scaler.origins == ["e5", "minilm"] and loaded._part.scaler.origins == ["minilm"]
    # A part arrives without e5 (config.yml: e5 reads the whole message only) and is read by the
    # part model, as sure as the whole message with both.
    part = Message(data={TEXT: "he hits me", SENTENCE_OF: {"index": 0, "background": False}})
    part.add_features(Features(ABUSE[None, :], FEATURE_TYPE_SENTENCE, TEXT, "minilm"))
    whole = message("he hits me and i am scared", ABUSE)
    loaded.process([whole, part])
    assert part.get(INTENT)["name"] == whole.get(INTENT)["name"] == "domestic_abuse"
    assert part.get(INTENT)["confidence"] > 0.9


def test_each_need_read_apart_is_sure_of_a_second_need_the_one_reading_shares_thinly(tmp_path):
    """The one model shares a two-need message out between its needs; each need's own yes/no model
    reads it apart, and is sure of both (saved and loaded as plain arrays)."""
    component = classifier(tmp_path, needs_apart=["domestic_abuse", "homelessness", "report_asb"])
    component.train(examples(two_needs=True))
    loaded = SentenceIntentClassifier.load(
        component._config, LocalModelStorage(tmp_path), Resource("intent_classifier"), None
    )
    both = message("both", (ABUSE + HOUSING) / np.sqrt(2))
    noise = message("noise", NOISE)
    loaded.process([both, noise])
    apart = both.get("needs_apart")
    assert apart["domestic_abuse"] > 0.5 and apart["homelessness"] > 0.5 and apart["report_asb"] < 0.2
    assert noise.get("needs_apart")["report_asb"] > 0.5
    assert max(p for need, p in noise.get("needs_apart").items() if need != "report_asb") < 0.2


def test_without_needs_apart_nothing_is_read_apart(tmp_path):
    component = classifier(tmp_path)
    component.train(examples(two_needs=True))
    read = message("both", ABUSE + HOUSING)
    component.process([read])
    assert read.get("needs_apart") is None


def test_the_regressions_fitted_in_parallel_are_those_fitted_one_by_one(tmp_path, monkeypatch):
    """Training fits its models in worker processes; the weights are the same as fitted in turn."""
    import nlu.components.regression as regression

    config = {"needs_apart": ["domestic_abuse", "homelessness", "report_asb"], "parts_read_without": ["e5"]}
    data = examples(two_needs=True)
    parallel = classifier(tmp_path / "parallel", **config)
    parallel.train(data)
    monkeypatch.setattr(regression, "TRAINING_PROCESSES", 1)
    in_turn = classifier(tmp_path / "in-turn", **config)
    in_turn.train(data)
    for mine, theirs in ((parallel._whole, in_turn._whole), (parallel._part, in_turn._part)):
        assert list(mine.classes) == list(theirs.classes)
        assert np.array_equal(mine.coef, theirs.coef) and np.array_equal(mine.intercept, theirs.intercept)
    assert np.array_equal(parallel._apart.coef, in_turn._apart.coef)
