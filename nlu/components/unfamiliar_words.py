"""Rasa component: a message with no familiar words is "not understood", however sure DIET is.

DIET gives a confident answer even to "zxqv blorp", so confidence alone rarely triggers the
fallback. This remembers the words of the training data; when none of a message's content
words is among them, the intent becomes `nlu_fallback` and the bot offers the likeliest needs
as buttons (DIET's ranking is kept for that). It runs before the emergency safety net, which
still wins for danger-to-life language, misspelt or not.
"""

from __future__ import annotations

import json
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import TOKENS_NAMES
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from spacy.lang.en.stop_words import STOP_WORDS

VOCABULARY_FILE = "vocabulary.json"


def token_forms(token) -> list[str]:
    forms = [token.text.casefold()]
    lemma = token.get("lemma")
    if lemma:
        forms.append(str(lemma).casefold())
    return forms


def is_content(token) -> bool:
    text = token.text.casefold()
    return any(ch.isalpha() for ch in text) and text not in STOP_WORDS


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class UnfamiliarWordsFallback(GraphComponent):
    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"fallback_intent": "nlu_fallback"}

    def __init__(
        self, config: dict[str, Any], model_storage: ModelStorage, resource: Resource, vocabulary: set | None = None
    ) -> None:
        self._config = config
        self._storage = model_storage
        self._resource = resource
        self._vocabulary = vocabulary or set()

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> UnfamiliarWordsFallback:
        return cls(config, model_storage, resource)

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> UnfamiliarWordsFallback:
        with model_storage.read_from(resource) as directory:
            vocabulary = set(json.loads((directory / VOCABULARY_FILE).read_text()))
        return cls(config, model_storage, resource, vocabulary)

    def train(self, training_data: TrainingData) -> Resource:
        self._vocabulary = {
            form
            for example in training_data.intent_examples
            for token in example.get(TOKENS_NAMES[TEXT]) or []
            for form in token_forms(token)
        }
        with self._storage.write_to(self._resource) as directory:
            (directory / VOCABULARY_FILE).write_text(json.dumps(sorted(self._vocabulary)))
        return self._resource

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            content = [token for token in message.get(TOKENS_NAMES[TEXT]) or [] if is_content(token)]
            if content and not any(form in self._vocabulary for token in content for form in token_forms(token)):
                message.set(
                    INTENT, {INTENT_NAME_KEY: self._config["fallback_intent"], "confidence": 1.0}, add_to_output=True
                )
        return messages
