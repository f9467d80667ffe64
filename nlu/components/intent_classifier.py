"""Rasa component: the need a message expresses, by logistic regression over its features.

Chosen over DIET by measurement (docs/model.md): on this project's few hundred examples a
linear model over sentence embeddings and word/character counts generalises better to new
wording, trains in seconds instead of minutes and answers in well under a millisecond.

Each featurizer's sentence features are one block: sparse counts become sublinear TF-IDF,
and every block is scaled to unit length, dense (pretrained) blocks times ``dense_weight``, so
that no one featurizer drowns the others. The trained weights are saved as plain arrays.

A training example marked ``also: <need>`` (nlu/data/two_needs.yml) carries two needs: it is
learnt as its intent and as that need, weighted ``second_need_weight`` for the second, so a
message telling two needs gives both a share of the reading instead of one need all of it.

Beside it, each need listed in ``needs_apart`` has a yes/no model of its own over the whole
message's features (an example marked ``also`` counts for both its needs): the one model shares
out one reading among the needs, so a message telling two gives the second a small share however
plainly it is told; the yes/no models read each need apart, and the story reader offers a second
door when one of them is sure of a need the first reading did not choose (issue #25).

A long message's parts (its sentences and clauses, nlu/components/story_reader.py) are read by a
second model over the same features less those named in ``parts_read_without``: an encoder too
dear to run on every part of a long message (config.yml leaves e5 out, and e5 reads the whole
message only) is left out of the model that reads them rather than read as zeros.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.exceptions import RasaException
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from nlu.components.example_marks import mark
from nlu.components.regression import fitted_regressions
from nlu.components.story_reader import NEEDS_APART, is_sentence

logger = logging.getLogger(__name__)
WEIGHTS_FILE = "intent_classifier.npz"
PART = "part_"  # the part model's arrays in the weights file
APART = "apart_"  # the yes/no models' arrays


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
    def fit(cls, messages: list[Message], dense_weight: float, leave_out: tuple[str, ...] = ()) -> FeatureScaler:
        first = sentence_blocks(messages[0])
        origins = sorted(origin for origin in first if origin not in leave_out)
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


def saved_with_prefix(saved, prefix: str) -> dict[str, np.ndarray] | None:
    """The arrays a model saved under ``prefix`` in a weights file, the prefix taken off; None
    when it saved none (a model trained without a part model)."""
    if prefix + "coef" not in saved:
        return None
    return {name[len(prefix) :]: saved[name] for name in saved if name.startswith(prefix)}


def batches_by_model(messages: list[Message], whole, part) -> list[tuple[Any, list[Message]]]:
    """Each model with the messages it reads: a long message's parts go to the part model when
    there is one, everything else to the whole-message model."""
    if part is None:
        return [(whole, messages)] if messages else []
    parts = [m for m in messages if is_sentence(m)]
    wholes = [m for m in messages if not is_sentence(m)]
    return [(model, batch) for model, batch in ((whole, wholes), (part, parts)) if batch]


@dataclass
class Reader:
    """One trained logistic regression and the scaling of its features."""

    scaler: FeatureScaler
    classes: np.ndarray
    coef: np.ndarray
    intercept: np.ndarray

    def probabilities_of(self, features: scipy.sparse.csr_matrix) -> np.ndarray:
        scores = features @ self.coef.T + self.intercept
        scores = np.asarray(scores) - np.max(scores, axis=1, keepdims=True)
        exp = np.exp(scores)
        return exp / exp.sum(axis=1, keepdims=True)

    def arrays(self, prefix: str = "") -> dict[str, np.ndarray]:
        arrays = {"classes": self.classes.astype(str), "coef": self.coef, "intercept": self.intercept}
        arrays.update(self.scaler.arrays())
        return {prefix + name: value for name, value in arrays.items()}

    @classmethod
    def from_arrays(cls, saved, prefix: str = "") -> Reader | None:
        own = saved_with_prefix(saved, prefix)
        if own is None:
            return None
        return cls(FeatureScaler.from_arrays(own), own["classes"], own["coef"], own["intercept"])


@dataclass
class NeedsApart:
    """One yes/no logistic regression per need, over the whole-message model's features."""

    needs: np.ndarray
    coef: np.ndarray  # one row per need
    intercept: np.ndarray

    def probabilities_of(self, features: scipy.sparse.csr_matrix) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-(np.asarray(features @ self.coef.T) + self.intercept)))

    def arrays(self) -> dict[str, np.ndarray]:
        return {f"{APART}needs": self.needs.astype(str), f"{APART}coef": self.coef, f"{APART}intercept": self.intercept}

    @classmethod
    def from_arrays(cls, saved) -> NeedsApart | None:
        own = saved_with_prefix(saved, APART)
        return None if own is None else cls(own["needs"], own["coef"], own["intercept"])


@dataclass
class TrainingRows:
    """Which example each training row is, its label and its weight."""

    rows: list[int]
    labels: list[str]
    weights: np.ndarray


def two_need_rows(examples: list[Message], second_weight: float) -> TrainingRows:
    """One row per example, and a second row for an example marked ``also: <need>``: learnt as
    its intent at 1 - ``second_weight`` and as the other need at ``second_weight``."""
    rows, labels, weights = [], [], []
    for row, example in enumerate(examples):
        also = mark(example, "also")
        rows.append(row)
        labels.append(example.get(INTENT))
        weights.append(1.0 - second_weight if also else 1.0)
        if also:
            rows.append(row)
            labels.append(also)
            weights.append(second_weight)
    return TrainingRows(rows, labels, np.array(weights))


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class SentenceIntentClassifier(IntentClassifier, GraphComponent):
    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            "C": 10.0,
            "dense_weight": 2.0,
            "second_need_weight": 0.4,
            "parts_read_without": [],
            "needs_apart": [],
            "max_iter": 3000,
            "ranking_length": 10,
            "random_seed": 2026,
        }

    def __init__(
        self,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        whole: Reader | None = None,
        part: Reader | None = None,
        apart: NeedsApart | None = None,
    ) -> None:
        self._config = {**self.get_default_config(), **config}
        self._storage, self._resource = model_storage, resource
        self._whole, self._part, self._apart = whole, part, apart

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
        examples = [e for e in training_data.intent_examples if e.get(TEXT) and e.get(INTENT)]
        rows = two_need_rows(examples, float(self._config["second_need_weight"]))
        unknown = sorted(set(rows.labels) - {e.get(INTENT) for e in examples})
        if unknown:
            raise RasaException(
                f"Training examples are marked 'also: {unknown[0]}', which is not an intent in the training data "
                "(nlu/data/two_needs.yml names a need by its intent)."
            )
        # The scalers first (cheap), then every regression at once, one per core: they are independent,
        # and fitting them one after another was most of a training's time.
        scaler = FeatureScaler.fit(examples, float(self._config["dense_weight"]))
        features = scaler.transform(examples)
        fits = [(features[rows.rows], rows.labels, rows.weights)]
        needs = [str(need) for need in self._config["needs_apart"] or []]
        told = [{example.get(INTENT), mark(example, "also")} for example in examples]
        fits += [(features, [need in named for named in told], None) for need in needs]
        leave_out = tuple(self._config["parts_read_without"] or ())
        part_scaler = FeatureScaler.fit(examples, float(self._config["dense_weight"]), leave_out) if leave_out else None
        if part_scaler is not None:
            fits.append((part_scaler.transform(examples)[rows.rows], rows.labels, rows.weights))
        fitted = fitted_regressions(self._regression_settings(), fits)
        whole = fitted.pop(0)
        self._whole = Reader(scaler, whole.classes_, whole.coef_, whole.intercept_)
        apart, fitted = fitted[: len(needs)], fitted[len(needs) :]
        self._apart = (
            NeedsApart(
                np.array(needs),
                np.vstack([model.coef_[0] for model in apart]),
                np.array([model.intercept_[0] for model in apart]),
            )
            if needs
            else None
        )
        self._part = None
        if part_scaler is not None:
            part = fitted.pop(0)
            self._part = Reader(part_scaler, part.classes_, part.coef_, part.intercept_)
        self._persist()
        return self._resource

    def _regression_settings(self) -> dict[str, Any]:
        return {
            "C": float(self._config["C"]),
            "max_iter": int(self._config["max_iter"]),
            "random_state": int(self._config["random_seed"]),
        }

    def _persist(self) -> None:
        arrays = self._whole.arrays()
        if self._part is not None:
            arrays.update(self._part.arrays(PART))
        if self._apart is not None:
            arrays.update(self._apart.arrays())
        with self._storage.write_to(self._resource) as directory:
            np.savez(directory / WEIGHTS_FILE, **arrays)

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
                Reader.from_arrays(saved),
                Reader.from_arrays(saved, PART),
                NeedsApart.from_arrays(saved),
            )

    def process(self, messages: list[Message]) -> list[Message]:
        ready = [m for m in messages if m.get(TEXT) is not None] if self._whole is not None else []
        for reader, batch in batches_by_model(ready, self._whole, self._part):
            features = reader.scaler.transform(batch)
            if self._apart is not None and reader is self._whole:
                for message, row in zip(batch, self._apart.probabilities_of(features), strict=False):
                    message.set(NEEDS_APART, {str(n): float(p) for n, p in zip(self._apart.needs, row, strict=False)})
            for message, row in zip(batch, reader.probabilities_of(features), strict=False):
                ranking = self._ranking(reader, row)
                message.set(INTENT, ranking[0], add_to_output=True)
                message.set(INTENT_RANKING_KEY, ranking[: int(self._config["ranking_length"])], add_to_output=True)
        return messages

    @staticmethod
    def _ranking(reader: Reader, row: np.ndarray) -> list[dict[str, Any]]:
        order = np.argsort(-row)
        return [{INTENT_NAME_KEY: str(reader.classes[i]), "confidence": float(row[i])} for i in order]
