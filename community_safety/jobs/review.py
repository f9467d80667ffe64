"""The review queue's job: messages of conversations gone quiet are read into the queue
(community_safety/review/). Quiet for as long as the anonymous-report scrub waits, so that what
the resident did next (said it again, said the bot was wrong, asked for a person) is known."""

from __future__ import annotations

import datetime as dt

from community_safety.casework import default_casework
from community_safety.jobs.privacy import RESCAN_SECONDS
from community_safety.records.database import session_scope
from community_safety.records.models import utcnow
from community_safety.review.queue import collect
from community_safety.settings import settings


def collect_messages(
    now: dt.datetime | None = None, since: float | None = None, sample_share: float | None = None
) -> tuple[dict[str, int], float]:
    """Returns what was added and the watermark to carry on from next time."""
    now = now or utcnow()
    quiet_since = now - dt.timedelta(minutes=default_casework().scrub_anonymous_after_minutes)
    share = settings().review_sample_share if sample_share is None else sample_share
    with session_scope() as db:
        found = collect(db, quiet_since, None if since is None else since - RESCAN_SECONDS, sample_share=share)
    return found, quiet_since.replace(tzinfo=dt.timezone.utc).timestamp()
