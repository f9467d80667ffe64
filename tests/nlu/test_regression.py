"""The regressions the classifiers fit (nlu/components/regression.py): the multinomial one reaches
scikit-learn's weights, and merging parallel columns changes nothing a model computes."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import scipy.sparse
from sklearn.linear_model import LogisticRegression

from nlu.components.regression import MultinomialRegression, fitted_regressions, parallel_columns_merged

RANDOM = np.random.default_rng(2026)


def features_like_the_classifiers(rows: int = 120, classes: int = 4) -> tuple[scipy.sparse.csr_matrix, np.ndarray]:
    """Rows like the intent classifier's: a dense block every row fills (an encoder), words shared
    by a class's rows, and rare n-grams only one or two rows have, several with the same values."""
    labels = np.arange(rows) % classes
    dense = RANDOM.normal(0, 0.3, (rows, 6)) + np.eye(classes, 6)[labels]
    shared = (RANDOM.random((rows, 10)) < 0.3) * (1.0 + np.eye(classes, 10)[labels] * 2)
    rare = np.zeros((rows, 3 * rows))
    for row in range(rows):
        rare[row, 3 * row : 3 * row + 3] = 0.4  # three n-grams of one message, parallel
    rare[0, 3] = rare[1, 0] = 0.4  # two n-grams both in the first two rows, in proportion
    rare[2, 9] = rare[3, 6] = 0.2  # and two in the next two rows, not in proportion
    return scipy.sparse.csr_matrix(np.hstack([shared, dense, rare])), labels


def sklearn_probabilities(features, labels, weights, C: float) -> tuple[LogisticRegression, np.ndarray]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = LogisticRegression(C=C, max_iter=3000, tol=1e-8).fit(features, labels, sample_weight=weights)
    return model, model.predict_proba(features)


def probabilities(model: MultinomialRegression, features) -> np.ndarray:
    scores = np.asarray(features @ model.coef_.T) + model.intercept_
    exp = np.exp(scores - scores.max(axis=1, keepdims=True))
    return exp / exp.sum(axis=1, keepdims=True)


@pytest.mark.parametrize("C", [0.5, 30.0])
def test_the_multinomial_regression_reaches_scikit_learns_weights(C):
    features, labels = features_like_the_classifiers()
    weights = np.where(np.arange(len(labels)) % 5 == 0, 0.4, 1.0)
    theirs, their_probabilities = sklearn_probabilities(features, labels, weights, C)
    mine = MultinomialRegression(C=C, max_iter=3000, tol=1e-8).fit(features, labels, weights)
    assert list(mine.classes_) == list(theirs.classes_)
    assert np.abs(mine.coef_ - theirs.coef_).max() < 1e-4
    assert np.abs(mine.intercept_ - theirs.intercept_).max() < 1e-4
    assert np.abs(probabilities(mine, features) - their_probabilities).max() < 1e-5
    # A message it never saw, with some of each kind of column.
    shape = (5, features.shape[1])
    unseen = scipy.sparse.csr_matrix(RANDOM.random(shape) * (RANDOM.random(shape) < 0.2))
    assert np.abs(probabilities(mine, unseen) - theirs.predict_proba(unseen)).max() < 1e-5


def test_merging_parallel_columns_changes_no_score():
    features, _ = features_like_the_classifiers()
    rare = features[:, 16:]
    merged, group_of, share = parallel_columns_merged(rare)
    # Each message's n-grams seen once are one column; those seen twice are one only in proportion.
    assert rare.shape[1] == 360 and merged.shape[1] < 130
    assert group_of[0] == group_of[3] != group_of[1] == group_of[2]
    assert len({group_of[6], group_of[9], group_of[7]}) == 3
    # Any weights on the merged columns, spread back by share, score every row the same.
    on_merged = RANDOM.normal(size=(merged.shape[1], 3))
    assert np.allclose(merged @ on_merged, rare @ (on_merged[group_of] * share[:, None]))
    # ... at no greater penalty: the spread weights' squared length is the merged ones'.
    assert np.isclose((on_merged**2).sum(), ((on_merged[group_of] * share[:, None]) ** 2).sum())


def test_a_column_no_row_has_is_left_at_zero():
    features, labels = features_like_the_classifiers(rows=40)
    with_empty = scipy.sparse.hstack([features, scipy.sparse.csr_matrix((40, 2))]).tocsr()
    model = MultinomialRegression(C=10.0, max_iter=500).fit(with_empty, labels)
    assert np.all(model.coef_[:, -2:] == 0) and np.all(np.isfinite(model.coef_))


def test_fewer_than_three_classes_are_refused():
    features, labels = features_like_the_classifiers(rows=20, classes=2)
    with pytest.raises(ValueError, match="three classes"):
        MultinomialRegression().fit(features, labels)


def test_yes_no_models_and_many_needs_fitted_together():
    features, labels = features_like_the_classifiers(rows=60)
    settings = {"C": 10.0, "max_iter": 2000, "random_state": 2026}
    many, yes_no = fitted_regressions(settings, [(features, labels, None), (features, labels == 1, None)])
    assert isinstance(many, MultinomialRegression) and len(many.classes_) == 4
    assert isinstance(yes_no, LogisticRegression) and yes_no.coef_.shape == (1, features.shape[1])
