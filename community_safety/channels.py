"""The channels residents write on, defined once, and how a resident is named across them and Rasa:
Rasa's sender id is "telegram:<chat id>", "web:<session id>", or anything else for the plain REST
channel (the terminal chat, tests)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass


@dataclass(frozen=True)
class Channel:
    value: str  # as stored on residents, reports and live chats
    name: str  # as staff see it
    bridge: bool  # a channel of the council's own, with its own secret to Rasa (bot/rasa_channel.py)


CHANNELS: dict[str, Channel] = {
    channel.value: channel
    for channel in (
        Channel("telegram", "Telegram", bridge=True),
        Channel("web", "Web chat", bridge=True),
        Channel("rest", "Other (REST)", bridge=False),
    )
}
# The channels that send residents' messages to Rasa, each with its own secret; their senders are prefixed.
BRIDGED = tuple(value for value, channel in CHANNELS.items() if channel.bridge)
OTHER = "rest"


def channel_and_user(sender_id: str) -> tuple[str, str]:
    channel, _, user = (sender_id or "").partition(":")
    return (channel, user) if user and channel in BRIDGED else (OTHER, sender_id)


def sender_id(channel: str, channel_user_id: str) -> str:
    return f"{channel}:{channel_user_id}" if channel in BRIDGED else channel_user_id


def channel_name(channel: str | None) -> str:
    """A channel as staff see it: "Web chat"."""
    known = CHANNELS.get(channel or "")
    return known.name if known else (channel or "").capitalize()


def conversation_key(sender: str) -> str:
    """How a conversation's own records (messages to review, evidence waiting for its report) are
    found again, for erasure and retention, without naming it."""
    return hashlib.sha256(f"conversation:{sender}".encode()).hexdigest()
