from __future__ import annotations

import pytest

from deploy.local_services import PostgresServer


@pytest.fixture(scope="module")
def postgres():
    """A throwaway PostgreSQL server on loopback for the module's tests on real PostgreSQL."""
    server = PostgresServer()
    yield server
    server.stop()
