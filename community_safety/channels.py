"""How a resident is named across the channels and Rasa: Rasa's sender id is
"telegram:<chat id>", "web:<session id>", or anything else for the plain REST channel."""

from __future__ import annotations

KNOWN_CHANNELS = ("telegram", "web")


def channel_and_user(sender_id: str) -> tuple[str, str]:
    channel, _, user = (sender_id or "").partition(":")
    return (channel, user) if user and channel in KNOWN_CHANNELS else ("rest", sender_id)


def sender_id(channel: str, channel_user_id: str) -> str:
    return f"{channel}:{channel_user_id}" if channel in KNOWN_CHANNELS else channel_user_id
