"""Reports to the council's casework system over Open311, against a real HTTP peer on loopback
(tests/open311_server.py, JSON and XML), on SQLite and PostgreSQL: sent once, never lost, retried
while the endpoint is down or failing, stopped and explained on a refusal, and its updates back."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from sqlalchemy import select

from community_safety.open311 import outbox
from community_safety.open311.client import Open311Client, Open311Refused
from community_safety.open311.config import Open311Config, Open311ConfigError
from community_safety.open311.service_codes import missing_service_codes
from community_safety.open311.updates import fetch_updates
from community_safety.records import database
from community_safety.records.models import AuditEvent, Open311Sending, Report, utcnow
from community_safety.records.reports import file_report
from community_safety.updates import undelivered_updates
from tests.community_safety.conftest import fresh_records
from tests.open311_server import API_KEY, FakeOpen311

CONFIG = Open311Config.from_file()


@pytest.fixture
def casework():
    server = FakeOpen311()
    yield server
    server.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request, tmp_path, environment, casework):
    url = fresh_records(request, tmp_path)
    environment(
        DATABASE_URL=url,
        OPEN311_ENDPOINT=casework.url,
        OPEN311_API_KEY=API_KEY,
        OPEN311_RETRY_FIRST_SECONDS="30",
        OPEN311_RETRY_MOST_SECONDS="300",
        OPEN311_TIMEOUT_SECONDS="2",
    )
    return url


def client(answer_format: str = "json", timeout: float = 2) -> Open311Client:
    from community_safety.settings import settings

    return Open311Client(settings().open311_endpoint, API_KEY, answer_format=answer_format, timeout=timeout)


def file(number: int = 1, anonymous: bool = False, contact: str | None = None, **fields) -> str:
    with database.session_scope() as session:
        report = file_report(
            session,
            channel="telegram",
            channel_user_id=None if anonymous else f"chat-{number}",
            submission_key=f"k{number}",
            fields={
                "description": f"Loud music every night, report {number}",
                "location_text": "Brick Lane",
                "postcode": "E1 6AN",
                "occurred_on": dt.date(2026, 11, 27),
                "feels_targeted": True,
                **fields,
            },
            anonymous=anonymous,
            contact=contact,
        )
        return report.reference


def sending(reference: str) -> Open311Sending:
    with database.session_scope() as session:
        found = session.execute(
            select(Open311Sending).join(Report).where(Report.reference == reference)
        ).scalar_one_or_none()
        if found is not None:
            session.expunge(found)
        return found


def audit_actions(reference: str) -> list[str]:
    with database.session_scope() as session:
        query = select(AuditEvent.action).where(AuditEvent.object_id == reference).order_by(AuditEvent.id)
        return list(session.execute(query).scalars())


def test_a_report_is_queued_in_the_transaction_that_files_it_and_not_without_an_endpoint(db, environment):
    first = file(1)
    assert sending(first).state == "waiting"
    environment(OPEN311_ENDPOINT=None, OPEN311_API_KEY=None)
    second = file(2)
    assert sending(second) is None


@pytest.mark.parametrize("answer_format", ["json", "xml"])
def test_a_report_is_sent_once_with_its_code_words_place_and_answers(db, casework, answer_format):
    reference = file(1, contact="resident@example.org")
    assert outbox.send_due(client(answer_format), CONFIG) == {"sent": 1}
    assert outbox.send_due(client(answer_format), CONFIG) == {}  # nothing left to send
    [posted] = casework.posts
    assert posted["service_code"] == "asb" and posted["description"] == "Loud music every night, report 1"
    assert posted["attribute[reference]"] == reference and posted["address_string"] == "Brick Lane"
    assert posted["attribute[feels_targeted]"] == "yes" and posted["attribute[occurred_on]"] == "2026-11-27"
    assert posted["email"] == "resident@example.org"  # given for this, with consent
    assert "chat-1" not in str(posted)  # never the Telegram or web chat id
    sent = sending(reference)
    assert (sent.state, sent.service_request_id, sent.last_error) == ("sent", "1001", None)
    assert audit_actions(reference) == ["sent to the casework system"]


def test_an_anonymous_report_carries_no_contact_and_a_hate_report_its_own_code(db, casework):
    file(1, anonymous=True, hate_motivated=True)
    outbox.send_due(client(), CONFIG)
    [posted] = casework.posts
    assert posted["service_code"] == "hate"
    assert not {"email", "phone", "first_name", "last_name", "device_id", "account_id"} & set(posted)


def test_a_shared_map_position_is_sent_as_lat_and_long(db, casework):
    file(1, location_text="Location shared on Telegram: 51.52000, -0.07000 https://www.openstreetmap.org/")
    outbox.send_due(client(), CONFIG)
    assert (casework.posts[0]["lat"], casework.posts[0]["long"]) == ("51.52000", "-0.07000")


@pytest.mark.parametrize("answer_format", ["json", "xml"])
def test_a_token_is_asked_about_until_the_system_gives_its_reference(db, casework, answer_format):
    casework.mode, casework.token_polls_before_id = "token", 1
    reference = file(1)
    start = utcnow()
    assert outbox.send_due(client(answer_format), CONFIG, now=start) == {"awaiting_id": 1}
    assert sending(reference).token == "token-1001"
    assert outbox.send_due(client(answer_format), CONFIG, now=start + dt.timedelta(seconds=31)) == {"awaiting_id": 1}
    assert outbox.send_due(client(answer_format), CONFIG, now=start + dt.timedelta(seconds=92)) == {"sent": 1}
    assert sending(reference).service_request_id == "1001" and len(casework.posts) == 1


@pytest.mark.parametrize("answer_format", ["json", "xml"])
def test_a_failing_endpoint_is_retried_with_a_growing_wait_and_the_report_kept(db, casework, answer_format):
    casework.mode = "500"
    reference = file(1)
    start = utcnow()
    assert outbox.send_due(client(answer_format), CONFIG, now=start) == {"retry": 1}
    failed = sending(reference)
    assert failed.state == "waiting" and failed.attempts == 1 and "answered 500" in failed.last_error
    assert failed.next_attempt_at == start + dt.timedelta(seconds=30)
    assert outbox.send_due(client(answer_format), CONFIG, now=start + dt.timedelta(seconds=20)) == {}
    assert outbox.send_due(client(answer_format), CONFIG, now=start + dt.timedelta(seconds=30)) == {"retry": 1}
    assert sending(reference).next_attempt_at == start + dt.timedelta(seconds=90)  # waited 60 s more
    casework.mode = "ok"
    assert outbox.send_due(client(answer_format), CONFIG, now=start + dt.timedelta(seconds=90)) == {"sent": 1}
    assert sending(reference).last_error is None and casework.posted_references() == [reference]


def test_an_endpoint_that_is_down_is_retried_until_it_is_back(db, casework):
    reference = file(1)
    casework.down()
    start = utcnow()
    assert outbox.send_due(client(), CONFIG, now=start) == {"retry": 1}
    assert "could not be reached" in sending(reference).last_error
    casework.up()
    assert outbox.send_due(client(), CONFIG, now=start + dt.timedelta(seconds=30)) == {"sent": 1}


def test_a_slow_endpoint_is_waited_for_up_to_the_timeout(db, casework):
    casework.mode, casework.slow_seconds = "slow", 0.3
    reference = file(1)
    assert outbox.send_due(client(timeout=2), CONFIG) == {"sent": 1}
    assert casework.posted_references() == [reference]


def test_an_endpoint_slower_than_the_timeout_is_retried_and_may_get_it_twice(db, casework):
    """Open311 has no way to say "you already have this one": a report the system stores but answers
    too late for is sent again (docs/open311.md)."""
    casework.mode, casework.slow_seconds = "slow", 1.5
    reference = file(1)
    start = utcnow()
    assert outbox.send_due(client(timeout=0.5), CONFIG, now=start) == {"retry": 1}
    assert "did not answer within 0.5 seconds" in sending(reference).last_error
    casework.mode = "ok"
    assert outbox.send_due(client(), CONFIG, now=start + dt.timedelta(seconds=30)) == {"sent": 1}
    assert casework.posted_references() in ([reference], [reference, reference])


@pytest.mark.parametrize("answer_format", ["json", "xml"])
def test_a_refusal_stops_shows_the_systems_reasons_and_an_admin_can_send_again(db, casework, answer_format):
    casework.mode = "400"
    reference = file(1)
    assert outbox.send_due(client(answer_format), CONFIG) == {"refused": 1}
    refused = sending(reference)
    assert refused.state == "refused" and "Unknown service_code asb" in refused.last_error
    assert outbox.send_due(client(answer_format), CONFIG, now=utcnow() + dt.timedelta(hours=5)) == {}
    casework.mode = "ok"
    with database.session_scope() as session:
        report = session.execute(select(Report).where(Report.reference == reference)).scalar_one()
        assert outbox.send_again(session, report, "admin@council.example") is not None
    assert outbox.send_due(client(answer_format), CONFIG) == {"sent": 1}
    assert audit_actions(reference) == [
        "refused by the casework system",
        "sent to the casework system again",
        "sent to the casework system",
    ]


def test_a_wrong_api_key_is_a_refusal_with_the_systems_words(db, casework):
    refusing = Open311Client(casework.url, "not-the-key")
    with pytest.raises(Open311Refused, match="Invalid api_key"):
        refusing.post_request({"service_code": "asb", "description": "x"})


def test_a_claimed_report_is_not_claimed_by_another_sender_until_the_claim_runs_out(db):
    for number in range(3):
        file(number)
    now = utcnow()
    assert len(outbox.claim_due(now, "one")) == 3
    assert outbox.claim_due(now, "two") == []
    # Two senders that both saw the same report due: only the first to write gets it.
    file(4)
    later = utcnow()
    [fourth] = outbox.due(later)  # the three claimed ones are not candidates
    assert outbox.claim(fourth, later, "two") and not outbox.claim(fourth, later, "one")
    # The first sender died mid-way: once its claim has run out, another takes the reports up.
    assert len(outbox.claim_due(later + outbox.lease() + dt.timedelta(seconds=1), "two")) == 4


def test_two_senders_at_once_send_each_report_once(db, casework):
    references = [file(number) for number in range(30)]
    casework.mode, casework.slow_seconds = "slow", 0.02  # so the two senders overlap

    def sender(name: str) -> None:
        for _ in range(20):
            outbox.send_due(client(), CONFIG, sender=name, limit=5)

    threads = [threading.Thread(target=sender, args=(name,)) for name in ("one", "two")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(casework.posted_references()) == sorted(references)


def test_an_outage_of_ten_minutes_loses_and_repeats_nothing(db, casework, environment):
    """100 reports filed while the endpoint is down for 10 minutes (a clock of the test's own, in
    10-second steps), two senders: every report arrives once."""
    environment(OPEN311_RETRY_MOST_SECONDS="120")
    casework.down()
    start, filed = utcnow(), []
    for step in range(0, 181):  # 30 minutes
        now = start + dt.timedelta(seconds=10 * step)
        if step < 60 and len(filed) < 100:
            filed += [file(len(filed) + n) for n in range(2)]  # 2 every 10 s during the outage
        if step == 60:
            casework.up()
        for name in ("one", "two"):
            outbox.send_due(client(timeout=1), CONFIG, now=now, sender=name, limit=100)
    assert len(filed) == 100
    assert sorted(casework.posted_references()) == sorted(filed)
    with database.session_scope() as session:
        states = session.execute(select(Open311Sending.state)).scalars().all()
    assert set(states) == {"sent"}


@pytest.mark.parametrize("answer_format", ["json", "xml"])
def test_the_systems_status_change_and_notes_reach_the_resident(db, casework, answer_format):
    reference = file(1)
    outbox.send_due(client(answer_format), CONFIG)
    # The first answer, open with no notes, is what the resident was told when they reported.
    assert fetch_updates(client(answer_format), CONFIG) == 0
    casework.set_status("1001", "closed", "We spoke to the household and the music has stopped.")
    assert fetch_updates(client(answer_format), CONFIG) == 1
    assert fetch_updates(client(answer_format), CONFIG) == 0  # told once
    with database.session_scope() as session:
        report = session.execute(select(Report).where(Report.reference == reference)).scalar_one()
        assert report.status == "closed"
        [update] = undelivered_updates(session, "telegram", "chat-1")
        assert update.resident_update == "We spoke to the household and the music has stopped."
        assert update.changed_by == outbox.ACTOR
    assert audit_actions(reference)[-1] == "updated by the casework system"


def test_a_change_without_notes_tells_the_resident_the_files_words(db, casework):
    file(1)
    outbox.send_due(client(), CONFIG)
    fetch_updates(client(), CONFIG)
    casework.set_status("1001", "closed")
    fetch_updates(client(), CONFIG)
    with database.session_scope() as session:
        [update] = undelivered_updates(session, "telegram", "chat-1")
        assert update.resident_update == CONFIG.updates["closed"]


def test_missing_service_codes_are_named(db):
    partial = FakeOpen311(service_codes=("asb", "noise"))
    try:
        assert missing_service_codes(Open311Client(partial.url, API_KEY), CONFIG) == ["hate (code hate)"]
    finally:
        partial.stop()


def test_the_worker_names_missing_codes_when_it_starts(db, caplog):
    from community_safety.open311.service_codes import check_at_start

    partial = FakeOpen311(service_codes=("asb",))
    try:
        check_at_start(Open311Client(partial.url, API_KEY), CONFIG)
    finally:
        partial.stop()
    assert "has no service for hate (code hate): fix data/open311.yml" in caplog.text


def test_staff_admin_sends_checks_and_fetches(db, casework, capsys):
    from staff.cli import main

    file(1)
    assert main(["check-open311"]) == 0
    assert main(["send-reports"]) == 0
    assert "1 sent" in capsys.readouterr().out
    casework.set_status("1001", "closed", "Done")
    assert main(["fetch-updates"]) == 0 and "1." in capsys.readouterr().out
    casework.service_codes = ("asb",)
    assert main(["check-open311"]) == 1
    assert "has no service for: hate (code hate)" in capsys.readouterr().err


@pytest.mark.parametrize(
    "change,message",
    [
        ({"service_codes": {"asb": "asb"}}, "now its open311_service_code"),
        ({"statuses": {"open": "in_progress", "closed": "finished"}}, "finished is not one of ours"),
        ({"updates": {"open": "Looking"}}, "updates needs an entry for closed"),
    ],
)
def test_open311_file_mistakes_are_named(tmp_path, change, message):
    import yaml

    from community_safety.settings import settings

    document = yaml.safe_load(settings().open311_file.read_text())
    document.update(change)
    path = tmp_path / "open311.yml"
    path.write_text(yaml.safe_dump(document))
    with pytest.raises(Open311ConfigError, match=message):
        Open311Config.from_file(path)


def test_an_endpoint_without_its_key_is_refused_where_reports_are_sent(environment):
    # Only the scheduler (and staff-admin) hold the key: it is checked where it is used, so the
    # action servers, which only queue reports, need not hold it.
    from community_safety.jobs.scheduler import open311_jobs
    from community_safety.settings import SettingsError, settings

    environment(OPEN311_ENDPOINT="https://casework.example/open311/v2", OPEN311_API_KEY=None)
    assert settings().open311_endpoint
    with pytest.raises(SettingsError, match="OPEN311_API_KEY"):
        Open311Client.from_settings()
    with pytest.raises(SettingsError, match="OPEN311_API_KEY"):
        open311_jobs()
