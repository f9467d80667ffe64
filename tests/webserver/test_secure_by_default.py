"""Secure by default outside loopback: cookies Secure and HSTS whenever the site is reached by any
name but loopback's (WEB_COOKIE_SECURE overrides), the casework system and Telegram only over https
except on loopback, and an Open311 answer read no further than its size cap."""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from community_safety.open311.client import MAX_ANSWER, Open311Client, Open311Unavailable
from community_safety.records import database
from community_safety.settings import SettingsError, settings


@pytest.fixture
def site(tmp_path, environment):
    url = f"sqlite:///{tmp_path / 'records.db'}"
    database.upgrade(url)
    environment(DATA_DIR=str(tmp_path), DATABASE_URL=url, RASA_URL="http://127.0.0.1:9", WEB_COOKIE_SECURE=None)
    from webserver import create_app

    return create_app().test_client


def cookie_line(response, name: str) -> str:
    return next(h for h in response.headers.getlist("Set-Cookie") if h.startswith(name))


HOSTS = [("chat.council.example", True), ("203.0.113.9:8000", True), ("127.0.0.1:8000", False),
         ("localhost", False), ("[::1]:8000", False)]  # fmt: skip


@pytest.mark.parametrize("host, secure", HOSTS)
def test_cookies_are_secure_and_hsts_is_sent_off_loopback(site, host, secure):
    client = site()
    widget = client.post("/chat/messages", json={"message": "hello"}, headers={"Host": host})
    staff = client.get("/staff/sign-in", headers={"Host": host})
    for response, name in ((widget, "community_safety_session"), (staff, "staff_session")):
        assert ("; Secure" in cookie_line(response, name)) is secure, (host, name)
        assert ("Strict-Transport-Security" in response.headers) is secure


def test_web_cookie_secure_says_otherwise(site, environment):
    environment(WEB_COOKIE_SECURE="no")
    response = site().post("/chat/messages", json={"message": "hello"}, headers={"Host": "rehearsal.example"})
    assert "; Secure" not in cookie_line(response, "community_safety_session")
    environment(WEB_COOKIE_SECURE="yes")
    response = site().post("/chat/messages", json={"message": "hello"}, headers={"Host": "127.0.0.1"})
    assert "; Secure" in cookie_line(response, "community_safety_session")


@pytest.mark.parametrize(
    "variable, value, allowed",
    [("OPEN311_ENDPOINT", "https://casework.example/open311/v2", True),
     ("OPEN311_ENDPOINT", "http://casework.example/open311/v2", False),
     ("OPEN311_ENDPOINT", "http://127.0.0.1:8080/open311", True),
     ("OPEN311_ENDPOINT", "http://localhost:8080/open311", True),
     ("OPEN311_ENDPOINT", "http://127.0.0.1.example.com/open311", False),
     ("TELEGRAM_BASE_URL", "https://api.telegram.org/bot", True),
     ("TELEGRAM_BASE_URL", "http://api.telegram.org/bot", False),
     ("TELEGRAM_BASE_URL", "http://[::1]:8081/bot", True)],
)  # fmt: skip
def test_reports_and_the_bots_token_travel_only_encrypted_except_on_loopback(environment, variable, value, allowed):
    environment(**{variable: value, "OPEN311_API_KEY": "key"})
    if allowed:
        settings()
    else:
        with pytest.raises(SettingsError, match=variable):
            settings()


def test_an_open311_answer_is_read_no_further_than_its_cap():
    sent = []

    class Endless(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            chunk = b"[" + b" " * 65535
            try:
                for _ in range(1600):  # 100 MB, if anyone read it all
                    self.wfile.write(chunk)
                    sent.append(len(chunk))
            except OSError:
                pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Endless)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        client = Open311Client(f"http://127.0.0.1:{server.server_address[1]}", "key", timeout=30)
        started = time.monotonic()
        with pytest.raises(Open311Unavailable, match="larger than"):
            client.services()
        assert time.monotonic() - started < 10
        time.sleep(0.5)
        assert sum(sent) < 20 * MAX_ANSWER, "the client stopped reading; the server gave up soon after"
    finally:
        server.shutdown()
