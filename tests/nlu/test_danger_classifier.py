"""The danger classifier's threshold: recall 1.0 with the rules, within a false-alarm budget."""

from __future__ import annotations

import numpy as np
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from nlu.components.danger_classifier import DangerClassifier


def component(**config) -> DangerClassifier:
    return DangerClassifier({**DangerClassifier.get_default_config(), **config}, None, None)


def examples(texts):
    return [Message(data={TEXT: text}) for text in texts]


# Two emergencies the rules miss, one the rules catch, and 100 ordinary messages.
EMERGENCIES = [
    "he is going to do me in when he finds me",
    "my flatmate said goodbye to everyone and locked his door",
    "he's got a knife and he's at the door",
]
OTHERS = [f"the music next door is loud again on night {i}" for i in range(100)]
TEXTS = EMERGENCIES + OTHERS
Y = np.array([True] * 3 + [False] * 100)


def test_threshold_catches_every_emergency_the_rules_miss_when_the_budget_allows():
    scores = np.array([0.6, 0.4, 0.01] + [0.05] * 100)
    threshold, report = component(margin=1.0)._choose_threshold(examples(TEXTS), Y, scores)
    assert threshold == 0.4  # the knife message is the rules' to catch, so its low score does not count
    assert report["rules_miss"] == 2 and report["left_to_others"] == [] and report["false_alarms"] == 0


def test_the_false_alarm_budget_wins_and_says_what_it_leaves():
    scores = np.array([0.6, 0.02] + [0.01] + list(np.linspace(0.5, 0.03, 100)))
    threshold, report = component(margin=1.0, max_false_alarm_share=0.02)._choose_threshold(examples(TEXTS), Y, scores)
    assert report["false_alarms"] <= 3
    assert threshold > 0.02
    assert report["left_to_others"] == ["my flatmate said goodbye to everyone and locked his door"]


def test_short_messages_are_left_to_the_rules():
    message = Message(data={TEXT: "myself"})
    classifier = component()
    classifier._whole = object()  # trained, but never asked about a two-word answer
    classifier.process([message])
    assert message.get("danger_classifier") is None


def test_new_examples_leave_every_other_example_in_its_fold():
    from nlu.components.danger_classifier import steady_folds

    texts = [f"example number {i} about something" for i in range(200)]
    before = steady_folds(texts, 5)
    after = steady_folds([*texts, "can i send you a video", "i have photos of the damage"], 5)

    def fold_of(splits, index):
        return next(k for k, (_, test) in enumerate(splits) if index in test)

    assert all(fold_of(before, i) == fold_of(after, i) for i in range(len(texts)))
    assert sorted(len(test) for _, test in before)[0] > 20  # five folds of roughly a fifth each
    assert all(set(train).isdisjoint(test) for train, test in after)
