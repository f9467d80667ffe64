"""Rasa component: which language a message is in, and romanised Bengali into Bengali script.

First in the pipeline, so everything after it reads Bengali one way: a message in Bengali script
is left as it is; romanised Bengali ("amar basar shamne maramari hocche") is transliterated with
Avro Phonetic before spaCy, the word counts and the sentence encoders see it, keeping the English
words residents mix in ("police", "flat", place names) as they are. What the resident typed is
kept (``original_text``) for the emergency safety net, which reads both.

Romanised Bengali is recognised by a classifier of the project's own over character n-grams,
trained with the model: the training examples in blocks marked ``metadata: {language: bn-Latn}``
against the other examples in Latin letters.

Output (``resident_language`` in the parse result): the language the message is in (``en``,
``bn``, or a language the bot can't answer in, named by CLD3, community_safety/languages.py),
how it was told, and the romanised-Bengali probability. When a message clearly says which
language the resident writes in, a ``language`` entity carries ``en`` or ``bn`` to the
conversation's ``language`` slot; short answers ("ok", "5", "Roman Road") carry none, so they
never switch a conversation's language.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from functools import cached_property
from typing import Any

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES, INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from sklearn.feature_extraction.text import HashingVectorizer
from sklearn.linear_model import LogisticRegression

from community_safety.languages import (
    BENGALI,
    ENGLISH,
    OTHER_LANGUAGE_INTENT,
    PARSE_KEY,
    ROMANISED_BENGALI,
    default_languages,
    is_bengali_script,
    latin_words,
    transliterate,
)
from community_safety.places import default_places
from nlu.components.example_marks import mark

logger = logging.getLogger(__name__)
OUTPUT_KEY = PARSE_KEY
ORIGINAL_TEXT = "original_text"
LANGUAGE_ENTITY = "language"
WEIGHTS_FILE = "romanised_bengali.npz"
# Typed choices of language ("English please", "bangla", "বাংলায় বলুন"): always a clear choice.
CHOICE = {
    ENGLISH: re.compile(r"^(?:in\s+)?(?:english|ingreji|engreji|ইংরেজি|ইংরেজিতে)(?:\s+(?:please|pls|plz))?[.!]?$"),
    BENGALI: re.compile(
        r"^(?:in\s+)?(?:bangla|bengali|bangla[iy]|banglay|banglate|sylheti|বাংলা|বাংলায়|বাংলাতে|সিলেটি)"
        r"(?:\s+(?:please|pls|plz|bolun|bolen|koren|লিখুন|বলুন))?[.!]?$"
    ),
}


def example_language(message: Message) -> str | None:
    """The language a training example is marked with (``metadata: {language: ...}``, as
    nlu/data/bengali/ marks its blocks)."""
    return mark(message, "language")


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=True)
class ResidentLanguage(GraphComponent):
    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            "romanised_threshold": 0.5,
            # Switching a conversation's language takes a message this sure and this long.
            "switch_probability": 0.8,
            "switch_words": 3,
            "n_features": 2**16,
            # Its examples are in other languages: neither English nor romanised Bengali.
            "other_language_intent": OTHER_LANGUAGE_INTENT,
            "C": 10.0,
        }

    def __init__(
        self,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        coef: np.ndarray | None = None,
        intercept: float = 0.0,
        keep: frozenset[str] = frozenset(),
        english: frozenset[str] = frozenset(),
    ) -> None:
        self._config = {**self.get_default_config(), **config}
        self._storage, self._resource = model_storage, resource
        self._coef, self._intercept, self._keep, self._english = coef, intercept, keep, english
        self._vectorizer = HashingVectorizer(
            analyzer="char_wb",
            ngram_range=(1, 4),
            n_features=self._config["n_features"],
            alternate_sign=False,
            lowercase=True,
        )

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> ResidentLanguage:
        return cls(config, model_storage, resource)

    # --- training ------------------------------------------------------------------------------
    def train(self, training_data: TrainingData) -> Resource:
        latin = [
            m
            for m in training_data.training_examples
            if m.get(TEXT)
            and not is_bengali_script(m.get(TEXT))
            and m.get(INTENT) != self._config["other_language_intent"]
        ]
        romanised = [m for m in latin if example_language(m) == ROMANISED_BENGALI]
        english = [m for m in latin if example_language(m) != ROMANISED_BENGALI]
        # Every word of the English examples: a message mostly made of them is English, whatever
        # CLD3 guesses (community_safety/languages.py).
        vocabulary = frozenset(w for m in english for w in latin_words(m.get(TEXT)))
        if not romanised or not english:
            logger.warning("No romanised Bengali examples (metadata language: bn-Latn): none will be recognised")
            self._persist(None, 0.0, frozenset(), vocabulary)
            return self._resource
        texts = [m.get(TEXT) for m in romanised + english]
        y = np.array([1] * len(romanised) + [0] * len(english))
        model = LogisticRegression(C=self._config["C"], class_weight="balanced", max_iter=2000)
        model.fit(self._vectorizer.transform(texts), y)
        # English words residents mix into romanised Bengali ("police", "flat", "report") stay in
        # Latin letters: the words the English examples use at least as often as the romanised ones
        # ("ache" is Bengali আছে far more often), and the borough's places.
        romanised_count = Counter(w for m in romanised for w in latin_words(m.get(TEXT)))
        english_count = Counter(w for m in english for w in latin_words(m.get(TEXT)))
        places = {w for name in default_places().names() for w in latin_words(name)}
        english_words = {w for w, n in english_count.items() if n >= romanised_count.get(w, 0)}
        keep = frozenset(w for w in english_words | places if len(w) >= 3)
        self._persist(model.coef_.reshape(-1), float(model.intercept_[0]), keep, vocabulary)
        return self._resource

    def _persist(
        self, coef: np.ndarray | None, intercept: float, keep: frozenset[str], english: frozenset[str]
    ) -> None:
        self._coef, self._intercept, self._keep, self._english = coef, intercept, keep, english
        with self._storage.write_to(self._resource) as directory:
            np.savez(
                directory / WEIGHTS_FILE,
                coef=coef if coef is not None else np.zeros(0),
                intercept=intercept,
                keep=np.array(sorted(keep), dtype=str),
                english=np.array(sorted(english), dtype=str),
            )

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> ResidentLanguage:
        with model_storage.read_from(resource) as directory:
            saved = np.load(directory / WEIGHTS_FILE, allow_pickle=False)
            coef = saved["coef"] if saved["coef"].size else None
            keep, english = frozenset(saved["keep"].tolist()), frozenset(saved["english"].tolist())
            return cls(config, model_storage, resource, coef, float(saved["intercept"]), keep, english)

    # --- reading -------------------------------------------------------------------------------
    def romanised_probability(self, text: str) -> float:
        if self._coef is None or not latin_words(text):
            return 0.0
        score = float(self._vectorizer.transform([text]) @ self._coef) + self._intercept
        return float(1.0 / (1.0 + np.exp(-score)))

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        # The examples' own marks, not the classifier, say which ones to transliterate.
        for message in training_data.training_examples:
            if example_language(message) == ROMANISED_BENGALI and message.get(TEXT):
                message.set(ORIGINAL_TEXT, message.get(TEXT))
                message.set(TEXT, transliterate(message.get(TEXT), self._keep))
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            self._read(message)
        return messages

    @cached_property
    def _button_words(self) -> frozenset[str]:
        """What the questions' buttons send: the English words a Bengali button sends say nothing
        about the resident's language (community_safety/data: signposting.yml, reporting.yml)."""
        from community_safety.reporting import default_reporting
        from community_safety.signposting import default_signposting

        prompts = [p for q in default_signposting().questions.values() for p in q.values()]
        prompts += list(default_reporting().questions.values())
        return frozenset(" ".join(payload.casefold().split()) for p in prompts for _, payload in p.buttons)

    def _read(self, message: Message) -> None:
        text = message.get(TEXT) or ""
        words = len(text.split())
        plain = " ".join(text.casefold().split())
        chosen = next((code for code, pattern in CHOICE.items() if pattern.match(plain)), None)
        probability = 0.0
        other = None
        if chosen:
            language, how, clear = chosen, "choice", True
        elif plain in self._button_words:
            language, how, clear = ENGLISH, "button", False
        elif is_bengali_script(text):
            language, how, clear = BENGALI, "script", True
        else:
            probability = self.romanised_probability(text)
            # One word ("hi", "ok", "ha") says little: romanised Bengali only when the classifier is sure.
            threshold = self._config["romanised_threshold"] if words >= 2 else self._config["switch_probability"]
            if probability >= threshold:
                language, how = BENGALI, "romanised"
                clear = probability >= self._config["switch_probability"] and words >= self._config["switch_words"]
                message.set(ORIGINAL_TEXT, text)
                message.set(TEXT, transliterate(text, self._keep))
            else:
                found = default_languages().other_language(text, self._english)
                other = found.code if found else None
                language, how = (other, "cld3") if other else (ENGLISH, "latin")
                clear = other is None and words >= self._config["switch_words"] and probability < 0.2
        message.set(
            OUTPUT_KEY,
            {"language": language, "how": how, "romanised_probability": round(probability, 3), "other": other},
            add_to_output=True,
        )
        if clear and language in (ENGLISH, BENGALI):
            entity = {"entity": LANGUAGE_ENTITY, "value": language, "start": 0, "end": len(text), "confidence": None}
            message.set(ENTITIES, [*(message.get(ENTITIES) or []), entity], add_to_output=True)
