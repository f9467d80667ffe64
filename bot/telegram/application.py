"""Build the python-telegram-bot Application for polling or for a webhook."""

from __future__ import annotations

from telegram import BotCommand
from telegram.ext import AIORateLimiter, Application, ApplicationBuilder, PersistenceInput, PicklePersistence

from bot.messages import channel_messages
from bot.rasa_client import AsyncRasaClient
from bot.telegram.delivery import start_delivering, stop_delivering
from bot.telegram.handlers import COMMANDS, add_handlers
from bot.telegram.settings import Settings

# Updates from different chats are handled side by side; one chat's stay in order (a lock per chat).
CONCURRENT_UPDATES = 32
# Buttons remembered (their payloads, by the short id Telegram carries), across every chat; kept on
# disk, so a button sent before the bridge restarted still works.
BUTTONS_REMEMBERED = 50_000
BUTTONS_FILE = "telegram-buttons.pickle"


def build_application(settings: Settings, with_updater: bool = True) -> Application:
    channel_messages()  # a bad messages file stops start-up, not a resident's conversation

    async def post_init(application: Application) -> None:
        application.bot_data["rasa"] = AsyncRasaClient(settings.rasa_url)
        await application.bot.set_my_commands(
            [BotCommand(name, description) for name, (_, description) in COMMANDS.items()]
        )
        start_delivering(application)

    async def post_shutdown(application: Application) -> None:
        await stop_delivering(application)
        rasa = application.bot_data.get("rasa")
        if rasa:
            await rasa.close()

    builder = (
        ApplicationBuilder()
        .token(settings.token)
        .base_url(settings.base_url)
        .base_file_url(settings.base_file_url)
        .rate_limiter(AIORateLimiter(max_retries=3))
        .concurrent_updates(CONCURRENT_UPDATES)
        .arbitrary_callback_data(BUTTONS_REMEMBERED)
        .persistence(
            PicklePersistence(
                settings.data_dir / BUTTONS_FILE,
                store_data=PersistenceInput(bot_data=False, chat_data=False, user_data=False, callback_data=True),
            )
        )
        .post_init(post_init)
        .post_shutdown(post_shutdown)
    )
    if not with_updater:
        builder = builder.updater(None)
    application = builder.build()
    add_handlers(application)
    return application
