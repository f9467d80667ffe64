"""Webhook mode: an aiohttp listener that accepts only Telegram's calls.

PTB's own webhook server compares the secret token with ``!=``; this one compares in constant
time, answers 403 to a wrong or missing token, and 200 to every update it has queued, so
Telegram never retries a storm of updates the bridge already has."""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import signal

from aiohttp import web
from telegram import Update
from telegram.ext import Application

from bot.telegram.application import build_application
from bot.telegram.settings import Settings

log = logging.getLogger(__name__)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
WEBHOOK_PATH = "/telegram/webhook"
MAX_UPDATE_BYTES = 1024 * 1024
APPLICATION = web.AppKey("application", Application)
SECRET = web.AppKey("secret", str)


async def receive_update(request: web.Request) -> web.Response:
    given = request.headers.get(SECRET_HEADER, "")
    if not hmac.compare_digest(given.encode("utf-8"), request.app[SECRET].encode("utf-8")):
        return web.json_response({"ok": False, "error": "forbidden"}, status=403)
    application = request.app[APPLICATION]
    try:
        data = json.loads(await request.read())
        # PTB reads only well-formed updates; anything else may raise any error while it parses.
        update = Update.de_json(data, application.bot) if isinstance(data, dict) and "update_id" in data else None
    except Exception:  # noqa: BLE001
        update = None
    if update is None:
        return web.json_response({"ok": False, "error": "the body is not a Telegram update"}, status=400)
    # A pressed button carries a short id: this puts back the payload it stands for, as PTB's own
    # webhook server does.
    application.bot.insert_callback_data(update)
    await application.update_queue.put(update)
    return web.json_response({"ok": True})


def make_web_app(application: Application, secret: str) -> web.Application:
    app = web.Application(client_max_size=MAX_UPDATE_BYTES)
    app[APPLICATION] = application
    app[SECRET] = secret
    app.router.add_post(WEBHOOK_PATH, receive_update)
    return app


async def serve(settings: Settings) -> None:
    application = build_application(settings, with_updater=False)
    async with application:
        # run_polling calls these itself; a hand-run application must.
        await application.post_init(application)
        await application.bot.set_webhook(
            settings.webhook_url, secret_token=settings.webhook_secret, allowed_updates=Update.ALL_TYPES
        )
        await application.start()
        runner = web.AppRunner(make_web_app(application, settings.webhook_secret))
        await runner.setup()
        await web.TCPSite(runner, settings.webhook_listen, settings.webhook_port).start()
        log.info("Telegram webhook listening on %s:%s%s", settings.webhook_listen, settings.webhook_port, WEBHOOK_PATH)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stop.set)
        await stop.wait()
        await runner.cleanup()
        await application.stop()
        await application.post_shutdown(application)
