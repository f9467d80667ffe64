"""Checking the casework system knows our service codes, before the scheduler starts sending to it
(community_safety/jobs/scheduler.py runs the sending and fetching).

A wrong code or an endpoint that is down never stops the rest of the stack: it is logged (and shown
to staff on each report), so residents are still answered and nothing filed meanwhile is lost.
"""

from __future__ import annotations

import logging

from community_safety.open311.client import Open311Client, Open311Error
from community_safety.open311.config import Open311Config

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
