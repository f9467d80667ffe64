"""Rasa component: entities from the project's spaCy entity ruler, with normalised values.

Rasa's SpacyEntityExtractor returns the words as typed; for `at_risk` the ruler knows the
normalised value ("my nan" -> elderly), kept in the pattern's id, so this uses it.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.extractors.spacy_entity_extractor import SpacyEntityExtractor


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR,
    is_trainable=False,
    model_from="SpacyNLP",
)
class BoroughEntityExtractor(SpacyEntityExtractor):
    @staticmethod
    def _extract_entities(doc) -> list[dict[str, Any]]:
        return [
            {
                "entity": ent.label_,
                "value": ent.ent_id_ or ent.text,
                "start": ent.start_char,
                "confidence": None,
                "end": ent.end_char,
            }
            for ent in doc.ents
        ]
