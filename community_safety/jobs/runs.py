"""What the scheduler last did: one row per job (``job_runs``), for admins and for the jobs that
carry on from where their last run got to."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from community_safety.records.database import session_scope
from community_safety.records.models import JobRun, utcnow

DONE = "done"


def started(name: str, every_seconds: float) -> float | None:
    """Marks the job as running now; returns the watermark its last successful run left."""
    with session_scope() as db:
        run = db.get(JobRun, name)
        if run is None:
            try:
                with db.begin_nested():
                    run = JobRun(name=name)
                    db.add(run)
            except IntegrityError:  # another scheduler made it a moment ago
                run = db.get(JobRun, name)
        run.started_at, run.every_seconds = utcnow(), round(every_seconds)
        return run.watermark


def finished(name: str, outcome: str, summary: dict | None = None, watermark: float | None = None) -> None:
    with session_scope() as db:
        run = db.get(JobRun, name)
        if run is None:
            return
        run.finished_at, run.outcome = utcnow(), outcome[:120]
        if outcome == DONE:
            run.last_success_at = run.finished_at
            run.summary = json.dumps(summary or {}, sort_keys=True)
            if watermark is not None:
                run.watermark = watermark


@dataclass(frozen=True)
class JobState:
    name: str
    last_run: JobRun | None
    overdue: bool

    @property
    def summary(self) -> dict:
        try:
            return json.loads(self.last_run.summary or "{}") if self.last_run else {}
        except ValueError:
            return {}


def states(db, expected: list[str], now: dt.datetime | None = None) -> list[JobState]:
    """Every expected job, and any other the table holds, with whether it is overdue: no success
    within three of its intervals (and at least ten minutes)."""
    now = now or utcnow()
    runs = {run.name: run for run in db.execute(select(JobRun).order_by(JobRun.name)).scalars()}
    found = []
    for name in [*expected, *sorted(set(runs) - set(expected))]:
        run = runs.get(name)
        if run is None:
            found.append(JobState(name, None, True))
            continue
        allowed = dt.timedelta(seconds=max(3 * (run.every_seconds or 0), 600))
        found.append(JobState(name, run, run.last_success_at is None or now - run.last_success_at > allowed))
    return found
