"""The audit log: every change staff make, who made it, when, and from what to what.
Append-only: this module only adds rows, and the database refuses updates and deletes
(triggers made by migration 0002)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from sqlalchemy.orm import Session

from community_safety.records.models import AuditEvent


def _plain(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def record(
    session: Session,
    actor: str,
    action: str,
    object_type: str,
    object_id: str,
    changes: dict[str, tuple[Any, Any]] | None = None,
) -> AuditEvent:
    event = AuditEvent(
        actor=actor,
        action=action,
        object_type=object_type,
        object_id=str(object_id)[:80],  # the column's width; what matters goes in ``changes``
        changes=json.dumps(
            {field: [_plain(old), _plain(new)] for field, (old, new) in (changes or {}).items()}, ensure_ascii=False
        ),
    )
    session.add(event)
    return event


def changed(before: dict[str, Any], after: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    return {field: (before.get(field), value) for field, value in after.items() if before.get(field) != value}
