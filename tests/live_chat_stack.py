"""A whole stack for the live chat tests: an action server and Rasa judging the team's hours on a
Thursday morning, the web server (widget and staff site) and a Telegram bridge against a fake Bot
API, all on the run's reports database, with a caseworker who can sign in."""

from __future__ import annotations

import os
import re
import time
from dataclasses import dataclass
from pathlib import Path

import requests

from community_safety.live_chat.presence import check_in
from community_safety.records.database import session_scope
from community_safety.records.models import LiveChat
from staff.accounts import create_user, find_user
from tests.fake_telegram import TOKEN, FakeTelegram
from tests.stack import Conversation, Process, start_action_server, start_rasa, start_telegram_bridge, start_web_server

THURSDAY_MORNING = "2026-11-26T11:00"
PASSWORD = "a long live chat password"


@dataclass
class LiveChatStack:
    web: str
    rasa: str
    telegram: FakeTelegram
    tracker_url: str
    processes: list[Process]

    def stop(self) -> None:
        for process in self.processes:
            process.stop()
        self.telegram.close()


def start_live_chat_stack(log_dir: Path) -> LiveChatStack:
    clock = {"OPENING_HOURS_AT": THURSDAY_MORNING}
    actions, action_url = start_action_server(log_dir, os.environ["DATABASE_URL"], clock)
    rasa, rasa_url = start_rasa(log_dir, action_url, name="rasa-live-chat")
    Conversation(rasa_url).say("/start")  # the first reply loads lazily: not inside a test's wait
    tracker_url = f"sqlite:///{log_dir / 'tracker.db'}"
    (log_dir / "web").mkdir()
    web, web_url = start_web_server(log_dir / "web", rasa_url, {**clock, "TRACKER_DATABASE_URL": tracker_url})
    telegram = FakeTelegram()
    (log_dir / "telegram").mkdir()
    bridge = start_telegram_bridge(log_dir / "telegram", rasa_url, telegram.base_url, TOKEN)
    return LiveChatStack(web_url, rasa_url, telegram, tracker_url, [bridge, web, rasa, actions])


def caseworker_account(email: str, first_name: str | None = "Sam") -> int:
    with session_scope() as db:
        found = find_user(db, email)
        return found.id if found else create_user(db, email, PASSWORD, "caseworker", first_name).id


def available(user_id: int) -> None:
    """As the live chats page does while it is open and used."""
    with session_scope() as db:
        check_in(db, user_id, available=True)


def unavailable(user_id: int) -> None:
    with session_scope() as db:
        check_in(db, user_id, available=False)


def newest_chat(channel: str = "web") -> LiveChat | None:
    with session_scope() as db:
        chat = db.query(LiveChat).filter(LiveChat.channel == channel).order_by(LiveChat.id.desc()).first()
        if chat is not None:
            db.expunge(chat)
        return chat


class Resident:
    """A resident using the widget, as its script does: JSON to /chat/messages, polling /chat/live."""

    def __init__(self, web: str):
        self.web, self.http, self.after = web, requests.Session(), 0

    def say(self, text: str) -> dict:
        response = self.http.post(f"{self.web}/chat/messages", json={"message": text}, timeout=60)
        response.raise_for_status()
        return response.json()

    def poll(self) -> dict:
        response = self.http.get(f"{self.web}/chat/live", params={"after": self.after}, timeout=30)
        response.raise_for_status()
        body = response.json()
        self.after = max([self.after, *(m["id"] for m in body["messages"])])
        return body

    def wait_for(self, words: str, within: float = 10.0, every: float = 0.5) -> tuple[dict, float]:
        """Polls until a message with these words arrives; the message and how long it took."""
        started = time.monotonic()
        while time.monotonic() - started < within:
            for message in self.poll()["messages"]:
                if words in message["text"]:
                    return message, time.monotonic() - started
            time.sleep(every)
        raise AssertionError(f"no message with {words!r} within {within}s")


class Caseworker:
    """A caseworker using the staff site over HTTP, as its forms do."""

    def __init__(self, web: str, email: str):
        self.web, self.http = web, requests.Session()
        self.user_id = caseworker_account(email)
        page = self.http.get(f"{web}/staff/sign-in", timeout=30).text
        response = self.http.post(
            f"{web}/staff/sign-in",
            data={"email": email, "password": PASSWORD, "csrf_token": self.token(page)},
            allow_redirects=False,
            timeout=30,
        )
        assert response.status_code == 302, response.text[:300]

    @staticmethod
    def token(page: str) -> str:
        return re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)

    def post(self, path: str, **fields) -> requests.Response:
        token = self.token(self.http.get(f"{self.web}/staff/live-chats", timeout=30).text)
        return self.http.post(f"{self.web}/staff{path}", data={**fields, "csrf_token": token}, timeout=30)

    def messages(self, chat_id: int, after: int = 0) -> dict:
        return self.http.get(
            f"{self.web}/staff/live-chats/{chat_id}/messages", params={"after": after}, timeout=30
        ).json()
