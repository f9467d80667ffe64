"""Evidence sent on Telegram, through the real bridge, the fake Bot API's getFile and file download,
the real Rasa and action server: kept cleaned and the resident told what was kept and what happens
next; sent during a report, it goes with the report; anything else refused with the reason, the
conversation going on."""

from __future__ import annotations

import hashlib
import itertools

import pytest
from sqlalchemy import select

from community_safety.channels import conversation_key, sender_id
from community_safety.records.database import session_scope
from community_safety.records.models import Evidence, Report
from community_safety.records.reports import file_report
from tests.community_safety.evidence import files

chat_ids = itertools.count(8001)


@pytest.fixture
def chat_id(polling_bridge) -> int:
    return next(chat_ids)


def texts(messages) -> str:
    return "\n".join(m["text"] for m in messages)


def kept_for(chat_id: int) -> list[Evidence]:
    with session_scope() as db:
        key = conversation_key(sender_id("telegram", str(chat_id)))
        return list(db.execute(select(Evidence).where(Evidence.conversation_key == key)).scalars())


def test_a_photo_is_fetched_cleaned_kept_and_the_resident_told(telegram, chat_id):
    photo = files.photo_with_gps()
    replies = telegram.reply_after(chat_id, lambda: telegram.send_file(chat_id, "photo", photo))
    said = texts(replies)
    assert "I've got your photo" in said and "without its hidden details" in said
    assert "To add it to a report" in said
    assert telegram.called("getFile") and telegram.called("downloadFile")
    [evidence] = kept_for(chat_id)
    assert evidence.kind == "image" and evidence.channel == "telegram"
    assert evidence.sha256 != hashlib.sha256(photo).hexdigest()  # a cleaned copy, not the photo as sent


def test_a_voice_note_sent_during_the_report_goes_with_it(telegram, chat_id, tmp_path):
    say = lambda text: telegram.reply_after(chat_id, lambda: telegram.send_text(chat_id, text))  # noqa: E731
    assert "What's been happening" in texts(say("/report"))
    asked = texts(say("a group of lads smoke weed and shout in our stairwell every night"))
    assert "Where does it happen" in asked
    replies = telegram.reply_after(chat_id, lambda: telegram.send_file(chat_id, "voice", files.voice_note(tmp_path)))
    said = texts(replies)
    # Thanked for, and the question it interrupted asked again.
    assert "I've got your recording" in said and "go with your report" in said and "Where does it happen" in said
    assert [e.kind for e in kept_for(chat_id)] == ["audio"]


def test_a_renamed_program_is_refused_and_the_conversation_goes_on(telegram, chat_id):
    program = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 500
    replies = telegram.reply_after(chat_id, lambda: telegram.send_file(chat_id, "document", program))
    assert "can't keep that kind of file" in texts(replies) and "Nothing else you told me is lost" in texts(replies)
    assert kept_for(chat_id) == []
    danger = "a man is outside my flat with a knife"
    replies = telegram.reply_after(chat_id, lambda: telegram.send_text(chat_id, danger))
    assert replies[0]["text"].startswith("Call 999")


def test_a_file_over_the_limit_is_refused_without_fetching_it(telegram, chat_id):
    before = len(telegram.called("getFile"))
    replies = telegram.reply_after(
        chat_id, lambda: telegram.send_file(chat_id, "video", b"\x00" * 100, size=25 * 1024 * 1024)
    )
    assert "too big" in texts(replies) and "20 MB" in texts(replies)
    assert len(telegram.called("getFile")) == before


def test_a_caption_is_read_as_a_message_of_its_own(telegram, chat_id):
    caption = "my neighbours are noisy every night"
    replies = telegram.reply_after(
        chat_id, lambda: telegram.send_file(chat_id, "photo", files.photo_with_gps(), caption=caption)
    )
    assert "I've got your photo" in texts(replies) and "Is anyone in danger right now?" in texts(replies)


def test_a_photo_is_added_later_to_a_report_named_by_its_reference(telegram, chat_id):
    with session_scope() as db:
        reference = file_report(db, channel="telegram", channel_user_id=str(chat_id), submission_key=f"later-{chat_id}",
                                fields={"description": "dealing on the stairs"}).reference  # fmt: skip
    say = lambda text: telegram.reply_after(chat_id, lambda: telegram.send_text(chat_id, text))  # noqa: E731
    assert f"Send the files for report {reference} now" in texts(say(f"I have another photo for {reference}"))
    replies = telegram.reply_after(chat_id, lambda: telegram.send_file(chat_id, "photo", files.photo_with_gps()))
    assert f"added your photo to report {reference}" in texts(replies)
    with session_scope() as db:
        [evidence] = db.execute(select(Evidence).join(Report).where(Report.reference == reference)).scalars()
        assert evidence.conversation_key is None


def test_a_store_that_fails_mid_report_loses_nothing_already_given(telegram, chat_id, polling_bridge):
    say = lambda text: telegram.reply_after(chat_id, lambda: telegram.send_text(chat_id, text))  # noqa: E731
    say("/report")
    assert "Where does it happen" in texts(say("someone keeps kicking the lift doors on our block every night"))
    store = polling_bridge.log.parent / "evidence"
    aside = store.with_name("evidence-aside")
    if store.exists():
        store.rename(aside)
    store.write_bytes(b"")  # a file where the folder should be: every write fails
    try:
        replies = telegram.reply_after(chat_id, lambda: telegram.send_file(chat_id, "photo", files.photo_with_gps()))
    finally:
        store.unlink()
        if aside.exists():
            aside.rename(store)
    said = texts(replies)
    assert "couldn't keep that file just now" in said and "Nothing else you told me is lost" in said
    assert kept_for(chat_id) == []
    # The report goes on from the question it was at, its description kept.
    assert "When did it happen" in texts(say("Ocean Estate"))
