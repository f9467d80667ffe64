"""The PostgreSQL roles the running processes use: they read and write the records, but they do not
own them. Only an owner can change a table, drop or disable a trigger, so the services' role can
add to the audit log and nothing more: it can't edit it, empty it, or remove the append-only
trigger that guards it (the owner role runs the migrations and nothing else).

- The services (web, action servers, Telegram bridge): in Rasa's conversation store they only read
  (a resident's transcript) and delete (erasure).
- The scheduler (community_safety/jobs/) as its own role: besides, it may change conversation rows
  (taking an anonymous report's words out) and delete audit entries, which the database allows only
  once they are past the retention the owner set (migration 0009).
Rasa itself creates and owns its table, and the default privileges reach it when it does.

SQLite has no roles: there the file's permissions are the guard."""

from __future__ import annotations

import re

from sqlalchemy import text

from community_safety.records.database import engine_for

SERVICES_ROLE = "community_safety_services"  # what `make run-prod` makes and its services use
JOBS_ROLE = "community_safety_jobs"  # the scheduler's
ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
RECORDS = "SELECT, INSERT, UPDATE, DELETE"
CONVERSATIONS = "SELECT, DELETE"
JOBS_CONVERSATIONS = "SELECT, UPDATE, DELETE"


class RoleError(ValueError):
    pass


def _role(name: str) -> str:
    if not ROLE_NAME.match(name):
        raise RoleError(f"{name!r} is not a plain PostgreSQL role name (lower-case letters, digits, _)")
    return f'"{name}"'


def grant_records(owner_url: str, role: str, scheduler: bool = False) -> None:
    """Run as the records' owner, after migrating: the role may use every table, add to the audit
    log and read the schema version and the audit log's retention, and no more; the scheduler's
    may also delete audit entries past that retention."""
    who = _role(role)
    with engine_for(owner_url).begin() as connection:
        for statement in (
            f"GRANT USAGE ON SCHEMA public TO {who}",
            f"GRANT {RECORDS} ON ALL TABLES IN SCHEMA public TO {who}",
            f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {who}",
            # Tables a later migration makes are usable at once, before this is run again.
            f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT {RECORDS} ON TABLES TO {who}",
            f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO {who}",
            f"REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON audit_events FROM {who}",
            f"REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON alembic_version FROM {who}",
            f"REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON audit_log_retention FROM {who}",
            *([f"GRANT DELETE ON audit_events TO {who}"] if scheduler else []),
        ):
            connection.execute(text(statement))


def grant_conversations(owner_url: str, role: str, scheduler: bool = False) -> None:
    """Run as the conversation store's owner (the role Rasa connects as)."""
    who, allowed = _role(role), JOBS_CONVERSATIONS if scheduler else CONVERSATIONS
    with engine_for(owner_url).begin() as connection:
        for statement in (
            f"GRANT USAGE ON SCHEMA public TO {who}",
            f"GRANT {allowed} ON ALL TABLES IN SCHEMA public TO {who}",
            f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT {allowed} ON TABLES TO {who}",
        ):
            connection.execute(text(statement))
