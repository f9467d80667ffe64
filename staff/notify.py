"""Getting a caseworker's update to the resident: pushed now on Telegram; on the web, shown by
the widget on their next visit; on any channel, told when they ask for their report's status."""

from __future__ import annotations

from community_safety.records.database import session_scope
from community_safety.records.models import StatusChange
from community_safety.records.reports import mark_delivered, update_message


def deliver_update(change_id: int) -> bool:
    """Push a Telegram resident's update now; True when it was delivered."""
    from bot.telegram.push import push_message

    with session_scope() as db:
        change = db.get(StatusChange, change_id)
        resident = change.report.resident if change else None
        if not change or not change.resident_update or not resident or resident.channel != "telegram":
            return False
        chat_id, text = resident.channel_user_id, update_message(change)
    if not push_message(chat_id, text):
        return False
    with session_scope() as db:
        mark_delivered([db.get(StatusChange, change_id)], "telegram")
    return True
