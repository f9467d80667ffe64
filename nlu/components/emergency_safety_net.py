"""Rasa component: danger-to-life language makes the intent `emergency`, whatever DIET said.

Placed after the classifiers (and FallbackClassifier) in config.yml, so a resident who
types "he's got a blade" is sent to 999 even when the model is unsure or wrong. It never
takes `emergency` away: the classifier may still catch what the rules miss.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from nlu.components.emergency_language import LANGUAGE_FILE, SAFETY_NET_KEY, EmergencyLanguage
from nlu.components.resident_language import ORIGINAL_TEXT


def make_emergency(message: Message, intent: str, confidence: float) -> None:
    """Makes the message's intent the emergency one, first in the ranking (kept, without a copy
    of it), so the fallback can still offer the other likely needs."""
    emergency = {INTENT_NAME_KEY: intent, "confidence": confidence}
    ranking = [entry for entry in message.get(INTENT_RANKING_KEY) or [] if entry.get(INTENT_NAME_KEY) != intent]
    message.set(INTENT, emergency, add_to_output=True)
    message.set(INTENT_RANKING_KEY, [emergency, *ranking], add_to_output=True)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class EmergencySafetyNet(GraphComponent):
    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"language_file": str(LANGUAGE_FILE), "intent": "emergency"}

    def __init__(self, config: dict[str, Any], language: EmergencyLanguage) -> None:
        self._intent = config["intent"]
        self._language = language

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> EmergencySafetyNet:
        # Read at start-up, not at training: a fix to the rules needs a restart, not a retrain.
        return cls(config, EmergencyLanguage.from_file(config["language_file"]))

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            self._apply(message)
        return messages

    def _apply(self, message: Message) -> None:
        # Romanised Bengali is read as typed and as transliterated (nlu/components/resident_language.py).
        match = self._language.find(message.get(TEXT) or "") or self._language.find(message.get(ORIGINAL_TEXT) or "")
        if match is None:
            return
        classified = message.get(INTENT) or {}
        message.set(
            SAFETY_NET_KEY,
            {
                "rule": match.group,
                "classifier_intent": classified.get(INTENT_NAME_KEY),
                "classifier_confidence": classified.get("confidence"),
            },
            add_to_output=True,
        )
        make_emergency(message, self._intent, 1.0)
