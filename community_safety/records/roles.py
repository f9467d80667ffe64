"""The PostgreSQL role the running services use: it reads and writes the records, but it does not
own them. Only an owner can change a table, drop or disable a trigger, so the services' role can
add to the audit log and nothing more: it can't edit it, empty it, or remove the append-only
trigger that guards it (the owner role runs the migrations and nothing else).

In Rasa's conversation store the services (erasure, retention, a resident's transcript) only read
and delete; Rasa itself creates and owns its table, and the default privileges reach it when it does.

SQLite has no roles: there the file's permissions are the guard."""

from __future__ import annotations

import re

from sqlalchemy import text

from community_safety.records.database import engine_for

SERVICES_ROLE = "community_safety_services"  # what `make run-prod` makes and its services use
ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
RECORDS = "SELECT, INSERT, UPDATE, DELETE"
CONVERSATIONS = "SELECT, DELETE"


class RoleError(ValueError):
    pass


def _role(name: str) -> str:
    if not ROLE_NAME.match(name):
        raise RoleError(f"{name!r} is not a plain PostgreSQL role name (lower-case letters, digits, _)")
    return f'"{name}"'


def grant_records(owner_url: str, role: str) -> None:
    """Run as the records' owner, after migrating: the services' role may use every table, add to
    the audit log and read the schema version, and no more."""
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
        ):
            connection.execute(text(statement))


def grant_conversations(owner_url: str, role: str) -> None:
    """Run as the conversation store's owner (the role Rasa connects as)."""
    who = _role(role)
    with engine_for(owner_url).begin() as connection:
        for statement in (
            f"GRANT USAGE ON SCHEMA public TO {who}",
            f"GRANT {CONVERSATIONS} ON ALL TABLES IN SCHEMA public TO {who}",
            f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT {CONVERSATIONS} ON TABLES TO {who}",
        ):
            connection.execute(text(statement))
