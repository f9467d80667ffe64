"""Where the records live: SQLite under the data directory by default, PostgreSQL when
DATABASE_URL says so (community_safety/settings.py). Engines are made on first use, never at import time."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from community_safety.settings import settings

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def database_url() -> str:
    return settings().reports_database_url


@lru_cache(maxsize=8)
def engine_for(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, future=True, connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(connection, _record):
            cursor = connection.cursor()
            # Readers don't block the writer, and a second writer waits instead of failing.
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

        return engine
    return create_engine(url, future=True, pool_pre_ping=True)


@lru_cache(maxsize=8)
def _sessions(url: str) -> sessionmaker:
    return sessionmaker(bind=engine_for(url), future=True, expire_on_commit=False)


@contextmanager
def session_scope(url: str | None = None) -> Iterator[Session]:
    """One session, one transaction: committed when the block ends, rolled back on error."""
    session = _sessions(url or database_url())()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(url: str | None = None) -> str:
    """Bring the database to the latest schema; safe to run at every start."""
    url = url or database_url()
    command.upgrade(alembic_config(url), "head")
    return url


def set_audit_retention(url: str) -> int:
    """Write data/casework.yml's audit_log_months into the database (as the owner): the database
    then refuses to delete any younger audit entry."""
    from community_safety.casework import default_casework, months
    from community_safety.records.retention import set_audit_log_retention

    days = months(default_casework().audit_log_months).days
    with session_scope(url) as session:
        set_audit_log_retention(session, days)
    return days


def main(argv: list[str] | None = None) -> None:
    """`python -m community_safety.records.database`: bring the database up to date and set the audit
    log's retention. Run as the owner; with ``--services-role ROLE`` (PostgreSQL) also let that role
    use the records and conversations but not alter the audit log, and with ``--jobs-role ROLE``
    let the scheduler's role do that and what its jobs need besides (community_safety/records/roles.py)."""
    import argparse

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--services-role", metavar="ROLE", help="the PostgreSQL role the services connect as")
    parser.add_argument("--jobs-role", metavar="ROLE", help="the PostgreSQL role the scheduler connects as")
    args = parser.parse_args(argv)
    url = upgrade()
    days = set_audit_retention(url)
    print(f"Database is up to date ({url.split('@')[-1]}); audit entries are kept {days} days")
    if args.services_role or args.jobs_role:
        from community_safety.records.roles import RoleError, grant_conversations, grant_records

        if not url.startswith("postgresql"):
            raise SystemExit("--services-role and --jobs-role need PostgreSQL: SQLite has no roles.")
        try:
            for role, scheduler in ((args.services_role, False), (args.jobs_role, True)):
                if role:
                    grant_records(url, role, scheduler=scheduler)
                    grant_conversations(settings().conversations_database_url, role, scheduler=scheduler)
                    print(f"{role} may use the records and conversations; only the owner can alter the audit log")
        except RoleError as error:
            raise SystemExit(str(error)) from error


if __name__ == "__main__":
    main()
