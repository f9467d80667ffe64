"""Talk to Rasa's REST channel on behalf of a resident, for every channel.

The browser and Telegram never reach Rasa: the channel processes call it here, with a sender
id the channel chose. When Rasa cannot answer, ``unavailable_replies`` still gives 999 first
for danger (the same rules as the NLU safety net, without Rasa) and 101 otherwise.
"""

from __future__ import annotations

import asyncio
import logging
import re
import socket
import threading
import time
import unicodedata
import zlib
from dataclasses import dataclass, field
from typing import Any

import httpx

from bot.messages import channel_messages
from community_safety.languages import is_bengali_script
from community_safety.settings import rasa_servers, settings
from community_safety.translations import default_translations
from nlu.components.emergency_language import load as load_emergency_language

log = logging.getLogger(__name__)

# Telegram allows 4,096 characters; the widget holds residents to the same.
MAX_MESSAGE = 4096
# A Rasa replica restarting refuses connections for a moment: one retry, then the fallback.
RETRY_AFTER = 1.0
# On another host: a connection takes well under a millisecond on the council's network, so one
# not made in this time is to a host that has gone (its link or its power); such a server is tried
# last for UNREACHABLE_FOR, so residents whose own server it is don't each wait for it again.
CONNECT_SECONDS = 2.0
UNREACHABLE_FOR = 15.0
# Not sent: safe to send to another server.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout)
# A message sent on a kept connection to a host that has since gone is never acknowledged: the
# kernel gives up on it after this long (TCP_USER_TIMEOUT), not at the reply's 30 s. It may have
# arrived, so it is not sent again: the resident is asked to, and it goes to another server.
UNACKNOWLEDGED_MS = 5000
# Linux's (the servers'); a developer's Mac has no such option and waits for the reply's time instead.
_SOCKET_OPTIONS = (
    [(socket.IPPROTO_TCP, socket.TCP_USER_TIMEOUT, UNACKNOWLEDGED_MS)] if hasattr(socket, "TCP_USER_TIMEOUT") else []
)
# C0/C1 controls (not tab or newline) and bidi overrides, which can make text read differently
# from what it says when staff view it later.
_UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufeff]")


class RasaUnavailable(Exception):
    """Rasa did not answer, or answered with something that is not a list of replies."""


class NoReply(RasaUnavailable):
    """Rasa took the message but had nothing to say: a part behind it (the action server) failed."""


@dataclass(frozen=True)
class Button:
    title: str
    payload: str


@dataclass(frozen=True)
class Reply:
    text: str
    buttons: tuple[Button, ...] = field(default_factory=tuple)

    def as_json(self) -> dict[str, Any]:
        return {"text": self.text, "buttons": [{"title": b.title, "payload": b.payload} for b in self.buttons]}


def clean_text(text: str) -> str:
    """What the resident typed, in one Unicode form, without invisible control characters."""
    return _UNSAFE.sub("", unicodedata.normalize("NFC", text)).strip()


def parse_replies(body: Any) -> list[Reply]:
    if not isinstance(body, list):
        raise RasaUnavailable("Rasa answered with something other than a list of replies")
    replies = []
    for item in body:
        if not isinstance(item, dict):
            continue
        buttons = tuple(
            Button(str(b.get("title", "")), str(b.get("payload", "")))
            for b in item.get("buttons") or []
            if isinstance(b, dict) and b.get("payload")
        )
        text = str(item.get("text") or "")
        if text or buttons:
            replies.append(Reply(text, buttons))
    return replies


def unavailable_replies(text: str, error: Exception | None = None) -> list[Reply]:
    """The answer when Rasa can't give one: 999 first if the message sounds like danger; in
    Bengali and English when the message is in Bengali script (romanised Bengali needs the model)."""
    messages = channel_messages()
    if load_emergency_language().find(text):
        english = messages["danger_while_unavailable"]
    else:
        english = messages["no_answer" if isinstance(error, NoReply) else "unavailable"]
    return [Reply(default_translations().in_both(english) if is_bengali_script(text) else english)]


def _request(sender: str, text: str, metadata: dict[str, Any] | None) -> dict[str, Any]:
    return {"sender": sender, "message": text, "metadata": metadata or {}}


def channel_secret(channel: str) -> str:
    """The secret a channel shows Rasa: from the settings, or kept in DATA_DIR on one machine."""
    return settings().secret_or_kept(f"{channel}_channel_secret", f"{channel}-channel-secret")


def _webhook(base_url: str) -> str:
    return base_url.rstrip("/") + "/webhooks/council/webhook"


def servers_for(sender: str, servers: list[str]) -> list[str]:
    """A resident's servers in the order they are preferred: their own first (the one that has
    their conversation in memory), then the others."""
    start = zlib.crc32(sender.encode("utf-8", "surrogatepass")) % len(servers)
    return [*servers[start:], *servers[:start]]


class Routing:
    """Which Rasa server takes a message, in one channel process (the web server, the Telegram
    bridge). Every server reads a conversation from the shared store, so any may take any message,
    as long as one conversation's messages are taken one at a time: Rasa keeps a conversation's
    lock in its own memory (or in Redis, in the production profile), and each channel process
    speaks for its own residents only. So a resident's next message waits for their last reply
    here, and goes to their own server unless another has fewer messages in hand (a few residents
    all hashed to one server would otherwise leave the other idle); when a server refuses, the next.
    """

    def __init__(self, servers: list[str]):
        self.servers = servers
        self.in_hand = dict.fromkeys(servers, 0)
        self.unreachable_until = dict.fromkeys(servers, 0.0)

    def order(self, sender: str) -> list[str]:
        own = servers_for(sender, self.servers)
        least = min(self.in_hand.values())
        now = time.monotonic()
        return sorted(
            own,
            key=lambda url: (self.unreachable_until[url] > now, self.in_hand[url] > least, own.index(url)),
        )

    def not_reached(self, url: str) -> None:
        self.unreachable_until[url] = time.monotonic() + UNREACHABLE_FOR

    def reached(self, url: str) -> None:
        self.unreachable_until[url] = 0.0

    def attempts(self, sender: str) -> list[tuple[str, float]]:
        """Each server once, in order; then, when every one refused, the first again after
        RETRY_AFTER (a server restarting takes a moment to listen)."""
        order = self.order(sender)
        return [*((url, 0.0) for url in order), (order[0], RETRY_AFTER)]


class _OneAtATime:
    """A lock per resident, kept only while some message of theirs is in hand."""

    def __init__(self, new_lock):
        self._new_lock, self._locks = new_lock, {}

    def take(self, sender: str):
        entry = self._locks.setdefault(sender, [self._new_lock(), 0])
        entry[1] += 1
        return entry[0]

    def give_back(self, sender: str) -> None:
        entry = self._locks[sender]
        entry[1] -= 1
        if not entry[1]:
            del self._locks[sender]


def _headers(channel: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {channel_secret(channel)}"}


def _read(response: httpx.Response) -> list[Reply]:
    if response.status_code >= 400:
        raise RasaUnavailable(f"Rasa answered HTTP {response.status_code}")
    try:
        replies = parse_replies(response.json())
    except ValueError as error:
        raise RasaUnavailable("Rasa's answer was not JSON") from error
    if not replies:
        raise NoReply("Rasa gave no reply")
    return replies


def _gone(error: httpx.HTTPError) -> bool:
    """The connection broke (a host gone, a server killed), as against a server slow to answer."""
    return isinstance(error, httpx.TransportError) and not isinstance(error, httpx.ReadTimeout)


class RasaClient:
    """For the web server (synchronous views)."""

    def __init__(self, base_url: str, timeout: float = 30.0, channel: str = "web"):
        self.base_url = base_url
        self.routing = Routing(rasa_servers(base_url))
        self.http = httpx.Client(
            timeout=httpx.Timeout(timeout, connect=CONNECT_SECONDS),
            headers=_headers(channel),
            transport=httpx.HTTPTransport(socket_options=_SOCKET_OPTIONS),
        )
        self._guard = threading.Lock()  # the web server's threads share this client
        self._residents = _OneAtATime(threading.Lock)

    def send(self, sender: str, text: str, metadata: dict[str, Any] | None = None) -> list[Reply]:
        with self._guard:
            own = self._residents.take(sender)
        try:
            with own:
                return self._send(sender, text, metadata)
        finally:
            with self._guard:
                self._residents.give_back(sender)

    def _send(self, sender: str, text: str, metadata: dict[str, Any] | None) -> list[Reply]:
        refused: Exception | None = None
        with self._guard:
            attempts = self.routing.attempts(sender)
        for url, wait in attempts:
            time.sleep(wait)
            with self._guard:
                self.routing.in_hand[url] += 1
            try:
                response = self.http.post(_webhook(url), json=_request(sender, text, metadata))
            except _NOT_SENT as error:
                refused = error
                with self._guard:
                    self.routing.not_reached(url)
                continue
            except httpx.HTTPError as error:
                if _gone(error):
                    with self._guard:
                        self.routing.not_reached(url)
                raise RasaUnavailable(type(error).__name__) from error
            finally:
                with self._guard:
                    self.routing.in_hand[url] -= 1
            with self._guard:
                self.routing.reached(url)
            return _read(response)
        raise RasaUnavailable("cannot connect to Rasa") from refused


class AsyncRasaClient:
    """For the Telegram bridge (PTB's asyncio handlers)."""

    def __init__(self, base_url: str, timeout: float = 30.0, channel: str = "telegram"):
        self.base_url = base_url
        self.routing = Routing(rasa_servers(base_url))
        self.http = httpx.AsyncClient(
            timeout=httpx.Timeout(timeout, connect=CONNECT_SECONDS),
            headers=_headers(channel),
            transport=httpx.AsyncHTTPTransport(socket_options=_SOCKET_OPTIONS),
        )
        self._residents = _OneAtATime(asyncio.Lock)  # one event loop: no other guard needed

    async def send(self, sender: str, text: str, metadata: dict[str, Any] | None = None) -> list[Reply]:
        try:
            async with self._residents.take(sender):
                return await self._send(sender, text, metadata)
        finally:
            self._residents.give_back(sender)

    async def _send(self, sender: str, text: str, metadata: dict[str, Any] | None) -> list[Reply]:
        refused: Exception | None = None
        for url, wait in self.routing.attempts(sender):
            await asyncio.sleep(wait)
            self.routing.in_hand[url] += 1
            try:
                response = await self.http.post(_webhook(url), json=_request(sender, text, metadata))
            except _NOT_SENT as error:
                refused = error
                self.routing.not_reached(url)
                continue
            except httpx.HTTPError as error:
                if _gone(error):
                    self.routing.not_reached(url)
                raise RasaUnavailable(type(error).__name__) from error
            finally:
                self.routing.in_hand[url] -= 1
            self.routing.reached(url)
            return _read(response)
        raise RasaUnavailable("cannot connect to Rasa") from refused

    async def close(self) -> None:
        await self.http.aclose()
