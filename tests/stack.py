"""Start the real Rasa server and action server as processes on loopback, for tests."""

from __future__ import annotations

import os
import shlex
import uuid
from pathlib import Path

import requests

from deploy.processes import VENV_BIN, Process, free_port  # noqa: F401  (free_port: used by the tests)
from deploy.profile import actions_command, rasa_command, rasa_ready, sqlite_endpoints


def start_action_server(
    log_dir: Path, database_url: str | None = None, env: dict[str, str] | None = None
) -> tuple[Process, str]:
    """The action server on a free port, with its own SQLite database unless one is given."""
    from community_safety.records.database import upgrade

    database_url = database_url or f"sqlite:///{log_dir / 'records.db'}"
    upgrade(database_url)
    os.environ["DATABASE_URL"] = database_url  # the tests read what the bot wrote
    port = free_port()
    process = Process("actions", shlex.split(actions_command(port)), log_dir, env)
    process.wait_until(f"http://127.0.0.1:{port}/health")
    return process, f"http://127.0.0.1:{port}/webhook"


def start_rasa(log_dir: Path, action_url: str, name: str = "rasa", port: int | None = None) -> tuple[Process, str]:
    """Rasa on a free port, keeping conversations in a SQLite tracker store in `log_dir`."""
    port = port or free_port()
    endpoints = log_dir / f"{name}-endpoints.yml"
    endpoints.write_text(sqlite_endpoints(action_url, log_dir / "tracker.db"))
    process = Process(name, shlex.split(rasa_command(port, endpoints)), log_dir)
    base = f"http://127.0.0.1:{port}"
    process.wait_until(rasa_ready(port))
    return process, base


def start_telegram_bridge(
    log_dir: Path,
    rasa_url: str,
    telegram_base_url: str,
    token: str,
    webhook: dict[str, str] | None = None,
    name: str = "telegram",
) -> Process:
    """The Telegram bridge process, talking to a fake Bot API; polling unless ``webhook`` settings are given."""
    env = {
        "TELEGRAM_BOT_TOKEN": token,
        "TELEGRAM_BASE_URL": telegram_base_url,
        "TELEGRAM_BASE_FILE_URL": telegram_base_url.replace("/bot", "/file/bot"),
        "RASA_URL": rasa_url,
        "DATA_DIR": str(log_dir),
        **(webhook or {}),
    }
    process = Process(name, [str(VENV_BIN / "python"), "-m", "bot.telegram"], log_dir, env)
    process.wait_for_log("Telegram webhook listening" if webhook else "Telegram bridge polling")
    return process


def start_web_server(log_dir: Path, rasa_url: str, env: dict[str, str] | None = None) -> tuple[Process, str]:
    """The web server (widget and staff site) with waitress on a free port."""
    port = free_port()
    process = Process(
        "web",
        [str(VENV_BIN / "python"), "-m", "webserver"],
        log_dir,
        {"WEB_PORT": str(port), "RASA_URL": rasa_url, "DATA_DIR": str(log_dir), **(env or {})},
    )
    base = f"http://127.0.0.1:{port}"
    process.wait_until(f"{base}/widget.js")
    return process, base


class Conversation:
    """One resident talking to the bot as the web server does: the council's channel, with its secret."""

    def __init__(self, base_url: str):
        self.url = f"{base_url}/webhooks/council/webhook"
        self.user = f"test-{uuid.uuid4().hex[:12]}"
        self.sender = f"web:{self.user}"

    def say(self, text: str) -> list[dict]:
        response = requests.post(
            self.url,
            json={"sender": self.sender, "message": text},
            headers={"Authorization": f"Bearer {os.environ['WEB_CHANNEL_SECRET']}"},
            timeout=60,
        )
        response.raise_for_status()
        return response.json()

    @staticmethod
    def text(replies: list[dict]) -> str:
        return "\n".join(reply.get("text", "") for reply in replies)

    @staticmethod
    def payloads(replies: list[dict]) -> list[str]:
        return [button["payload"] for reply in replies for button in reply.get("buttons", [])]
