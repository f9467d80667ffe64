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


def test_several_hosts_make_nothing_of_their_own_in_the_data_folder(environment, tmp_path):
    environment(
        SEVERAL_HOSTS="yes",
        DATA_DIR=str(tmp_path),
        DATABASE_URL=None,
        TRACKER_DATABASE_URL=None,
        WEB_SECRET_KEY=None,
        EVIDENCE_STORE="s3",
        EVIDENCE_S3_BUCKET="evidence",
    )
    configured = settings()
    with pytest.raises(SettingsError, match="WEB_SECRET_KEY"):
        configured.secret_or_kept("web_secret_key", "web-secret-key")
    with pytest.raises(SettingsError, match="DATABASE_URL"):
        configured.reports_database_url  # noqa: B018
    with pytest.raises(SettingsError, match="TRACKER_DATABASE_URL"):
        configured.conversations_database_url  # noqa: B018
    assert list(tmp_path.iterdir()) == []  # no key file, no SQLite file
    environment(WEB_SECRET_KEY="the-same-on-every-host")
    assert settings().secret_or_kept("web_secret_key", "web-secret-key") == "the-same-on-every-host"


def test_several_hosts_keep_evidence_where_every_host_reaches_it(environment):
    environment(SEVERAL_HOSTS="1", EVIDENCE_STORE=None)
    with pytest.raises(SettingsError, match="EVIDENCE_STORE"):
        settings()
    environment(SEVERAL_HOSTS="no")
    assert settings().evidence_store == "folder"


@pytest.mark.parametrize(
    ("private_network", "url", "accepted"),
    [
        ("", "http://127.0.0.1:5005", True),
        ("", "http://10.20.0.21:5005", False),
        ("10.20.0.0/24", "http://10.20.0.21:5005", True),
        ("10.20.0.0/24", "http://10.20.1.21:5005", False),  # outside the prefix
        ("10.20.0.0/24, .safety.internal", "http://rasa-1.safety.internal:5005", True),
        (".safety.internal", "http://rasa-1.safety.internal.example.com:5005", False),
        ("10.20.0.0/24", "https://rasa.example.com", True),
    ],
)
def test_plain_http_only_on_loopback_or_the_private_network(environment, private_network, url, accepted):
    environment(PRIVATE_NETWORK=private_network or None, RASA_URL=f"http://127.0.0.1:5005,{url}")
    if accepted:
        assert settings().rasa_url.endswith(url)
    else:
        with pytest.raises(SettingsError, match="RASA_URL"):
            settings()
    environment(RASA_URL=None, EVIDENCE_STORE="s3", EVIDENCE_S3_BUCKET="e", EVIDENCE_S3_ENDPOINT=url)
    if accepted:
        assert settings().evidence_s3_endpoint == url
    else:
        with pytest.raises(SettingsError, match="EVIDENCE_S3_ENDPOINT"):
            settings()


@pytest.mark.parametrize("entry", ["10.20.0.0/33", "not a network", ".", "10.20.0.0/24,nonsense"])
def test_a_private_network_that_cannot_be_read_is_named(environment, entry):
    environment(PRIVATE_NETWORK=entry)
    with pytest.raises(SettingsError, match="PRIVATE_NETWORK"):
        settings()


def test_threads_needing_a_kept_key_at_the_same_moment_agree_on_one(environment, tmp_path):
    # The first sign-ins after installing: twelve threads of one web server, one kept key. Threads
    # once shared a draft named by their process, wrote over each other's key and failed to tidy it.
    import threading

    environment(DATA_DIR=str(tmp_path), STAFF_SECRET_KEY=None, SEVERAL_HOSTS=None)
    configured, start, keys, errors = settings(), threading.Barrier(12), [], []

    def first_use():
        start.wait()
        try:
            keys.append(configured.secret_or_kept("staff_secret_key", "staff-secret-key"))
        except Exception as error:  # noqa: BLE001 - counted below: none may happen
            errors.append(error)

    for _ in range(60):
        (tmp_path / "staff-secret-key").unlink(missing_ok=True)
        keys.clear()
        threads = [threading.Thread(target=first_use) for _ in range(12)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == [] and len(keys) == 12 and len(set(keys)) == 1
        assert keys[0] == (tmp_path / "staff-secret-key").read_text().strip()
        assert sorted(p.name for p in tmp_path.iterdir()) == ["staff-secret-key"]  # no draft left
        assert (tmp_path / "staff-secret-key").stat().st_mode & 0o077 == 0
