"""`make reviewed`'s gate and its inputs: what counts as a set getting worse, which texts an
exported example must not be, and the queue seeded from the scripted conversations through the
real Rasa server."""

from __future__ import annotations

import yaml
from sqlalchemy import select

from community_safety.records.database import session_scope
from community_safety.records.models import ReviewItem
from evaluation import evaluate
from evaluation.reviewed import known_texts, put_in_place, worse
from evaluation.seed_review import seed


def scored(accuracy=0.98, recall=1.0, false_999s=1):
    return {"accuracy": accuracy, "emergency_recall": recall, "emergency_false_alarms": false_999s}


def test_no_set_worse_passes_and_each_kind_of_worse_is_named():
    before = {"heldout": scored(), "families": scored(recall=None), "two_needs": {"two_doors_reached": 0.6}}
    assert (
        worse(
            before, {"heldout": scored(0.99), "families": scored(recall=None), "two_needs": {"two_doors_reached": 0.6}}
        )
        == []
    )
    after = {
        "heldout": scored(0.976, recall=0.99, false_999s=2),
        "families": scored(recall=None),
        "two_needs": {"two_doors_reached": 0.58},
    }
    assert worse(before, after) == [
        "heldout: emergency recall 1.000 -> 0.990",
        "heldout: accuracy 0.980 -> 0.976",
        "heldout: false 999s 1 -> 2",
        "two_needs: two doors reached 0.600 -> 0.580",
    ]
    assert worse(before, {"heldout": scored()}) == ["families: not scored after", "two_needs: not scored after"]


def test_a_new_set_has_nothing_to_be_worse_than():
    assert worse({}, {"residents_own_words": scored(0.5)}) == []


def test_known_texts_are_the_training_data_and_held_out_sets_but_not_the_reviewed_examples(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    (data / "asb.yml").write_text('version: "3.1"\nnlu:\n- intent: report_asb\n  examples: |\n    - bins on fire\n')
    (data / "reviewed.yml").write_text('version: "3.1"\nnlu:\n- intent: report_asb\n  examples: |\n    - from review\n')
    texts = known_texts(data, data / "reviewed.yml")
    assert "bins on fire" in texts and "from review" not in texts
    heldout = evaluate.load_examples(evaluate.HELDOUT)[0][0]
    two_needs = yaml.safe_load(evaluate.TWO_NEEDS.read_text())["messages"][0]["text"]
    assert heldout in texts and two_needs in texts


def test_the_seeded_queue_holds_the_scripted_conversations_redacted(rasa_url, tmp_path):
    scripted = tmp_path / "residents.yml"
    scripted.write_text(yaml.safe_dump([{"name": "noise", "say": ["my neighbours play loud music till 3am", "no"]}]))
    found = seed(rasa_url, sample_share=1.0, scripted=scripted)
    assert found["conversations"] == 7 and found["messages"] == 9
    assert found["review_items_added"] >= 7
    with session_scope() as db:
        texts = list(db.execute(select(ReviewItem.text)).scalars())
    assert "my neighbours play loud music till 3am" in texts
    assert not any("Tomasz" in text or "07700" in text for text in texts)
    assert any("[name]" in text for text in texts) and any("[phone]" in text for text in texts)


def test_a_kept_candidate_is_put_in_place_with_its_files(tmp_path):
    (tmp_path / "candidate").mkdir()
    training, held, model = (tmp_path / "candidate" / name for name in ("reviewed.yml", "own.yml", "m.tar.gz"))
    training.write_text("training"), held.write_text("held out"), model.write_bytes(b"new model")
    in_use = tmp_path / "models" / "community-safety.tar.gz"
    in_use.parent.mkdir()
    in_use.write_bytes(b"old model")
    put_in_place(training, held, model, tmp_path / "r.yml", tmp_path / "o.yml", in_use, stamp=False)
    assert (tmp_path / "r.yml").read_text() == "training" and (tmp_path / "o.yml").read_text() == "held out"
    assert in_use.read_bytes() == b"new model" and not in_use.with_suffix(".arriving").exists()
