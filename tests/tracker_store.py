"""Rasa's conversation store for tests: its ``events`` table as Rasa's SQL tracker store makes it,
in an SQLite file, holding the events a test gives."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine

EVENTS_TABLE = (
    "CREATE TABLE IF NOT EXISTS events (id INTEGER PRIMARY KEY, sender_id VARCHAR(255), type_name VARCHAR(255), "
    "timestamp FLOAT, intent_name VARCHAR(255), action_name VARCHAR(255), data TEXT)"
)


def store_events(path: Path | str, rows) -> Engine:
    """Rows of (sender, event, timestamp); an event is Rasa's dict (``{"event": "user", "text": ...}``).
    ``path`` is an SQLite file, or a database URL (PostgreSQL: the table as Rasa makes it there)."""
    url = path if isinstance(path, str) and "://" in path else f"sqlite:///{path}"
    engine = create_engine(url)
    with engine.begin() as connection:
        table = EVENTS_TABLE if url.startswith("sqlite") else EVENTS_TABLE.replace("id INTEGER", "id SERIAL")
        connection.execute(text(table))
        for sender, event, when in rows:
            connection.execute(
                text("INSERT INTO events (sender_id, type_name, timestamp, data) VALUES (:s, :k, :t, :d)"),
                {"s": sender, "k": event["event"], "t": when, "d": json.dumps({**event, "timestamp": when})},
            )
    return engine
