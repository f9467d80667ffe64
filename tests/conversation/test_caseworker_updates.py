"""A caseworker's update reaches a Telegram resident through the bridge's outbox: the staff page
never waits on Telegram, and an update saved while Telegram is down goes once it is back. The real
web server, Telegram bridge process and reports database, over HTTP on loopback."""

from __future__ import annotations

import datetime as dt
import itertools
import time

import pytest

from community_safety.records.database import session_scope
from community_safety.records.models import StatusChange
from community_safety.records.reports import file_report
from tests.live_chat_stack import Caseworker

_users = itertools.count(770001)


@pytest.fixture(scope="module")
def stack(live_chat_stack):
    return live_chat_stack


@pytest.fixture(scope="module")
def kim(stack):
    return Caseworker(stack.web, "kim.updates@council.example")


def telegram_report() -> tuple[str, int]:
    chat_id = next(_users)
    with session_scope() as db:
        report = file_report(
            db,
            channel="telegram",
            channel_user_id=str(chat_id),
            submission_key=f"updates-{chat_id}",
            fields={"description": "Loud music", "location_text": "Brick Lane", "occurred_on": dt.date.today()},
        )
        return report.reference, chat_id


def update(kim: Caseworker, reference: str, words: str):
    return kim.post(f"/reports/{reference}/status", status="in_progress", note="visited", resident_update=words)


def delivered_by(reference: str) -> list[str | None]:
    """How each of the caseworker's updates reached the resident (the filing's own message left out)."""
    with session_scope() as db:
        changes = db.query(StatusChange).filter(StatusChange.note == "visited").all()
        return [c.delivered_by for c in changes if c.report.reference == reference]


def test_the_update_reaches_the_resident_on_telegram_within_seconds(stack, kim):
    reference, chat_id = telegram_report()
    response = update(kim, reference, "An officer visited today.")
    assert response.status_code == 200 and "will reach the resident on Telegram" in response.text
    [sent] = stack.telegram.wait_for(chat_id, 1, timeout=10)
    assert sent["text"].startswith(f"Update on your report {reference}: An officer visited today.")
    deadline = time.monotonic() + 5
    while delivered_by(reference) != ["telegram"] and time.monotonic() < deadline:
        time.sleep(0.2)
    assert delivered_by(reference) == ["telegram"]
    assert "reached them" in kim.http.get(f"{stack.web}/staff/reports/{reference}", timeout=30).text


def test_telegram_down_holds_up_nothing_and_loses_nothing(stack, kim):
    reference, chat_id = telegram_report()
    stack.telegram.refusing.add("sendMessage")
    try:
        started = time.monotonic()
        response = update(kim, reference, "We have written to your neighbour.")
        assert response.status_code == 200 and time.monotonic() - started < 5
        time.sleep(3)  # the bridge has tried by now, and been refused
        assert stack.telegram.sent(chat_id) == [] and delivered_by(reference) == [None]
        page = kim.http.get(f"{stack.web}/staff/reports/{reference}", timeout=30).text
        assert "waiting to be sent on Telegram" in page
    finally:
        stack.telegram.refusing.discard("sendMessage")
    [sent] = stack.telegram.wait_for(chat_id, 1, timeout=30)
    assert "We have written to your neighbour." in sent["text"]
    assert len(stack.telegram.sent(chat_id)) == 1  # once, not once per try
