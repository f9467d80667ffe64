"""The production profile on one machine, for real: PostgreSQL, Redis, nginx, two replicas each
of Rasa, the action server and the web server, started from deploy/profile.py on free ports."""

from __future__ import annotations

import pytest

from deploy.local_stack import production as production_stack


@pytest.fixture(scope="module")
def production(tmp_path_factory):
    stack = production_stack(tmp_path_factory.mktemp("production"), replicas=2)
    try:
        yield stack.start_all()
    finally:
        stack.stop()
