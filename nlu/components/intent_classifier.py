"""Rasa component: the need a message expresses, by logistic regression over its features.

Chosen over DIET by measurement (docs/model.md): on this project's few hundred examples a
linear model over sentence embeddings and word/character counts generalises better to new
wording, trains in seconds instead of minutes and answers in well under a millisecond.

Each featurizer's sentence features are one block: sparse counts become sublinear TF-IDF,
and every block is scaled to unit length, dense (pretrained) blocks times ``dense_weight``, so
that no one featurizer drowns the others. The trained weights are saved as plain arrays.
"""

from __future__ import annotations

import logging
from typing import Any

import numpy as np
import scipy.sparse
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

logger = logging.getLogger(__name__)
WEIGHTS_FILE = "intent_classifier.npz"


def sentence_blocks(message: Message) -> dict[str, Any]:
    """The message text's sentence features, one block per featurizer (by its name)."""
    return {
        feature.origin if isinstance(feature.origin, str) else "+".join(feature.origin): feature.features
        for feature in message.features
        if feature.attribute == TEXT and feature.type == FEATURE_TYPE_SENTENCE
    }


class FeatureScaler:
    """Turns per-featurizer blocks into one row: TF-IDF for counts, unit length, dense weighted."""

    def __init__(
        self,
        origins: list[str],
        sparse: list[bool],
        idf: list[np.ndarray | None],
        dense_weight: float,
        widths: list[int],
    ) -> None:
        self.origins, self.sparse, self.idf, self.dense_weight = origins, sparse, idf, dense_weight
        self.widths = widths  # a featurizer with nothing to say (an empty message) gives zeros

    @classmethod
    def fit(cls, messages: list[Message], dense_weight: float) -> FeatureScaler:
        first = sentence_blocks(messages[0])
        origins = sorted(first)
        sparse = [scipy.sparse.issparse(first[origin]) for origin in origins]
        widths = [first[origin].shape[-1] for origin in origins]
        idf = []
        for origin, is_sparse, width in zip(origins, sparse, widths, strict=False):
            if not is_sparse:
                idf.append(None)
                continue
            counts = scipy.sparse.vstack(
                [sentence_blocks(m).get(origin, scipy.sparse.csr_matrix((1, width))) for m in messages]
            ).tocsc()
            documents = np.diff(counts.indptr)  # in how many messages each column occurs
            idf.append(np.log((1 + len(messages)) / (1 + documents)) + 1.0)
        return cls(origins, sparse, idf, dense_weight, widths)

    def arrays(self) -> dict[str, np.ndarray]:
        """The scaler as plain arrays, to save beside a model's weights (no pickles)."""
        arrays = {
            "origins": np.array(self.origins, dtype=str),
            "sparse": np.array(self.sparse),
            "dense_weight": np.array(self.dense_weight),
            "widths": np.array(self.widths),
        }
        arrays.update({f"idf_{i}": idf for i, idf in enumerate(self.idf) if idf is not None})
        return arrays

    @classmethod
    def from_arrays(cls, saved) -> FeatureScaler:
        origins = [str(origin) for origin in saved["origins"]]
        return cls(
            origins,
            [bool(s) for s in saved["sparse"]],
            [saved.get(f"idf_{i}", None) for i in range(len(origins))],
            float(saved["dense_weight"]),
            [int(w) for w in saved["widths"]],
        )

    def transform(self, messages: list[Message]) -> scipy.sparse.csr_matrix:
        # Built straight into one CSR matrix: scipy's per-block operations cost more than the
        # arithmetic on a single message, and this runs on every message a resident sends.
        data, indices, indptr = [], [], [0]
        for message in messages:
            blocks = sentence_blocks(message)
            offset, row_start = 0, len(data)
            for origin, is_sparse, idf, width in zip(self.origins, self.sparse, self.idf, self.widths, strict=False):
                block = blocks.get(origin)
                if block is not None:
                    if is_sparse:
                        counts = scipy.sparse.coo_matrix(block)
                        counts.sum_duplicates()
                        columns = counts.col
                        values = (1.0 + np.log(np.maximum(counts.data.astype(np.float64), 1e-12))) * idf[columns]
                        scale = 1.0
                    else:
                        values = np.asarray(block, dtype=np.float64).reshape(-1)
                        columns = np.arange(width)
                        scale = self.dense_weight
                    norm = np.linalg.norm(values)
                    data.append(values * (scale / norm) if norm else values)
                    indices.append(columns + offset)
                offset += width
            indptr.append(indptr[-1] + sum(len(v) for v in data[row_start:]))
        values = np.concatenate(data) if data else np.zeros(0)
        columns = np.concatenate(indices) if indices else np.zeros(0, dtype=np.int64)
        return scipy.sparse.csr_matrix((values, columns, indptr), shape=(len(messages), sum(self.widths)))


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class SentenceIntentClassifier(IntentClassifier, GraphComponent):
    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"C": 10.0, "dense_weight": 2.0, "max_iter": 3000, "ranking_length": 10, "random_seed": 2026}

    def __init__(
        self,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        scaler: FeatureScaler | None = None,
        classes: np.ndarray | None = None,
        coef: np.ndarray | None = None,
        intercept: np.ndarray | None = None,
    ) -> None:
        self._config = {**self.get_default_config(), **config}
        self._storage, self._resource = model_storage, resource
        self._scaler, self._classes, self._coef, self._intercept = scaler, classes, coef, intercept

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> SentenceIntentClassifier:
        return cls(config, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        from sklearn.linear_model import LogisticRegression

        examples = [e for e in training_data.intent_examples if e.get(TEXT) and e.get(INTENT)]
        self._scaler = FeatureScaler.fit(examples, float(self._config["dense_weight"]))
        model = LogisticRegression(
            C=float(self._config["C"]),
            max_iter=int(self._config["max_iter"]),
            random_state=int(self._config["random_seed"]),
        )
        model.fit(self._scaler.transform(examples), [e.get(INTENT) for e in examples])
        self._classes, self._coef, self._intercept = model.classes_, model.coef_, model.intercept_
        self._persist()
        return self._resource

    def _persist(self) -> None:
        with self._storage.write_to(self._resource) as directory:
            np.savez(
                directory / WEIGHTS_FILE,
                classes=self._classes.astype(str),
                coef=self._coef,
                intercept=self._intercept,
                **self._scaler.arrays(),
            )

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> SentenceIntentClassifier:
        with model_storage.read_from(resource) as directory:
            saved = np.load(directory / WEIGHTS_FILE, allow_pickle=False)
            return cls(
                config,
                model_storage,
                resource,
                FeatureScaler.from_arrays(saved),
                saved["classes"],
                saved["coef"],
                saved["intercept"],
            )

    def probabilities(self, messages: list[Message]) -> np.ndarray:
        scores = self._scaler.transform(messages) @ self._coef.T + self._intercept
        scores = np.asarray(scores) - np.max(scores, axis=1, keepdims=True)
        exp = np.exp(scores)
        return exp / exp.sum(axis=1, keepdims=True)

    def process(self, messages: list[Message]) -> list[Message]:
        ready = [m for m in messages if m.get(TEXT) is not None] if self._coef is not None else []
        if not ready:
            return messages
        for message, row in zip(ready, self.probabilities(ready), strict=False):
            ranking = self._ranking(row)
            message.set(INTENT, ranking[0], add_to_output=True)
            message.set(INTENT_RANKING_KEY, ranking[: int(self._config["ranking_length"])], add_to_output=True)
        return messages

    def _ranking(self, row: np.ndarray) -> list[dict[str, Any]]:
        order = np.argsort(-row)
        return [{INTENT_NAME_KEY: str(self._classes[i]), "confidence": float(row[i])} for i in order]
