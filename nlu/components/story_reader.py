"""Rasa components: a long message read part by part as well as whole (nlu/stories.py).

``StorySentences`` (after the language component) puts each part of a long message (the clauses
of its sentences) into the pipeline's list of messages beside it, so every featurizer and
classifier after it reads each part once, in the same batch as the whole message; an encoder set
``read_sentences: false`` reads the whole message only, and the classifiers read the parts with
models trained without it (``parts_read_without``). ``StoryReader`` (after the intent
classifier, before the fallback) folds the parts' readings into the message's ranking and names a
second need when there is one; the danger classifier reads the same parts to tell danger now
from danger told about the past. Rasa answers from the first message of the list, the
resident's own; the parts are never in the parse result.

Output (``story`` in the parse result): how many parts (clauses of its sentences) were read, which
were only about the past, and the needs found (the message's reading first, then a second need if
any), each with the whole message's confidence and the part that told it.

``TwoNeedsTogether`` (after Rasa's FallbackClassifier) undoes its "ambiguous" fallback for a
message the story reader read as two needs at once: two needs close together are both, not one
or the other, when together they are a sure reading (signposting.yml's `check_reading`).
"""

from __future__ import annotations

import re
from dataclasses import fields
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.constants import DEFAULT_NLU_FALLBACK_INTENT_NAME as FALLBACK
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from community_safety.signposting import default_signposting
from nlu.components.emergency_language import load
from nlu.stories import SentenceReading, StorySettings, read_story, story_parts

STORY_KEY = "story"
# On a whole message: each need's own yes/no reading (the intent classifier's needs_apart).
NEEDS_APART = "needs_apart"
# On the resident's message, its sentences' messages; on each of those, which sentence it is.
SENTENCES = "story_sentences"
SENTENCE_OF = "story_sentence_of"
CHILD = ("child", "teenager")  # at_risk values that name a child
_SAID_OF_ONESELF = re.compile(r"i\s*['’]?\s*m\b|i\s+am\b", re.IGNORECASE)  # "I'm 14", "im 15", "i am 13"


def story_settings(config: dict[str, Any]) -> StorySettings:
    names = {f.name for f in fields(StorySettings)}
    return StorySettings(**{name: config[name] for name in names if name in config})


def sentence_messages(message: Message) -> list[Message]:
    return message.get(SENTENCES) or []


def is_sentence(message: Message) -> bool:
    return message.get(SENTENCE_OF) is not None


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=False)
class StorySentences(GraphComponent):
    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {f.name: f.default for f in fields(StorySettings)}

    def __init__(self, config: dict[str, Any]) -> None:
        self._settings = story_settings(config)

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> StorySentences:
        return cls(config)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data  # the classifiers learn from whole examples

    def process(self, messages: list[Message]) -> list[Message]:
        added, language = [], load()
        for message in messages:
            text = message.get(TEXT)
            if not isinstance(text, str) or text.startswith("/") or is_sentence(message):
                continue
            own = [
                Message(data={TEXT: part, SENTENCE_OF: {"index": i, "background": background}})
                for i, (part, background) in enumerate(story_parts(text, self._settings, language))
            ]
            if not own:
                continue
            message.set(SENTENCES, own)
            added += own
        return [*messages, *added]


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class StoryReader(GraphComponent):
    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {f.name: f.default for f in fields(StorySettings)}

    def __init__(self, config: dict[str, Any], needs: frozenset[str]) -> None:
        self._settings = story_settings(config)
        self._needs = needs

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> StoryReader:
        # A second need is one of the needs the bot signposts (data/signposting.yml), read at start-up.
        return cls(config, frozenset(default_signposting().needs))

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            if is_sentence(message) or not message.get(INTENT_RANKING_KEY):
                continue
            whole = ranking_of(message)
            parts = [
                SentenceReading(part.get(TEXT), part.get(SENTENCE_OF)["background"], ranking_of(part))
                for part in sentence_messages(message)
            ]
            apart = message.get(NEEDS_APART) or {}
            text = message.get(TEXT) or ""
            children = [
                entity
                for entity in message.get(ENTITIES) or []
                if entity.get("entity") == "at_risk" and entity.get("value") in CHILD
            ]
            resident = any(_SAID_OF_ONESELF.match(text[entity["start"] : entity["end"]]) for entity in children)
            story = read_story(whole, parts, self._needs, text, self._settings, apart, bool(children), resident)
            ranking = [{INTENT_NAME_KEY: name, "confidence": value} for name, value in story.ranking.items()]
            message.set(INTENT, ranking[0], add_to_output=True)
            message.set(INTENT_RANKING_KEY, ranking[: len(message.get(INTENT_RANKING_KEY))], add_to_output=True)
            message.set(
                STORY_KEY,
                {
                    "parts": len(parts) or 1,
                    "background": story.background,
                    "needs": [{**need, "confidence": round(need["confidence"], 4)} for need in story.needs],
                    "danger_only_in_background": story.danger_only_in_background,
                },
                add_to_output=True,
            )
        return messages


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class TwoNeedsTogether(GraphComponent):
    def __init__(self, sure: float) -> None:
        self._sure = sure

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> TwoNeedsTogether:
        return cls(default_signposting().check_reading)

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            needs = [need.get("name") for need in (message.get(STORY_KEY) or {}).get("needs") or []]
            if len(needs) != 2 or (message.get(INTENT) or {}).get(INTENT_NAME_KEY) != FALLBACK:
                continue
            ranking = [entry for entry in message.get(INTENT_RANKING_KEY) or [] if entry[INTENT_NAME_KEY] != FALLBACK]
            top = ranking[:2]
            together = sum(entry["confidence"] for entry in top)
            if {entry[INTENT_NAME_KEY] for entry in top} == set(needs) and together >= self._sure:
                message.set(INTENT, top[0], add_to_output=True)
                message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
        return messages


def ranking_of(message: Message) -> dict[str, float]:
    return {entry[INTENT_NAME_KEY]: float(entry["confidence"]) for entry in message.get(INTENT_RANKING_KEY) or []}
