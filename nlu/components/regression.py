"""The logistic regressions the intent and danger classifiers fit, several at once.

A yes/no model is scikit-learn's ``LogisticRegression`` (lbfgs). A model over many needs is
``MultinomialRegression``: the objective scikit-learn's lbfgs solver minimises for it (the
weighted multinomial log-loss plus half the squared weights over C, the intercept unpenalised),
by the same scipy L-BFGS-B with the same tolerance, so it reaches the same weights to within
that tolerance. It is written out because scikit-learn 1.1 (the newest Rasa 3.6 allows) made
the intent classifier's one reading most of a training's time (docs/model.md, Training time):
its rows carry the pretrained encoders' 768 numbers as sparse entries, four in five of the
matrix, multiplied one entry at a time, and its gradient walks the matrix by columns. Here the
columns every row fills are one dense block, multiplied by BLAS, the rest is multiplied both
ways in row order, and parallel columns are merged into one (``parallel_columns_merged``), which
leaves L-BFGS a third of the unknowns.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.optimize
import scipy.sparse
from scipy.special import logsumexp

logger = logging.getLogger(__name__)
TRAINING_PROCESSES = 4  # enough for the machines this trains on; more only adds memory


@dataclass
class MultinomialRegression:
    """Multinomial logistic regression with an L2 penalty of 1 / (2 C), fitted by L-BFGS-B."""

    C: float = 1.0
    max_iter: int = 100
    tol: float = 1e-4

    def fit(self, features, labels, sample_weight=None) -> MultinomialRegression:
        features = scipy.sparse.csr_matrix(features, dtype=np.float64)
        self.classes_, targets = np.unique(np.asarray(labels), return_inverse=True)
        rows, width = features.shape
        if len(self.classes_) < 3:
            raise ValueError(f"a multinomial regression needs three classes or more, not {len(self.classes_)}")
        weights = np.ones(rows) if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
        filled = np.diff(features.tocsc().indptr) == rows
        dense_columns, sparse_columns = np.flatnonzero(filled), np.flatnonzero(~filled)
        dense = features[:, dense_columns].toarray()
        sparse, group_of, share = parallel_columns_merged(features[:, sparse_columns])
        sparse_by_column = sparse.T.tocsr()
        classes = len(self.classes_)
        truth = np.zeros((rows, classes))
        truth[np.arange(rows), targets] = 1.0
        penalty = 1.0 / self.C

        def split(flat: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
            on_sparse = flat[: sparse.shape[1] * classes].reshape(sparse.shape[1], classes)
            on_dense = flat[len(on_sparse) * classes : -classes].reshape(len(dense_columns), classes)
            return on_sparse, on_dense, flat[-classes:]

        def loss_and_gradient(flat: np.ndarray) -> tuple[float, np.ndarray]:
            on_sparse, on_dense, intercept = split(flat)
            scores = sparse @ on_sparse + dense @ on_dense + intercept
            norm = logsumexp(scores, axis=1)
            loss = float(weights @ (norm - scores[np.arange(rows), targets]))
            coefficients = flat[:-classes]
            loss += 0.5 * penalty * float(coefficients @ coefficients)
            residual = weights[:, None] * (np.exp(scores - norm[:, None]) - truth)
            gradient = np.concatenate(
                [
                    (sparse_by_column @ residual).ravel(),
                    (dense.T @ residual).ravel(),
                    residual.sum(axis=0),
                ]
            )
            gradient[:-classes] += penalty * coefficients
            return loss, gradient

        start = np.zeros((sparse.shape[1] + len(dense_columns) + 1) * classes)
        result = scipy.optimize.minimize(
            loss_and_gradient,
            start,
            method="L-BFGS-B",
            jac=True,
            options={"gtol": self.tol, "maxiter": self.max_iter},
        )
        if not result.success:
            logger.warning("The multinomial regression stopped before converging: %s", result.message)
        self.n_iter_ = np.array([result.nit])
        on_sparse, on_dense, intercept = split(result.x)
        self.coef_ = np.zeros((classes, width))
        self.coef_[:, sparse_columns] = (on_sparse[group_of] * share[:, None]).T
        self.coef_[:, dense_columns] = on_dense.T
        self.intercept_ = intercept.copy()
        return self


def parallel_columns_merged(features) -> tuple[scipy.sparse.csr_matrix, np.ndarray, np.ndarray]:
    """``features`` with each set of parallel columns (the same rows, values in the same proportions)
    made one column, the set's combined length, and for each column its set and its share of it.

    Exact for an L2-penalised linear model: such columns only ever act through their weighted sum,
    and the smallest penalty for a given sum gives each column's weights in proportion to its
    length, so one column of the combined length (weights times share) reaches the same optimum
    with fewer unknowns. Here two in three columns are a character n-gram that only one or two
    messages have, with the same values as the message's other rare n-grams.
    """
    by_column = scipy.sparse.csc_matrix(features)
    by_column.sort_indices()
    lengths = np.sqrt(np.asarray(by_column.multiply(by_column).sum(axis=0)).ravel())
    sets: dict[tuple[bytes, bytes], int] = {}
    group_of = np.empty(by_column.shape[1], dtype=np.int64)
    for column in range(by_column.shape[1]):
        start, end = by_column.indptr[column], by_column.indptr[column + 1]
        values = by_column.data[start:end]
        direction = np.round(values / lengths[column], 12) if lengths[column] else values
        key = (by_column.indices[start:end].tobytes(), direction.tobytes())
        group_of[column] = sets.setdefault(key, len(sets))
    combined = np.sqrt(np.bincount(group_of, weights=lengths**2, minlength=len(sets)))
    share = np.divide(lengths, combined[group_of], out=np.zeros_like(lengths), where=combined[group_of] > 0)
    merged = by_column @ scipy.sparse.csr_matrix(
        (share, (np.arange(by_column.shape[1]), group_of)), shape=(by_column.shape[1], len(sets))
    )
    return merged.tocsr(), group_of, share


def _fit_one(settings: dict[str, Any], features, labels, weights):
    if len(set(labels)) > 2:
        return MultinomialRegression(C=settings["C"], max_iter=settings["max_iter"]).fit(features, labels, weights)
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(**settings).fit(features, labels, sample_weight=weights)


def fitted_regressions(settings: dict[str, Any], fits: list[tuple]) -> list:
    """Logistic regressions with the same settings, each on its (features, labels, weights), fitted in
    parallel worker processes (each fit is deterministic, so the models are those fitted one by one)."""
    from joblib import Parallel, delayed

    jobs = min(len(fits), len(os.sched_getaffinity(0)), TRAINING_PROCESSES)
    if jobs <= 1:
        return [_fit_one(settings, *fit) for fit in fits]
    return Parallel(n_jobs=jobs, backend="loky")(delayed(_fit_one)(settings, *fit) for fit in fits)
