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
# PostgreSQL on another host (libpq's parameters): a connection not made in 3 s, data not
# acknowledged in 5 s, or an idle connection whose host has gone (found in 9 s) fails at once,
# instead of at the kernel's own limits (over 15 minutes for unacknowledged data). With the data
# host unreachable, a web server's threads, and Rasa's whole event loop, waited past nginx's 60 s
# (issue #29); failing, the resident gets the "can't answer, call 999 if in danger" reply instead.
# A long query is not cut short: its host's kernel still answers the keepalives.
POSTGRES_TIMEOUTS = {
    "connect_timeout": 3,
    "tcp_user_timeout": 5000,
    "keepalives": 1,
    "keepalives_idle": 5,
    "keepalives_interval": 2,
    "keepalives_count": 2,
}


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
    timeouts = POSTGRES_TIMEOUTS if url.startswith("postgresql") else {}
    return create_engine(url, future=True, pool_pre_ping=True, connect_args=timeouts)


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
