"""`staff-admin create-user`: the first account, made on the command line."""

from __future__ import annotations

import os
import subprocess

from community_safety.records.database import session_scope
from staff.accounts import find_user
from tests.conftest import PROJECT

STAFF_ADMIN = str(PROJECT / ".venv" / "bin" / "staff-admin")


def run(data, *args, password="a very long password"):
    env = {**os.environ, "DATA_DIR": str(data), "STAFF_PASSWORD": password}
    return subprocess.run([STAFF_ADMIN, *args], env=env, capture_output=True, text=True, stdin=subprocess.DEVNULL)


def test_create_the_first_admin(data):
    result = run(data, "create-user", "--email", "First.Admin@Council.example", "--role", "admin")
    assert result.returncode == 0 and "Made an admin account for first.admin@council.example" in result.stdout
    with session_scope() as db:
        assert find_user(db, "first.admin@council.example").role == "admin"


def test_clear_refusals(data):
    short = run(data, "create-user", "--email", "x@council.example", "--role", "caseworker", password="short")
    assert short.returncode == 1 and "at least 12 characters" in short.stderr
    again = run(data, "create-user", "--email", "admin@council.example", "--role", "admin")
    assert again.returncode == 1 and "already an account" in again.stderr
    role = run(data, "create-user", "--email", "y@council.example", "--role", "boss")
    assert role.returncode == 2 and "invalid choice" in role.stderr
    env = {k: v for k, v in os.environ.items() if k != "STAFF_PASSWORD"}
    no_password = subprocess.run(
        [STAFF_ADMIN, "create-user", "--email", "z@council.example", "--role", "admin"],
        env={**env, "DATA_DIR": str(data)},
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
    )
    assert no_password.returncode == 1 and "Set STAFF_PASSWORD" in no_password.stderr
