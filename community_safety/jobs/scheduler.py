"""``python -m community_safety.jobs``: the one process that runs the scheduled jobs until it is
stopped. `make run` and `make run-prod` start it.

A job that fails (the database away for a moment) is logged by the kind of error only, recorded
for admins, and tried again at its next turn; the others carry on."""

from __future__ import annotations

import contextlib
import logging
import signal
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from community_safety.jobs import privacy, review, runs
from community_safety.settings import SettingsError, settings

log = logging.getLogger("community_safety.jobs")
COLLECT_MESSAGES = "collect messages to review"
SEND_REPORTS, FETCH_CHANGES = "send reports to the casework system", "fetch the casework system's changes"

# What a job does with the watermark its last successful run left: (what it did, the new watermark).
JobFunction = Callable[[float | None], tuple[dict, float | None]]


@dataclass(frozen=True)
class Job:
    name: str
    every_seconds: float
    run: JobFunction


def _scrub(since: float | None) -> tuple[dict, float | None]:
    changed, watermark = privacy.scrub(since=since)
    return {"conversation_events_scrubbed": changed}, watermark


def _purge(_since: float | None) -> tuple[dict, float | None]:
    counts = privacy.purge_records(actor="scheduler")
    counts["conversation_events"] = privacy.purge_conversation_store()
    return counts, None


def _collect(since: float | None) -> tuple[dict, float | None]:
    return review.collect_messages(since=since)


def privacy_jobs() -> list[Job]:
    configured = settings()
    return [
        Job("scrub anonymous reports' conversations", configured.jobs_scrub_every_seconds, _scrub),
        Job("retention", configured.jobs_purge_every_seconds, _purge),
    ]


def review_jobs() -> list[Job]:
    return [Job(COLLECT_MESSAGES, settings().jobs_review_every_seconds, _collect)]


def open311_jobs() -> list[Job]:
    """The casework system's jobs, when OPEN311_ENDPOINT is set."""
    from community_safety.open311.client import Open311Client
    from community_safety.open311.config import default_config
    from community_safety.open311.outbox import send_due, sender_name
    from community_safety.open311.service_codes import check_at_start
    from community_safety.open311.updates import fetch_updates

    client = Open311Client.from_settings()
    if client is None:
        return []
    config, sender, configured = default_config(), sender_name(), settings()
    check_at_start(client, config)
    log.info("Scheduler: sending reports to the casework system at %s", client.endpoint)

    def send(_since):
        return dict(send_due(client, config, sender=sender)), None

    def fetch(_since):
        return {"updates": fetch_updates(client, config)}, None

    return [
        Job(SEND_REPORTS, configured.open311_send_every_seconds, send),
        Job(FETCH_CHANGES, configured.open311_fetch_every_seconds, fetch),
    ]


def expected_jobs() -> list[str]:
    """The jobs this configuration runs, by name, without starting anything (for the staff page)."""
    configured = settings()
    names = [job.name for job in privacy_jobs() + review_jobs()]
    if configured.open311_endpoint:
        names += [SEND_REPORTS, FETCH_CHANGES]
    return names


def run_once(job: Job) -> str:
    try:
        since = runs.started(job.name, job.every_seconds)
        summary, watermark = job.run(since)
    except Exception as error:  # recorded by kind only: a message may quote a resident's data
        outcome = f"failed: {type(error).__name__}"
        log.error("Job %r %s; trying again at its next turn", job.name, outcome)
        # The database itself may be away: then the log line above is all there can be.
        with contextlib.suppress(Exception):
            runs.finished(job.name, outcome)
        return outcome
    runs.finished(job.name, runs.DONE, summary, watermark)
    if any(summary.values()):
        log.info("Job %r: %s", job.name, ", ".join(f"{k} {v}" for k, v in sorted(summary.items()) if v))
    return runs.DONE


def run(jobs: list[Job], stop: threading.Event) -> None:
    due = {job.name: time.monotonic() for job in jobs}
    while not stop.is_set():
        for job in jobs:
            if stop.is_set():
                break
            if time.monotonic() >= due[job.name]:
                run_once(job)
                due[job.name] = time.monotonic() + job.every_seconds
        stop.wait(max(0.05, min(due.values()) - time.monotonic()))


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        jobs = privacy_jobs() + review_jobs() + open311_jobs()
    except (SettingsError, ValueError) as error:
        sys.exit(f"Scheduler not started: {error}")
    stop = threading.Event()
    for signal_number in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signal_number, lambda *_: stop.set())
    log.info("Scheduler running: %s", "; ".join(f"{job.name} every {job.every_seconds:g} s" for job in jobs))
    run(jobs, stop)
    log.info("Scheduler stopped")
    return 0
