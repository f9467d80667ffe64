"""Small handlers, one job each; every one ends in a reply so nothing a resident sends is met
with silence. No module-level state: the Rasa client lives in ``bot_data``, per-chat state
(the lock that keeps one chat's messages in order, remembered buttons) in ``chat_data``."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import traceback

from telegram import Update
from telegram.constants import ChatAction, ChatType
from telegram.error import BadRequest, TelegramError
from telegram.ext import (
    Application,
    ApplicationHandlerStop,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    InvalidCallbackData,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.evidence import keep_for_conversation, refusal_words
from bot.evidence import limits as evidence_limits
from bot.live_chat import for_a_person, for_the_bot
from bot.messages import channel_messages
from bot.rasa_client import AsyncRasaClient, RasaUnavailable, Reply, clean_text, unavailable_replies
from bot.telegram.replies import keyboard, split_text
from community_safety.channels import sender_id
from community_safety.evidence.kinds import TO_THE_BOT, as_said
from community_safety.languages import BENGALI, ENGLISH, is_bengali_script
from community_safety.translations import default_translations

log = logging.getLogger(__name__)

# What each command means to the bot: the intents behind the menu and the report form.
COMMANDS = {
    "start": ("/start", "Start, and see what I can help with"),
    "help": ("/help", "What I can help with"),
    "report": ("/file_report", "Report anti-social behaviour"),
    "cancel": ("/cancel", "Stop what we're doing"),
}
TYPING_EVERY = 4.0  # Telegram shows "typing…" for about 5 seconds
CHOOSE = "Please choose:"  # a reply with buttons and no words: Telegram needs some
EVIDENCE = filters.PHOTO | filters.VIDEO | filters.VIDEO_NOTE | filters.VOICE | filters.AUDIO | filters.Document.ALL


def _language(context: ContextTypes.DEFAULT_TYPE, update: Update | None = None) -> str | None:
    """The language the bot last answered this chat in; before any answer, the resident's Telegram
    setting, as a hint."""
    known = context.chat_data.get("language") if context.chat_data is not None else None
    if known:
        return known
    user = update.effective_user if update else None
    return BENGALI if ((user.language_code if user else None) or "").lower().startswith("bn") else None


def _remember_language(context: ContextTypes.DEFAULT_TYPE, replies: list[Reply]) -> None:
    """From the bot's first words in an answer (the 999 answer in Bengali, then English, is Bengali)."""
    first = next((reply.text for reply in replies if any(ch.isalpha() for ch in reply.text)), None)
    if first and context.chat_data is not None:
        context.chat_data["language"] = BENGALI if is_bengali_script(first) else ENGLISH


def _channel_message(name: str, context: ContextTypes.DEFAULT_TYPE, update: Update | None = None) -> str:
    """What the bridge says by itself (bot/messages.yml), in the resident's language."""
    return default_translations().say(channel_messages()[name], _language(context, update))


def _chat_lock(context: ContextTypes.DEFAULT_TYPE) -> asyncio.Lock:
    return context.chat_data.setdefault("lock", asyncio.Lock())


@contextlib.asynccontextmanager
async def _typing(context: ContextTypes.DEFAULT_TYPE, chat_id: int):
    async def keep_typing():
        while True:
            with contextlib.suppress(TelegramError):
                await context.bot.send_chat_action(chat_id, ChatAction.TYPING)
            await asyncio.sleep(TYPING_EVERY)

    task = asyncio.create_task(keep_typing())
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def _send(context: ContextTypes.DEFAULT_TYPE, chat_id: int, replies: list[Reply]) -> None:
    for reply in replies:
        pieces = split_text(reply.text) or [default_translations().say(CHOOSE, _language(context))]
        for number, piece in enumerate(pieces, start=1):
            markup = keyboard(reply.buttons) if number == len(pieces) else None
            await context.bot.send_message(chat_id, piece, reply_markup=markup)


async def converse(
    context: ContextTypes.DEFAULT_TYPE,
    chat_id: int,
    text: str,
    metadata: dict | None = None,
    notice: str | None = None,
    to_a_person: str | None = None,
) -> None:
    """Send one message to the bot and the replies back, in order for this chat. ``to_a_person``:
    what a caseworker in a live chat reads instead of ``text`` (a payload means nothing to them)."""
    rasa: AsyncRasaClient = context.bot_data["rasa"]
    sender = sender_id("telegram", str(chat_id))
    said = to_a_person or text
    async with _chat_lock(context):
        # While a person has the conversation, the message is theirs, not the bot's (bot/live_chat.py).
        turn = await asyncio.to_thread(for_a_person, sender, said)
        if turn is not None and turn.to_the_bot is None:
            await _send(context, chat_id, turn.replies)
            return
        to_the_bot = for_the_bot(turn, text, said)
        async with _typing(context, chat_id):
            try:
                replies = await rasa.send(sender, to_the_bot, {"channel": "telegram", **(metadata or {})})
            except RasaUnavailable as error:
                log.warning("Rasa unavailable (%s): answered a Telegram message with the fallback", error)
                replies = unavailable_replies(text, error)
        if turn is not None:
            replies = turn.replies + replies
        _remember_language(context, replies)
        if notice:
            replies = [Reply(notice)] + replies
        await _send(context, chat_id, replies)


async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    text = clean_text(update.effective_message.text or "")
    if not text:
        await _send(context, update.effective_chat.id, [Reply(_channel_message("empty", context, update))])
        return
    await converse(context, update.effective_chat.id, text)


def greeting(update: Update) -> str:
    """/start, greeting in Bengali when the resident's Telegram is set to Bengali. Only a hint, for
    the first greeting (with its English button): their messages and their choice decide after."""
    language = ((update.effective_user.language_code if update.effective_user else None) or "").lower()
    return '/start{"language": "bn"}' if language.startswith("bn") else COMMANDS["start"][0]


async def on_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    command = (update.effective_message.text or "").split()[0].lstrip("/").split("@")[0].lower()
    payload = greeting(update) if command == "start" else COMMANDS.get(command, COMMANDS["help"])[0]
    await converse(context, update.effective_chat.id, payload)


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    # Always answered, or the resident's button spins until Telegram gives up.
    await query.answer()
    chat_id = update.effective_chat.id
    # The keyboard goes once used, so an old question's buttons can't be pressed again by mistake.
    with contextlib.suppress(BadRequest):
        await query.edit_message_reply_markup(reply_markup=None)
    if isinstance(query.data, InvalidCallbackData) or not isinstance(query.data, str):
        # A button the bridge no longer remembers (older than its memory of buttons).
        await _send(context, chat_id, [Reply(_channel_message("expired_button", context, update))])
        return
    await converse(context, chat_id, query.data)


async def on_location(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    location = update.effective_message.location
    lat, lon = round(location.latitude, 5), round(location.longitude, 5)
    # Said as text so the report form takes it as the answer to "where?"; the map link lets a
    # caseworker see the place without the bot calling any outside service.
    text = f"Location shared on Telegram: {lat:.5f}, {lon:.5f} https://www.openstreetmap.org/?mlat={lat}&mlon={lon}"
    await converse(context, update.effective_chat.id, text, {"location": {"latitude": lat, "longitude": lon}})


def _attachment(message):
    """The file in a message: the largest size of a photo, or the video, voice note, audio or document."""
    attachment = message.effective_attachment
    if isinstance(attachment, (tuple, list)):  # a photo comes in several sizes
        return max(attachment, key=lambda size: (size.width or 0) * (size.height or 0)) if attachment else None
    return attachment


async def on_evidence(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A photo, video, video note, voice note, audio or document: kept for the resident's report,
    and the bot told (it says what happens next); or refused, saying why, the conversation going on."""
    chat_id, message = update.effective_chat.id, update.effective_message
    attachment = _attachment(message)
    language = _language(context, update)
    if attachment is None:
        await _send(context, chat_id, [Reply(_channel_message("text_only", context, update))])
        return
    if (attachment.file_size or 0) > evidence_limits().file_bytes:
        await _send(context, chat_id, [Reply(refusal_words("evidence_too_big", language))])
        return
    async with _typing(context, chat_id):
        try:
            telegram_file = await context.bot.get_file(attachment.file_id)
            data = bytes(await telegram_file.download_as_bytearray())
        except TelegramError as error:
            log.warning("A file could not be fetched from Telegram: %s", type(error).__name__)
            await _send(context, chat_id, [Reply(refusal_words("evidence_not_kept", language))])
            return
        received = await asyncio.to_thread(keep_for_conversation, sender_id("telegram", str(chat_id)), data, "telegram")
    if received.refusal:
        await _send(context, chat_id, [Reply(refusal_words(received.refusal, language))])
        return
    kind = received.metadata["evidence"]["kind"]
    await converse(context, chat_id, TO_THE_BOT, received.metadata, to_a_person=as_said(kind))
    # Words sent with the file (a caption) are a message of their own.
    caption = clean_text(message.caption or "")
    if caption:
        await converse(context, chat_id, caption)


async def only_private_chats(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Groups and channels get one polite answer and nothing else: a group shares one identity,
    so one member could read another's reports."""
    chat = update.effective_chat
    if chat is None or chat.type == ChatType.PRIVATE:
        return
    if update.callback_query:
        with contextlib.suppress(TelegramError):
            await update.callback_query.answer()
    if update.effective_message and chat.type != ChatType.CHANNEL:
        with contextlib.suppress(TelegramError):
            await context.bot.send_message(chat.id, _channel_message("private_only", context, update))
    raise ApplicationHandlerStop


async def on_edited(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await _send(context, update.effective_chat.id, [Reply(_channel_message("edited", context, update))])


async def on_unreadable(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await _send(context, update.effective_chat.id, [Reply(_channel_message("text_only", context, update))])


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    # The kind of failure and where, never its message: messages and chat ids are residents'
    # personal data, and Telegram's request URLs hold the bot token.
    frames = traceback.extract_tb(context.error.__traceback__) if context.error else []
    where = f"{frames[-1].filename}:{frames[-1].lineno}" if frames else "unknown"
    log.error("Telegram update failed: %s at %s", type(context.error).__name__, where)
    if isinstance(update, Update) and update.effective_chat:
        with contextlib.suppress(TelegramError):
            await context.bot.send_message(update.effective_chat.id, unavailable_replies("")[0].text)


def add_handlers(application: Application) -> None:
    application.add_handler(TypeHandler(Update, only_private_chats), group=-1)
    application.add_handler(MessageHandler(filters.UpdateType.EDITED, on_edited))
    application.add_handler(CommandHandler(list(COMMANDS), on_command))
    application.add_handler(MessageHandler(filters.COMMAND, on_command))  # unknown commands: the menu
    application.add_handler(MessageHandler(filters.LOCATION, on_location))
    application.add_handler(MessageHandler(filters.TEXT, on_text))
    application.add_handler(MessageHandler(EVIDENCE, on_evidence))
    application.add_handler(CallbackQueryHandler(on_button))
    application.add_handler(MessageHandler(filters.ALL, on_unreadable))
    application.add_error_handler(on_error)
