"""``python -m community_safety.open311.worker``: the process `make run` starts when OPEN311_ENDPOINT is
set. It checks the service codes once, then sends what is due every OPEN311_SEND_EVERY_SECONDS and
fetches the casework system's changes every OPEN311_FETCH_EVERY_SECONDS, until it is stopped.

It never stops the rest of the stack: a wrong code or an endpoint that is down is logged (and shown
to staff on each report), and the worker carries on, so residents are still answered and nothing
filed meanwhile is lost. Start more than one if you like: each report is sent once.
"""

from __future__ import annotations

import logging
import signal
import sys
import threading
import time

from community_safety.open311.client import Open311Client, Open311Error
from community_safety.open311.config import Open311Config, default_config
from community_safety.open311.outbox import send_due, sender_name
from community_safety.open311.updates import fetch_updates
from community_safety.settings import SettingsError, settings

log = logging.getLogger("community_safety.open311")


def missing_service_codes(client: Open311Client, config: Open311Config) -> list[str]:
    """Our categories whose mapped code the casework system doesn't list, as "hate (code hate_crime)"."""
    offered = {str(service.get("service_code") or "").strip() for service in client.services()}
    return [f"{category} (code {code})" for category, code in config.service_codes.items() if code not in offered]


def check_at_start(client: Open311Client, config: Open311Config) -> None:
    try:
        missing = missing_service_codes(client, config)
    except Open311Error as error:
        log.warning("Open311: could not check the service codes at %s yet: %s", client.endpoint, error)
        return
    if missing:
        log.error(
            "Open311: the casework system at %s has no service for %s: fix data/open311.yml "
            "(staff-admin check-open311 lists its codes); those reports will be refused until then",
            client.endpoint,
            ", ".join(missing),
        )
    else:
        log.info("Open311: every service code is known to the casework system at %s", client.endpoint)


def run(client: Open311Client, config: Open311Config, stop: threading.Event) -> None:
    configured, sender = settings(), sender_name()
    check_at_start(client, config)
    log.info("Open311 worker sending to %s", client.endpoint)
    next_send = next_fetch = time.monotonic()
    while not stop.is_set():
        now = time.monotonic()
        try:
            if now >= next_send:
                send_due(client, config, sender=sender)
                next_send = now + configured.open311_send_every_seconds
            if now >= next_fetch:
                fetch_updates(client, config)
                next_fetch = now + configured.open311_fetch_every_seconds
        except Exception as error:  # the database away for a moment: try again at the next turn
            log.error("Open311 worker: %s; trying again shortly", type(error).__name__)
        stop.wait(max(0.1, min(next_send, next_fetch) - time.monotonic()))


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        client = Open311Client.from_settings()
        config = default_config()
    except (SettingsError, ValueError) as error:
        sys.exit(f"Open311 worker not started: {error}")
    if client is None:
        sys.exit("Open311 worker not started: OPEN311_ENDPOINT is not set, so there is nowhere to send.")
    stop = threading.Event()
    for signal_number in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signal_number, lambda *_: stop.set())
    run(client, config, stop)
    log.info("Open311 worker stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
