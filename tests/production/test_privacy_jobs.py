"""The privacy jobs under `make run-prod`'s roles: the scheduler runs by itself, and once an
anonymous report's conversation has gone quiet, nothing in Rasa's conversation store leads to the
report by its words, its reference or its time."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import ProgrammingError

from tests.stack import Conversation

ANONYMOUS_REPORT = [
    "/file_report",
    "the man at flat 9 deals from the stairwell every evening",
    "Ocean Estate",
    "last night",
    "a man called Gary",
    "no",
    "no",
    "no",
    "yes",
    "yes",
    "no",
    "no files",
    "anonymous",
]


def rows(url: str, statement: str, **values) -> list:
    with create_engine(url, future=True).connect() as connection:
        return connection.execute(text(statement), values).fetchall()


def test_the_scheduler_runs_its_jobs_by_itself_under_its_own_role(production):
    found = rows(production.database_url, "SELECT name, outcome FROM job_runs ORDER BY name")
    assert dict(found) == {
        "collect messages to review": "done",
        "retention": "done",
        "scrub anonymous reports' conversations": "done",
    }


def test_after_the_quiet_time_no_row_of_the_store_leads_to_the_anonymous_report(production, environment):
    from community_safety.jobs import privacy
    from community_safety.records.models import utcnow

    now = utcnow()
    if now.time() < dt.time(0, 2) or now.time() > dt.time(23, 58):
        pytest.skip("too near midnight to tell a day-only time from the conversation's")
    chat = Conversation(production.rasa)
    said = [chat.text(chat.say(answer)) for answer in ANONYMOUS_REPORT]
    said.append(chat.text(chat.say("send")))
    found = re.search(r"ASB-\d{4}-\d{5}", said[-1])
    assert found, said
    reference = found.group(0)
    # The services' role (web and action servers) may not change the store: that is why the
    # scheduler has a role of its own.
    with pytest.raises(ProgrammingError, match="permission denied"):
        rows(production.env["TRACKER_DATABASE_URL"], "UPDATE events SET data = data WHERE sender_id = :s",
             s=chat.sender)  # fmt: skip
    # The scheduler's scrub as the scheduler runs it, with its role, once the chat has been quiet.
    environment(
        DATABASE_URL=production.env["JOBS_DATABASE_URL"],
        TRACKER_DATABASE_URL=production.env["JOBS_TRACKER_DATABASE_URL"],
    )
    assert privacy.scrub(now=now + dt.timedelta(minutes=5))[0] == 0  # not quiet long enough yet
    assert privacy.scrub(now=now + dt.timedelta(minutes=11))[0] > 0

    [(report_id, description, created_at, updated_at, key)] = rows(
        production.database_url,
        "SELECT id, description, created_at, updated_at, submission_key FROM reports WHERE reference = :r",
        r=reference,
    )
    times = [created_at, updated_at]
    times += [t for row in rows(production.database_url, "SELECT changed_at, delivered_at FROM status_changes "
                                "WHERE report_id = :i", i=report_id) for t in row if t]  # fmt: skip
    assert all(t == dt.datetime.combine(t.date(), dt.time()) for t in times)  # the day only
    store = rows(production.database_url.replace("/community_safety", "/rasa_tracker"),
                 "SELECT sender_id, timestamp, data FROM events")  # fmt: skip
    assert any(sender == chat.sender for sender, _, _ in store)  # the conversation itself goes on
    filed_at = {t.replace(tzinfo=dt.timezone.utc).timestamp() for t in times}
    for sender, timestamp, data in store:
        # By text: the resident's words, the reference, and the key that filed it.
        for clue in ("stairwell", "flat 9", "Gary", reference, key, description[:30]):
            assert clue not in data, (sender, clue)
        # By time: no event at any time the report keeps.
        assert all(abs(timestamp - moment) > 1 for moment in filed_at), sender
