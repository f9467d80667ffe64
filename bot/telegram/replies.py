"""Turn the bot's replies into Telegram messages: long text split, buttons as inline keyboards."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.rasa_client import Button

# Telegram's limit: 4,096 characters a message.
MAX_TEXT = 4096


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


def keyboard(buttons: tuple[Button, ...]) -> InlineKeyboardMarkup | None:
    """Buttons as an inline keyboard. Each button's payload goes whole: python-telegram-bot's
    arbitrary callback data (application.py) sends Telegram a short id in its place, whatever the
    payload's length, and gives the payload back when the button is pressed."""
    if not buttons:
        return None
    # One button a row: titles are whole phrases and stay readable on a narrow phone.
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(b.title[:64] or b.payload[:64], callback_data=b.payload)] for b in buttons]
    )
