"""One settings module: every variable named, typed, defaulted, documented in docs/generated/settings.md, read once."""

from __future__ import annotations

import subprocess
import sys

import pytest

from community_safety.settings import PROJECT, Settings, SettingsError, markdown_table, secret, settings


def test_defaults_serve_one_machine(environment):
    environment(DATA_DIR=None, DATABASE_URL=None, WEB_PORT=None, WIDGET_ALLOWED_ORIGINS=None, WEB_COOKIE_SECURE=None)
    configured = settings()
    assert configured.data_dir == PROJECT / "data"
    assert configured.web_port == 8000 and configured.web_cookie_secure is None  # decided per request
    assert configured.widget_allowed_origins == ()
    assert configured.signposting_file == PROJECT / "community_safety" / "data" / "signposting.yml"


def test_values_are_read_in_the_councils_terms(environment, tmp_path):
    environment(
        DATA_DIR=str(tmp_path),
        DATABASE_URL=None,
        WEB_PORT="8080",
        WEB_COOKIE_SECURE="yes",
        WIDGET_ALLOWED_ORIGINS=" https://www.council.gov.uk , https://news.council.gov.uk,",
        WIDGET_RATE_PER_SESSION="20/minute",
        WEB_CHANNEL_SECRET="not-in-logs",
    )
    configured = settings()
    assert configured.web_port == 8080 and configured.web_cookie_secure is True
    assert configured.widget_allowed_origins == ("https://www.council.gov.uk", "https://news.council.gov.uk")
    assert configured.widget_rate_per_session == 20
    assert configured.reports_database_url == f"sqlite:///{tmp_path / 'community_safety.db'}"
    assert secret(configured.web_channel_secret) == "not-in-logs" and "not-in-logs" not in repr(configured)


def test_a_blank_variable_counts_as_not_set(environment):
    environment(WEB_PORT="  ", RASA_URL="")
    assert settings().web_port == 8000 and settings().rasa_url == "http://127.0.0.1:5005"


@pytest.mark.parametrize(
    "name,value",
    [("WEB_PORT", "eighty"), ("WEB_PORT", "70000"), ("WEB_COOKIE_SAMESITE", "sometimes"), ("WEB_THREADS", "0")],
)
def test_a_value_that_cannot_be_used_is_named(environment, name, value):
    environment(**{name: value})
    with pytest.raises(SettingsError, match=name):
        settings()


def test_settings_are_read_once(environment, monkeypatch):
    environment(WEB_PORT="8001")
    first = settings()
    monkeypatch.setenv("WEB_PORT", "8002")  # a process keeps what it read at start-up
    assert settings() is first and settings().web_port == 8001


def test_a_process_with_a_bad_setting_stops_at_start_up_naming_it(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "deploy.profile", "--local"],
        cwd=PROJECT,
        env={"PATH": "/usr/bin:/bin", "WEB_PORT": "eighty"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0 and "WEB_PORT" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_settings_doc_documents_every_setting():
    from community_safety.settings import SETTINGS_DOC, settings_doc

    assert SETTINGS_DOC.read_text() == settings_doc(), "run make needs"
    assert markdown_table() in settings_doc()
    assert len(markdown_table().splitlines()) == len(Settings.__fields__) + 2
