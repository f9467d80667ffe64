"""The production profile on one machine, for real: PostgreSQL, Redis, nginx, two replicas each
of Rasa, the action server and the web server, started from deploy/profile.py on free ports."""

from __future__ import annotations

import pytest

from deploy.local_stack import production as production_stack

# What `make run-prod`'s starter (honcho) may hold: every secret, each process to get only its own.
EVERY_SECRET = {
    name: f"{name.lower().replace('_', '-')}-value"
    for name in (
        "PROD_DB_SERVICES_PASSWORD",
        "PROD_DB_JOBS_PASSWORD",
        "WEB_SECRET_KEY",
        "STAFF_SECRET_KEY",
        "SUBMISSION_KEY_SECRET",
        "TELEGRAM_BOT_TOKEN",
        "OPEN311_API_KEY",
    )
}


@pytest.fixture(scope="package")
def production(tmp_path_factory):
    stack = production_stack(tmp_path_factory.mktemp("production"), replicas=2, extra_env=EVERY_SECRET)
    try:
        yield stack.start_all()
    finally:
        stack.stop()
