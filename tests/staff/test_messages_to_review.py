"""Messages to review, through the staff site: a caseworker answers, a second answers without
seeing the first's answer, a removal is audited, bad answers are refused with a reason, and
erasing a resident takes their unlabelled messages."""

from __future__ import annotations

import time

from sqlalchemy import select

from community_safety.records.database import session_scope
from community_safety.records.models import AuditEvent, Resident, ReviewItem
from community_safety.review.queue import conversation_key
from tests.staff.conftest import ADMIN, CASEWORKER, csrf_token, make_report
from tests.tracker_store import store_events


def keep(text="someone sleeping in the bin store every night", sender="web:chat-1", **fields) -> int:
    values = {"bot_need": "nlu_fallback", "reasons": "not_understood,rephrased", "channel": "web", "language": "en"}
    values.update(fields)
    with session_scope() as db:
        item = ReviewItem(conversation_key=conversation_key(sender), sent_at=time.time(), text=text, state="to_label",
                          **values)  # fmt: skip
        db.add(item)
        db.flush()
        return item.id


def answer(client, item_id, needs):
    token = csrf_token(client, f"/staff/messages-to-review/{item_id}")
    return client.post(f"/staff/messages-to-review/{item_id}/answer", data={"csrf_token": token, "needs": needs})


def test_a_caseworker_answers_and_is_taken_to_the_next_message(caseworker):
    first, second = keep(), keep("the lads on the stairs are selling weed", sender="web:chat-2")
    page = caseworker.get("/staff/messages-to-review").get_data(as_text=True)
    assert "someone sleeping in the bin store every night" in page and "chat-1" not in page
    item = caseworker.get(f"/staff/messages-to-review/{first}").get_data(as_text=True)
    assert "The bot did not understand it" in item and "The resident said it again in other words" in item

    response = answer(caseworker, first, ["homelessness"])
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/staff/messages-to-review/{second}")
    response = answer(caseworker, second, ["substance_misuse", "report_asb"])
    assert response.headers["Location"].endswith("/staff/messages-to-review")  # none left for them
    listed = caseworker.get("/staff/messages-to-review?state=to_confirm").get_data(as_text=True)
    assert "2 messages." in listed and "You have answered" in listed


def test_the_second_caseworker_answers_before_seeing_the_first_answer(client, caseworker):
    item_id = keep()
    answer(caseworker, item_id, ["homelessness"])
    client.get("/staff/sign-out")
    from tests.staff.conftest import sign_in

    sign_in(client, ADMIN)
    page = client.get(f"/staff/messages-to-review/{item_id}").get_data(as_text=True)
    assert "Another caseworker has answered" in page and CASEWORKER not in page
    answer(client, item_id, ["homelessness"])
    page = client.get(f"/staff/messages-to-review/{item_id}").get_data(as_text=True)
    assert CASEWORKER in page and "Agreed: Homelessness" in " ".join(page.split())
    overview = " ".join(client.get("/staff/overview").get_data(as_text=True).split())
    assert "0 not labelled yet, 0 waiting for a second caseworker, 0 where caseworkers disagree, 1 agreed" in overview


def test_an_answer_it_cannot_take_is_refused_with_the_reason_and_the_choices_kept(caseworker):
    item_id = keep()
    response = answer(caseworker, item_id, ["not_a_need", "homelessness"])
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "can&#39;t be chosen with a need" in page
    assert 'value="homelessness" checked' in page
    assert answer(caseworker, item_id, []).status_code == 400
    assert answer(caseworker, item_id, ["drop table"]).status_code == 400
    with session_scope() as db:
        assert db.get(ReviewItem, item_id).state == "to_label"


def test_a_message_that_still_names_someone_is_removed_and_the_removal_audited(caseworker):
    item_id = keep("Mohammed from number 4 sells drugs")
    token = csrf_token(caseworker, f"/staff/messages-to-review/{item_id}")
    refused = caseworker.post(f"/staff/messages-to-review/{item_id}/remove", data={"csrf_token": token})
    assert refused.status_code == 400 and "Choose why the message should be removed" in refused.get_data(as_text=True)
    response = caseworker.post(f"/staff/messages-to-review/{item_id}/remove",
                               data={"csrf_token": token, "why": "names_someone"})  # fmt: skip
    assert response.status_code == 302
    assert caseworker.get(f"/staff/messages-to-review/{item_id}").status_code == 404
    with session_scope() as db:
        event = db.execute(select(AuditEvent).where(AuditEvent.action == "removed a message to review")).scalar_one()
    assert event.actor == CASEWORKER and "Mohammed" not in event.changes and "says who someone is" in event.changes


def test_erasing_a_resident_takes_their_unlabelled_messages(admin, data):
    store_events(data / "tracker.db", [("web:chat-9", {"event": "user", "text": "hello"}, time.time())])
    make_report(channel="web", user="chat-9")
    theirs, labelled = keep(sender="web:chat-9"), keep("a second message", sender="web:chat-9")
    answer(admin, labelled, ["report_asb"])
    with session_scope() as db:
        resident_id = db.execute(select(Resident.id)).scalar_one()
    response = admin.post(f"/staff/residents/{resident_id}/erase",
                          data={"csrf_token": csrf_token(admin, f"/staff/residents/{resident_id}")})  # fmt: skip
    assert response.status_code == 302
    with session_scope() as db:
        assert db.get(ReviewItem, theirs) is None
        assert db.get(ReviewItem, labelled).conversation_key is None


def test_the_list_shows_what_is_still_to_agree_unless_asked_for_all(client, caseworker):
    agreed, waiting = keep("the bins are on fire"), keep("a man asleep in the lift", sender="web:chat-3")
    answer(caseworker, agreed, ["report_asb"])
    client.get("/staff/sign-out")
    from tests.staff.conftest import sign_in

    sign_in(client, ADMIN)
    answer(client, agreed, ["report_asb"])
    still = client.get("/staff/messages-to-review").get_data(as_text=True)
    assert "a man asleep in the lift" in still and "the bins are on fire" not in still
    everything = client.get("/staff/messages-to-review?state=all").get_data(as_text=True)
    assert "a man asleep in the lift" in everything and "the bins are on fire" in everything
    assert waiting


def test_a_residents_data_export_holds_their_messages_in_the_queue(admin, data):
    store_events(data / "tracker.db", [("web:chat-5", {"event": "user", "text": "hello"}, time.time())])
    make_report(channel="web", user="chat-5")
    keep("the lift is broken and people sleep in it", sender="web:chat-5")
    keep("someone else's message", sender="web:chat-6")
    with session_scope() as db:
        resident_id = db.execute(select(Resident.id)).scalar_one()
    exported = admin.get(f"/staff/residents/{resident_id}/export").get_json()
    assert [item["text"] for item in exported["messages_to_review"]] == ["the lift is broken and people sleep in it"]
    assert exported["messages_to_review"][0]["state"] == "Not labelled yet"
