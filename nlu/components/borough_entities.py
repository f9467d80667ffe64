"""Rasa component: entities from the project's spaCy entity ruler, with normalised values.

Rasa's SpacyEntityExtractor returns the words as typed; for `at_risk` the ruler knows the
normalised value ("my nan" -> elderly), kept in the pattern's id, so this uses it. An age followed
by a unit is not someone's age ("he's 5 minutes away"): the ruler cannot look ahead, so it is
dropped here.
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
        ents = [ent for ent in doc.ents if not _an_amount(doc, ent)]
        return [
            {
                "entity": ent.label_,
                "value": ent.ent_id_ or ent.text,
                "start": ent.start_char,
                "confidence": None,
                "end": ent.end_char,
            }
            for ent in ents
        ]


# Words after a number that make it an amount, not an age.
UNITS = frozenset(
    [
        "minutes",
        "mins",
        "min",
        "hours",
        "hrs",
        "hour",
        "days",
        "weeks",
        "months",
        "quid",
        "pounds",
        "percent",
        "%",
        "am",
        "pm",
        "o'clock",
        "times",
        "floors",
        "doors",
    ]
)


def _an_amount(doc, ent) -> bool:
    return ent.label_ == "at_risk" and ent.end < len(doc) and doc[ent.end].lower_ in UNITS
