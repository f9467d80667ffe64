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
