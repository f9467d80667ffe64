"""From agreed messages to training data and a held-out set: deduplicated, never a text the
training data or a held-out set already has, split the same way every time, written as Rasa reads
it with each example's marks, and naming no caseworker."""

from __future__ import annotations

import datetime as dt

from rasa.shared.nlu.training_data.loading import load_data

from community_safety.records import database
from community_safety.records.models import ReviewItem
from community_safety.review import queue
from community_safety.review.export import (
    Example,
    agreed_examples,
    held_out,
    nlu_document,
    read_examples,
    split,
)
from nlu.components.example_marks import mark
from tests.community_safety.review.test_queue import records  # noqa: F401 (the fixture)

DAY = dt.date(2026, 12, 3)


def example(text, *needs, language=None):
    return Example(text, tuple(needs), language, DAY, ("caseworker", "caseworker"))


def test_the_same_words_are_one_example_and_words_given_two_answers_none():
    exported = split(
        [
            example("Loud music  from flat 3", "report_asb"),
            example("loud music from flat 3", "report_asb"),
            example("someone in the bin store", "homelessness"),
            example("Someone in the bin store", "safeguarding"),
        ],
        known_texts=[],
        share=0,
    )
    assert [e.text for e in exported.training] == ["loud music from flat 3"]  # the later review wins
    assert exported.duplicates == 2 and exported.conflicting == 1 and exported.held_out == []


def test_not_a_need_teaches_no_intent_and_is_counted():
    exported = split([example("hello is anyone there", "not_a_need")], [], share=0)
    assert exported.training == exported.held_out == [] and exported.not_a_need == 1


def test_a_text_the_training_data_or_a_held_out_set_has_is_never_exported():
    exported = split([example("My neighbour plays loud music", "report_asb")], ["my neighbour plays LOUD music"])
    assert exported.training == exported.held_out == [] and exported.known == 1


def test_the_held_out_share_is_steady_and_apart_from_training():
    examples = [example(f"the bins on the estate are on fire again number {n}", "report_asb") for n in range(400)]
    first = split(examples, [], share=0.2)
    again = split(list(reversed(examples)), [], share=0.2)
    assert {e.text for e in first.held_out} == {e.text for e in again.held_out}
    assert not {e.text for e in first.held_out} & {e.text for e in first.training}
    assert 50 <= len(first.held_out) <= 110  # about 80 of 400
    assert all(held_out(e, 0.2) for e in first.held_out)


def test_the_file_is_rasa_training_data_with_each_examples_marks_and_no_names(tmp_path):
    examples = [
        example("he hit me and I've nowhere to sleep tonight", "domestic_abuse", "homelessness"),
        example("ami bhoy pacchi, amar bari te pani nai", "report_asb", language="bn"),
        example("he has a knife and he's at the door", "emergency"),
    ]
    path = tmp_path / "reviewed.yml"
    path.write_text(nlu_document(examples), encoding="utf-8")
    loaded = {m.get("text"): m for m in load_data(str(path)).intent_examples}
    assert loaded["he hit me and I've nowhere to sleep tonight"].get("intent") == "domestic_abuse"
    assert mark(loaded["he hit me and I've nowhere to sleep tonight"], "also") == "homelessness"
    assert mark(loaded["ami bhoy pacchi, amar bari te pani nai"], "language") == "bn"
    assert loaded["he has a knife and he's at the door"].get("intent") == "emergency"
    written = path.read_text()
    assert "reviewed: '2026-12-03'" in written and "reviewers: caseworker, caseworker" in written
    assert "@" not in written
    assert read_examples(written) == [examples[0], examples[2], examples[1]]  # by intent


def test_only_agreed_messages_are_exported_with_the_reviewers_roles(records):  # noqa: F811
    with database.session_scope() as db:
        agreed, waiting = (
            ReviewItem(conversation_key=key, sent_at=1.0, text=text, reasons="sample", state="to_label", language=lang)
            for key, text, lang in (("k1", "a man has a knife outside", "en"), ("k2", "bins again", "bn"))
        )
        db.add_all([agreed, waiting])
        db.flush()
        queue.label(db, agreed, "a@council.example", "caseworker", ["emergency"])
        queue.label(db, agreed, "b@council.example", "admin", ["emergency"])
        queue.label(db, waiting, "a@council.example", "caseworker", ["report_asb"])
        db.flush()
        exported = agreed_examples(db)
    assert [(e.text, e.needs, e.language, e.reviewers) for e in exported] == [
        ("a man has a knife outside", ("emergency",), None, ("admin", "caseworker"))
    ]
