from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

import pytest
from playwright.sync_api import sync_playwright

from tests.browser import launch
from tests.fake_telegram import TOKEN, FakeTelegram
from tests.stack import free_port, start_telegram_bridge

SECRET = "s3cret_token-for-tests"


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


class CouncilSite(NamedTuple):
    origin: str
    folder: Path


@pytest.fixture(scope="session")
def council_site(tmp_path_factory) -> CouncilSite:
    """Another site of the council's that embeds the widget (same site, another origin): a static
    file server on loopback whose pages the browser tests write."""
    import functools
    import threading
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    folder = tmp_path_factory.mktemp("council-site")
    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(folder))
    handler.log_message = lambda *args: None
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield CouncilSite(f"http://127.0.0.1:{server.server_address[1]}", folder)
    server.shutdown()


@pytest.fixture(scope="session")
def web_url(rasa_url, council_site, tmp_path_factory):
    """The real web server (waitress) forwarding the widget's messages to the real Rasa."""
    from tests.stack import start_web_server

    process, base = start_web_server(
        tmp_path_factory.mktemp("web"),
        rasa_url,
        {"WIDGET_ALLOWED_ORIGINS": f"http://council.example,{council_site.origin}"},
    )
    yield base
    process.stop()


@pytest.fixture(scope="module")
def webhook(rasa_url, tmp_path_factory):
    """The bridge in webhook mode (its own fake Bot API), for the module that asks for it."""
    fake = FakeTelegram()
    port = free_port()
    url = f"http://127.0.0.1:{port}/telegram/webhook"
    process = start_telegram_bridge(
        tmp_path_factory.mktemp("webhook"),
        rasa_url,
        fake.base_url,
        TOKEN,
        webhook={"TELEGRAM_WEBHOOK_URL": url, "TELEGRAM_WEBHOOK_SECRET": SECRET, "TELEGRAM_WEBHOOK_PORT": str(port)},
        name="telegram-webhook",
    )
    yield fake, url
    process.stop()
    fake.close()


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium, one per test module (the widget's browser tests)."""
    with sync_playwright() as playwright:
        chromium = launch(playwright)
        yield chromium
        chromium.close()
