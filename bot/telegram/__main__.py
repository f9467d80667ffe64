"""``python -m bot.telegram``: polling when no webhook URL is set, the webhook otherwise."""

from __future__ import annotations

import asyncio
import logging
import sys

from telegram import Update

from bot.logs import configure as configure_logging
from bot.telegram.application import build_application
from bot.telegram.settings import Settings, SettingsError


def main() -> int:
    configure_logging()
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
