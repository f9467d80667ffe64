"""``python -m bot.telegram``: polling when no webhook URL is set, the webhook otherwise."""
from __future__ import annotations

import asyncio
import logging
import sys

from telegram import Update

from bot.telegram.application import build_application
from bot.telegram.settings import Settings, SettingsError


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    # httpx logs every request URL, and Telegram's URLs hold the bot token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    try:
        settings = Settings.from_environment()
    except SettingsError as error:
        print(f"Telegram bridge not started: {error}", file=sys.stderr)
        return 2
    if settings.uses_webhook:
        from bot.telegram.webhook import serve

        asyncio.run(serve(settings))
    else:
        logging.getLogger(__name__).info("Telegram bridge polling for updates")
        build_application(settings).run_polling(allowed_updates=Update.ALL_TYPES)
    return 0


if __name__ == "__main__":
    sys.exit(main())
