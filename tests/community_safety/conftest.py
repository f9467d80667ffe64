from __future__ import annotations

import pytest

from deploy.local_services import PostgresServer


@pytest.fixture(scope="module")
def postgres():
    """A throwaway PostgreSQL server on loopback for the module's tests on real PostgreSQL."""
    server = PostgresServer()
    yield server
    server.stop()


def fresh_records(request, tmp_path) -> str:
    """An empty, migrated records database for a test parametrised over "sqlite" and "postgresql"."""
    from community_safety.records import database

    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'records.db'}"
    else:
        url = request.getfixturevalue("postgres").url
        with database.engine_for(url).begin() as connection:
            connection.exec_driver_sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    database.upgrade(url)
    return url
