"""What the bridge sends without a resident's message first, from the records: a live chat's
messages every half second, caseworkers' updates every few seconds. One task, started with the
bridge and stopped with it."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from telegram.ext import Application

from bot.telegram.live_chat import deliver_once
from bot.telegram.updates import send_updates_once

log = logging.getLogger(__name__)
DELIVER_EVERY = 0.5
SWEEP_EVERY_ROUNDS = 10  # the long-wait offer is in minutes: every 5 s is plenty
UPDATES_EVERY_ROUNDS = 4  # a caseworker's update within about 2 s
TASK = "delivery"


async def _keep_delivering(application: Application) -> None:
    rounds = 0
    while True:
        try:
            await deliver_once(application, sweep=rounds % SWEEP_EVERY_ROUNDS == 0)
            if rounds % UPDATES_EVERY_ROUNDS == 0:
                await send_updates_once(application)
        except Exception as error:  # noqa: BLE001 - one bad round must not stop every later one
            log.error("Delivery failed (%s)", type(error).__name__)
        rounds += 1
        await asyncio.sleep(DELIVER_EVERY)


def start_delivering(application: Application) -> None:
    application.bot_data[TASK] = asyncio.get_running_loop().create_task(_keep_delivering(application))


async def stop_delivering(application: Application) -> None:
    task = application.bot_data.pop(TASK, None)
    if task:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
