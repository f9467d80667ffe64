"""On PostgreSQL the services connect as a role that uses the records but doesn't own them: it can
add to the audit log, never alter it, nor remove the trigger that keeps it append-only."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import ProgrammingError

from community_safety.records import database
from community_safety.records.roles import RoleError, grant_conversations, grant_records
from deploy.local_services import PostgresServer

ROLE = "services_under_test"
JOBS = "jobs_under_test"


@pytest.fixture(scope="module")
def cluster():
    server = PostgresServer()
    database.upgrade(server.url)
    tracker_owner = server.create_database("tracker")
    services = server.create_role(ROLE)
    grant_records(server.url, ROLE)
    grant_conversations(tracker_owner, ROLE)
    server.create_role(JOBS)
    grant_records(server.url, JOBS, scheduler=True)
    grant_conversations(tracker_owner, JOBS, scheduler=True)
    yield server, services, tracker_owner
    server.stop()


def run(url: str, statement: str, **values):
    with create_engine(url, future=True).begin() as connection:
        return connection.execute(text(statement), values)


AUDIT_ROW = (
    "INSERT INTO audit_events (at, actor, action, object_type, object_id, changes) "
    "VALUES (now(), 'caseworker@council.example', 'changed status', 'report', 'ASB-2026-00001', '{}')"
)


def test_the_services_role_adds_to_the_audit_log_and_uses_the_records(cluster):
    _, services, _ = cluster
    run(services, AUDIT_ROW)
    assert run(services, "SELECT count(*) FROM audit_events").scalar() >= 1
    run(services, "INSERT INTO ended_chats (chat_key, ended_at) VALUES ('abc', now())")
    run(services, "DELETE FROM ended_chats WHERE chat_key = 'abc'")


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_events SET actor = 'someone else'",
        "DELETE FROM audit_events",
        "TRUNCATE audit_events",
        "DROP TRIGGER audit_events_append_only ON audit_events",
        "ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only",
        "ALTER TABLE reports ADD COLUMN extra text",
        "DROP TABLE reports",
        "UPDATE alembic_version SET version_num = '0001'",
        "CREATE TABLE copied AS SELECT * FROM residents",
    ],
)
def test_the_services_role_cannot_alter_the_audit_log_or_the_schema(cluster, statement):
    _, services, _ = cluster
    with pytest.raises(ProgrammingError, match="permission denied|must be owner"):
        run(services, statement)


def test_conversations_rasa_creates_later_can_be_read_and_erased_by_the_services(cluster):
    server, _, tracker_owner = cluster
    # Rasa makes its table when it first starts, after the grant.
    run(tracker_owner, "CREATE TABLE events (id serial PRIMARY KEY, sender_id text, type_name text, data text)")
    run(tracker_owner, "INSERT INTO events (sender_id, type_name, data) VALUES ('web:x', 'user', '{}')")
    services_on_tracker = server.url_for(ROLE, "tracker")
    assert run(services_on_tracker, "SELECT count(*) FROM events").scalar() == 1
    assert run(services_on_tracker, "DELETE FROM events WHERE sender_id = 'web:x'").rowcount == 1
    with pytest.raises(ProgrammingError, match="permission denied"):
        run(services_on_tracker, "INSERT INTO events (sender_id, type_name, data) VALUES ('web:y', 'user', '{}')")


OLD_AUDIT_ROW = AUDIT_ROW.replace("VALUES (now()", "VALUES (now() - interval '3000 days'")


def test_only_the_schedulers_role_deletes_audit_entries_and_only_those_past_their_retention(cluster):
    server, services, _ = cluster
    jobs = server.url_for(JOBS, "community_safety")
    run(server.url, "UPDATE audit_log_retention SET days = 2191")
    run(jobs, AUDIT_ROW)
    run(jobs, OLD_AUDIT_ROW)
    with pytest.raises(ProgrammingError, match="permission denied"):
        run(services, "DELETE FROM audit_events WHERE at < now() - interval '2500 days'")
    # Even the scheduler's role: a recent entry stays, whatever the statement asks.
    with pytest.raises(Exception, match="append-only"):
        run(jobs, "DELETE FROM audit_events")
    assert run(jobs, "DELETE FROM audit_events WHERE at < now() - interval '2500 days'").rowcount == 1
    for statement in ("UPDATE audit_events SET actor = 'x'", "UPDATE audit_log_retention SET days = 365",
                      "DELETE FROM audit_log_retention"):  # fmt: skip
        with pytest.raises(Exception, match="append-only|permission denied"):
            run(jobs, statement)
    # The owner can't set a retention under a year either.
    with pytest.raises(Exception, match="a_year_at_least"):
        run(server.url, "UPDATE audit_log_retention SET days = 30")


def test_the_schedulers_role_may_take_words_out_of_conversations_and_the_services_may_not(cluster):
    server, _, tracker_owner = cluster
    run(
        tracker_owner,
        "CREATE TABLE IF NOT EXISTS events (id serial PRIMARY KEY, sender_id text, type_name text, data text)",
    )
    run(
        tracker_owner,
        "INSERT INTO events (sender_id, type_name, data) VALUES ('web:z', 'user', '{\"text\": \"words\"}')",
    )
    with pytest.raises(ProgrammingError, match="permission denied"):
        run(server.url_for(ROLE, "tracker"), "UPDATE events SET data = '{}' WHERE sender_id = 'web:z'")
    assert run(server.url_for(JOBS, "tracker"), "UPDATE events SET data = '{}' WHERE sender_id = 'web:z'").rowcount == 1


def test_a_role_name_that_is_not_plain_is_refused(cluster):
    server, _, _ = cluster
    with pytest.raises(RoleError):
        grant_records(server.url, 'x"; DROP TABLE reports; --')
