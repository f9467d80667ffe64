"""The staff site through Flask's test client over the whole web server app, on a real SQLite
database made by the migrations in a temporary data folder."""

from __future__ import annotations

import datetime as dt
import itertools
import re

import pytest

from community_safety.casework import default_casework
from community_safety.records import database
from community_safety.records.database import session_scope
from community_safety.records.reports import file_report
from staff.accounts import create_user

PASSWORD = "a long enough password"
ADMIN, CASEWORKER = "admin@council.example", "caseworker@council.example"
_keys = itertools.count(1)


@pytest.fixture
def data(tmp_path, monkeypatch):
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    url = f"sqlite:///{tmp_path / 'records.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("TRACKER_DATABASE_URL", f"sqlite:///{tmp_path / 'tracker.db'}")
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    database.upgrade(url)
    with session_scope() as db:
        create_user(db, ADMIN, PASSWORD, "admin")
        create_user(db, CASEWORKER, PASSWORD, "caseworker")
    return tmp_path


@pytest.fixture
def app(data):
    from webserver import create_app

    application = create_app()
    application.config["TESTING"] = False
    return application


@pytest.fixture
def client(app):
    return app.test_client()


def csrf_token(client, path="/staff/sign-in") -> str:
    page = client.get(path).get_data(as_text=True)
    tag = re.search(r'<input[^>]*name="csrf_token"[^>]*>', page).group(0)
    return re.search(r'value="([^"]+)"', tag).group(1)


def sign_in(client, email=CASEWORKER, password=PASSWORD):
    response = client.post(
        "/staff/sign-in", data={"email": email, "password": password, "csrf_token": csrf_token(client)}
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return response


@pytest.fixture
def caseworker(client):
    sign_in(client, CASEWORKER)
    return client


@pytest.fixture
def admin(client):
    sign_in(client, ADMIN)
    return client


def make_report(channel="web", user="resident-1", anonymous=False, created=None, **fields) -> str:
    values = {
        "description": "Loud music every night",
        "location_text": "Brick Lane",
        "postcode": "E1 6AN",
        "occurred_on": dt.date.today(),
        "occurred_text": "last night",
    }
    values.update(fields)
    with session_scope() as db:
        report = file_report(
            db,
            channel=channel,
            channel_user_id=user,
            submission_key=f"key-{next(_keys)}",
            fields=values,
            anonymous=anonymous,
        )
        if created:  # as if filed then
            report.created_at = report.updated_at = created
            report.due_on = default_casework().contact_due(created.date())
        return report.reference
