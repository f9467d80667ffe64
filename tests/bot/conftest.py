from __future__ import annotations

import pytest

from tests.fake_telegram import TOKEN, FakeTelegram
from tests.stack import start_telegram_bridge


@pytest.fixture(scope="module")
def telegram():
    fake = FakeTelegram()
    yield fake
    fake.close()


@pytest.fixture(scope="module")
def polling_bridge(telegram, rasa_url, tmp_path_factory):
    """The real bridge process, polling the fake Bot API and talking to the real Rasa."""
    process = start_telegram_bridge(tmp_path_factory.mktemp("telegram"), rasa_url, telegram.base_url, TOKEN)
    yield process
    process.stop()


@pytest.fixture(scope="session")
def web_url(rasa_url, tmp_path_factory):
    """The real web server (waitress) forwarding the widget's messages to the real Rasa."""
    from tests.stack import start_web_server

    process, base = start_web_server(tmp_path_factory.mktemp("web"), rasa_url,
                                     {"WIDGET_ALLOWED_ORIGINS": "http://council.example"})
    yield base
    process.stop()
