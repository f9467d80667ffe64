"""Rasa component: a message in a language the bot can't answer in gets the `other_language`
intent, so the bot says, in that language, what it can do and to call 999 in danger.

After the intent classifier (whose guess on, say, Somali means nothing) and before the danger
classifier and the emergency safety net, which still make it `emergency` when they see danger.
Which language it is comes from ResidentLanguage (nlu/components/resident_language.py).
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY
from rasa.shared.nlu.training_data.message import Message

from community_safety.languages import OTHER_LANGUAGE_INTENT
from nlu.components.resident_language import OUTPUT_KEY


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class OtherLanguageIntent(GraphComponent):
    @staticmethod
    def get_default_config() -> dict[str, Any]:
        # As FallbackClassifier's threshold in config.yml: a demoted guess below it is "not understood".
        return {"intent": OTHER_LANGUAGE_INTENT, "fallback_intent": "nlu_fallback", "threshold": 0.3}

    def __init__(self, config: dict[str, Any]) -> None:
        self._config = config
        self._intent = config["intent"]

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> OtherLanguageIntent:
        return cls({**cls.get_default_config(), **config})

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            ranking = [e for e in message.get(INTENT_RANKING_KEY) or [] if e.get(INTENT_NAME_KEY) != self._intent]
            if (message.get(OUTPUT_KEY) or {}).get("other"):
                intent = {INTENT_NAME_KEY: self._intent, "confidence": 1.0}
                message.set(INTENT, intent, add_to_output=True)
                message.set(INTENT_RANKING_KEY, [intent, *ranking], add_to_output=True)
            elif (message.get(INTENT) or {}).get(INTENT_NAME_KEY) == self._intent and ranking:
                # The classifier's own guess, which the language identifier didn't back: English
                # words it hasn't seen ("how do i get into detox") are not another language.
                intent = ranking[0]
                if intent.get("confidence", 0.0) < self._config["threshold"]:
                    intent = {
                        INTENT_NAME_KEY: self._config["fallback_intent"],
                        "confidence": 1.0 - intent["confidence"],
                    }
                message.set(INTENT, intent, add_to_output=True)
                message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
        return messages
