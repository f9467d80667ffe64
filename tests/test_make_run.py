"""`make run` starts the whole stack with one command and stops it with one Ctrl-C."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time

import pytest
import requests

from tests.conftest import PROJECT
from tests.fake_telegram import TOKEN, FakeTelegram

# Two Rasa servers by default (RASA_PROCESSES), sharing the SQLite conversation store.
PORTS = {"rasa1": 5005, "rasa2": 5006, "actions": 5055, "web": 8000}


def in_use(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


def wait_for(check, timeout: float, what: str, log) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except requests.RequestException:
            pass
        time.sleep(1)
    raise AssertionError(f"{what} within {timeout}s; make run printed:\n{log.read_text()[-4000:]}")


def test_make_run_starts_every_part_and_ctrl_c_stops_them(tmp_path):
    busy = [name for name, port in PORTS.items() if in_use(port)]
    if busy:
        pytest.skip(f"ports of {busy} are in use (is `make run` already running?)")
    telegram = FakeTelegram()
    log = tmp_path / "make-run.log"
    env = {**os.environ, "TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_BASE_URL": telegram.base_url}
    with log.open("w") as out:
        make = subprocess.Popen(
            ["make", "run"], cwd=PROJECT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:

        def widget_answers() -> bool:
            response = requests.post("http://127.0.0.1:8000/chat/messages", json={"message": "hello"}, timeout=30)
            return response.ok and not response.json()["degraded"]

        wait_for(widget_answers, 300, "the widget did not get the bot's answer", log)
        telegram.send_text(9001, "/start")
        wait_for(lambda: telegram.sent(9001), 60, "the Telegram bridge did not answer", log)
        assert "999" in telegram.sent(9001)[0]["text"]
    finally:
        os.killpg(make.pid, signal.SIGINT)  # what Ctrl-C in the terminal sends
        try:
            make.wait(timeout=60)
        finally:
            telegram.close()
    wait_for(lambda: not any(in_use(port) for port in PORTS.values()), 30, "a part was still listening", log)
    printed = log.read_text()
    for part in ("rasa1", "rasa2", "actions", "web", "telegram"):
        assert f" {part}.1 " in printed, f"no log lines from {part}"
