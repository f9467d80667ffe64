"""Turn the bot's replies into Telegram messages: long text split, buttons as inline keyboards."""

from __future__ import annotations

import hashlib
from collections import OrderedDict

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.rasa_client import Button

# Telegram's limits: 4,096 characters a message, 64 bytes of callback data a button.
MAX_TEXT = 4096
MAX_CALLBACK_BYTES = 64
# Buttons whose payloads are too long for Telegram are remembered per chat by a short key.
REMEMBERED_BUTTONS = 200
KEY_PREFIX = "k:"


def split_text(text: str, limit: int = MAX_TEXT) -> list[str]:
    """Pieces of at most ``limit`` characters, broken at a paragraph, line or word if possible."""
    pieces = []
    rest = text.strip()
    while len(rest) > limit:
        window = rest[:limit]
        # The latest paragraph break in the second half of the window, else a line break, else a space.
        cut = next((at for at in (window.rfind(sep) for sep in ("\n\n", "\n", " ")) if at > limit // 2), limit)
        pieces.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        pieces.append(rest)
    return pieces


def callback_data(payload: str, remembered: OrderedDict) -> str:
    if len(payload.encode("utf-8")) <= MAX_CALLBACK_BYTES and not payload.startswith(KEY_PREFIX):
        return payload
    key = KEY_PREFIX + hashlib.sha256(payload.encode("utf-8")).hexdigest()[:16]
    remembered[key] = payload
    remembered.move_to_end(key)
    while len(remembered) > REMEMBERED_BUTTONS:
        remembered.popitem(last=False)
    return key


def payload_of(data: str, remembered: OrderedDict) -> str | None:
    """The payload a pressed button stands for; None for a remembered key that has been forgotten."""
    if data.startswith(KEY_PREFIX):
        return remembered.get(data)
    return data


def keyboard(buttons: tuple[Button, ...], remembered: OrderedDict) -> InlineKeyboardMarkup | None:
    if not buttons:
        return None
    # One button a row: titles are whole phrases and stay readable on a narrow phone.
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(b.title[:64] or b.payload[:64], callback_data=callback_data(b.payload, remembered))]
            for b in buttons
        ]
    )
