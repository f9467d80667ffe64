"""The review queue over real databases: messages read from a conversation store as Rasa writes
it, redacted before they are kept, labelled by caseworkers, and gone with erasure and retention."""

from __future__ import annotations

import datetime as dt
import json
import time

import pytest
from sqlalchemy import select

from community_safety.jobs import review as review_job
from community_safety.jobs.privacy import purge_records
from community_safety.records import database
from community_safety.records.models import AuditEvent, ReviewItem, utcnow
from community_safety.review import queue
from tests.community_safety.conftest import fresh_records
from tests.community_safety.test_conversations import report as anonymous_report_events
from tests.tracker_store import store_events

ASB, DRUGS = "report_asb", "substance_misuse"


def said(text, intent="nlu_fallback", confidence=0.3):
    return {"event": "user", "text": text, "parse_data": {"intent": {"name": intent, "confidence": confidence}}}


def bot(text):
    return {"event": "bot", "text": text}


FALLBACK = {"event": "action", "name": "action_default_fallback"}


@pytest.fixture(params=["sqlite", "postgresql"])
def records(request, tmp_path, environment):
    """Records and the conversation store both on SQLite, or both on PostgreSQL (one database: Rasa's
    ``events`` table beside the records, as a small deployment may have them)."""
    url = fresh_records(request, tmp_path)
    tracker = f"sqlite:///{tmp_path / 'tracker.db'}" if url.startswith("sqlite") else url
    environment(DATABASE_URL=url, DATA_DIR=str(tmp_path), TRACKER_DATABASE_URL=tracker)
    return url


def conversation(_tmp_path, sender, events, start):
    import os

    rows = [(sender, event, start + i) for i, event in enumerate(events)]
    return store_events(os.environ["TRACKER_DATABASE_URL"].removeprefix("sqlite:///"), rows)


def items():
    with database.session_scope() as db:
        return list(db.execute(select(ReviewItem).order_by(ReviewItem.id)).scalars())


def test_a_message_the_bot_did_not_understand_is_kept_redacted_with_what_the_bot_did(records, tmp_path):
    start = time.time() - 3600
    conversation(tmp_path, "telegram:4242", [
        said("my neighbour Dave Smith at 12 Brick Lane keeps revving his motorbike 07700 900123"),
        FALLBACK,
        bot("Sorry, I didn't quite get that. Is it one of these?"),
        said("the motorbike noise, every night", ASB, 0.91),
    ], start)  # fmt: skip

    found, watermark = review_job.collect_messages(sample_share=0)

    assert found == {"review_items_added": 2, "review_items_updated": 0}
    assert watermark > start
    first, second = items()
    assert first.text == "my neighbour [name] at [address] keeps revving his motorbike [phone]"
    assert "Dave" not in first.text and "4242" not in (first.conversation_key or "")
    assert first.redacted == "address 1, name 1, phone 1"
    assert first.reasons == "not_understood,rephrased" and first.channel == "telegram"
    assert first.bot_need == "nlu_fallback" and first.bot_reply.startswith("Sorry, I didn't quite get that")
    assert second.reasons == "rephrased" and second.bot_need == ASB and second.state == "to_label"


def test_collecting_again_adds_nothing_twice_and_a_conversation_still_going_waits(records, tmp_path):
    conversation(tmp_path, "web:quiet", [said("whats a community trigger thing"), FALLBACK], time.time() - 3600)
    conversation(tmp_path, "web:talking", [said("the people upstairs again"), FALLBACK], time.time() - 30)
    review_job.collect_messages(sample_share=0)
    found, _ = review_job.collect_messages(sample_share=0)
    assert found["review_items_added"] == 0
    assert [item.text for item in items()] == ["whats a community trigger thing"]
    later = utcnow() + dt.timedelta(hours=1)
    assert review_job.collect_messages(now=later, sample_share=0)[0]["review_items_added"] == 1


def test_an_anonymous_reports_part_of_a_conversation_never_reaches_the_queue(records, tmp_path):
    events = [
        said("Dave in flat 9 deals from the stairwell, I don't want him to know it's me"),
        FALLBACK,
        {"event": "action", "name": "action_start_signpost"},
        said("report it", "file_report", 0.95),
        *anonymous_report_events("anonymous"),
        said("can someone ring me back later, not urgent", "nlu_fallback", 0.2),
        FALLBACK,
    ]
    conversation(tmp_path, "web:anon", events, time.time() - 3600)
    review_job.collect_messages(sample_share=0)
    assert [item.text for item in items()] == ["can someone ring me back later, not urgent"]


def test_a_sample_of_sure_messages_is_taken_and_the_same_every_time(records, tmp_path):
    messages = [said(f"loud music from flat {n} every night", ASB, 0.95) for n in range(200)]
    messages += [said(f"has anyone looked at my report {n}", "report_status", 0.99) for n in range(50)]
    conversation(tmp_path, "web:many", messages, time.time() - 3600)
    first = review_job.collect_messages(sample_share=0.1)[0]["review_items_added"]
    assert 5 <= first <= 40  # about 20 of 200
    assert {item.reasons for item in items()} == {"sample"}
    assert not any("my report" in item.text for item in items())  # the sample is of needs only
    with database.session_scope() as db:
        db.query(ReviewItem).delete()
    assert review_job.collect_messages(sample_share=0.1)[0]["review_items_added"] == first


def keep(text="people dealing on the stairs", bot_need=DRUGS, key="k1", sent_at=None, **fields) -> int:
    with database.session_scope() as db:
        item = ReviewItem(
            conversation_key=key,
            sent_at=sent_at if sent_at is not None else time.time(),
            text=text,
            bot_need=bot_need,
            reasons="not_understood",
            state="to_label",
            **fields,
        )
        db.add(item)
        db.flush()
        return item.id


def answer(item_id, who, needs):
    with database.session_scope() as db:
        item = db.get(ReviewItem, item_id)
        queue.label(db, item, who, "caseworker", needs)
        return item.state, item.agreed_needs


def test_two_caseworkers_alike_agree_two_apart_disagree_and_a_third_settles_it(records):
    item_id = keep()
    assert answer(item_id, "a@council.example", [DRUGS, ASB]) == ("to_confirm", None)
    assert answer(item_id, "b@council.example", [DRUGS]) == ("disagreed", None)
    assert answer(item_id, "c@council.example", [ASB, DRUGS]) == ("agreed", "report_asb,substance_misuse")
    # A caseworker changing their mind unsettles it again.
    assert answer(item_id, "c@council.example", ["emergency"]) == ("disagreed", None)
    assert answer(item_id, "a@council.example", [DRUGS]) == ("agreed", DRUGS)
    with database.session_scope() as db:
        logged = list(db.execute(select(AuditEvent).where(AuditEvent.object_type == "review_item")).scalars())
    assert len(logged) == 5 and all(event.object_id == str(item_id) for event in logged)
    assert json.loads(logged[2].changes)["state"] == ["disagreed", "agreed"]


@pytest.mark.parametrize(
    "chosen, problem",
    [
        ([], "Choose what the message was about"),
        (["not_a_need", ASB], "can't be chosen with a need"),
        (["nlu_fallback"], "Choose from the needs listed"),
        (["<script>"], "Choose from the needs listed"),
    ],
)
def test_an_answer_the_queue_cannot_take_says_why_and_changes_nothing(records, chosen, problem):
    item_id = keep()
    with database.session_scope() as db, pytest.raises(queue.LabelError, match=problem):
        queue.label(db, db.get(ReviewItem, item_id), "a@council.example", "caseworker", chosen)
    assert items()[0].labels == [] and items()[0].state == "to_label"


def test_the_urgent_need_comes_first_in_an_answer():
    assert queue.needs_of("report_asb,emergency,domestic_abuse")[0] == "emergency"
    assert queue.needs_of("") == []


def test_erasing_a_resident_takes_their_unlabelled_messages_and_unlinks_the_labelled(records):
    theirs = queue.conversation_key("telegram:77")
    unlabelled, labelled = keep(key=theirs, sent_at=1.0), keep(key=theirs, sent_at=2.0)
    someone_elses = keep(key=queue.conversation_key("telegram:78"))
    answer(labelled, "a@council.example", [ASB])
    with database.session_scope() as db:
        assert queue.forget_conversation(db, "telegram:77") == {"review_items": 1, "review_items_unlinked": 1}
    left = {item.id: item for item in items()}
    assert unlabelled not in left and left[labelled].conversation_key is None and left[labelled].labels
    assert left[someone_elses].conversation_key is not None


def test_retention_takes_old_unlabelled_messages_with_the_conversations(records):
    old = (utcnow() - dt.timedelta(days=400)).replace(tzinfo=dt.timezone.utc).timestamp()
    _gone, kept_labelled, recent = keep(sent_at=old), keep(key="k2", sent_at=old), keep(key="k3")
    answer(kept_labelled, "a@council.example", ["not_a_need"])
    counts = purge_records()
    assert counts["review_items"] == 1 and counts["review_items_unlinked"] == 1
    assert [item.id for item in items()] == [kept_labelled, recent]


def test_the_queue_pages_filters_and_counts(records):
    ids = [keep(text=f"message {n}", key=f"k{n}", bot_need=ASB if n % 2 else DRUGS, language="bn" if n == 3 else "en",
                channel="web") for n in range(5)]  # fmt: skip
    answer(ids[0], "a@council.example", [DRUGS])
    answer(ids[0], "b@council.example", [DRUGS])
    answer(ids[1], "a@council.example", [ASB])
    with database.session_scope() as db:
        assert queue.counts(db) == {"to_label": 3, "to_confirm": 1, "disagreed": 0, "agreed": 1}
        page, total = queue.page_of_items(db, queue.Filters(), 1, per_page=2)
        assert total == 5 and [item.id for item in page] == ids[1:3]  # agreed last
        assert queue.page_of_items(db, queue.Filters(state="open"), 3, per_page=2) == ([], 4)
        assert queue.page_of_items(db, queue.Filters(need=ASB), 1)[1] == 2
        assert queue.page_of_items(db, queue.Filters(language="bn"), 1)[0][0].id == ids[3]
        assert queue.page_of_items(db, queue.Filters(channel="telegram"), 1)[1] == 0
        assert queue.next_for(db, "a@council.example", ids[1]).id == ids[2]
        assert queue.next_for(db, "a@council.example", ids[4]).id == ids[2]  # back to the start
