"""Several Rasa servers behind the channels (`make run`'s RASA_PROCESSES): each conversation always
goes to the same one while it is up, and to another when it is not. Real HTTP servers on loopback."""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from bot import rasa_client
from bot.rasa_client import AsyncRasaClient, RasaClient, RasaUnavailable, servers_for
from community_safety.settings import SettingsError, rasa_servers, settings
from deploy.processes import free_port

SENDERS = [f"resident-{n}" for n in range(24)]


class FakeRasa:
    """Answers the council channel's webhook with its own name, and notes who wrote to it."""

    def __init__(self, name: str, seconds: float = 0.0):
        self.name, self.senders = name, []
        self.in_hand: dict[str, int] = {}  # messages each sender has here at once: Rasa's lock's worry
        self.most_at_once = 0
        lock, fake = threading.Lock(), self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's name)
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                sender = body["sender"]
                with lock:
                    fake.senders.append(sender)
                    fake.in_hand[sender] = fake.in_hand.get(sender, 0) + 1
                    fake.most_at_once = max(fake.most_at_once, sum(FakeRasa.all_in_hand(sender)))
                time.sleep(seconds)
                with lock:
                    fake.in_hand[sender] -= 1
                answer = json.dumps([{"text": f"from {fake.name}"}]).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        FakeRasa.running.append(self)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    running: list[FakeRasa] = []

    @classmethod
    def all_in_hand(cls, sender: str) -> list[int]:
        return [fake.in_hand.get(sender, 0) for fake in cls.running]


@pytest.fixture
def two_rasas(environment, tmp_path):
    environment(DATA_DIR=str(tmp_path))
    FakeRasa.running = []
    first, second = FakeRasa("first"), FakeRasa("second")
    yield first, second
    for fake in (first, second):
        fake.stop()


@pytest.fixture
def two_slow_rasas(environment, tmp_path):
    environment(DATA_DIR=str(tmp_path))
    FakeRasa.running = []
    first, second = FakeRasa("first", seconds=0.3), FakeRasa("second", seconds=0.3)
    yield first, second
    for fake in (first, second):
        fake.stop()


def answered_by(client: RasaClient, sender: str) -> str:
    return client.send(sender, "hello")[0].text.removeprefix("from ")


def test_each_conversation_goes_to_its_own_server_and_to_another_when_it_is_down(two_rasas):
    first, second = two_rasas
    client = RasaClient(f"{first.url}, {second.url}")
    chosen = {sender: answered_by(client, sender) for sender in SENDERS}
    assert {sender: answered_by(client, sender) for sender in SENDERS} == chosen  # always the same one
    assert set(chosen.values()) == {"first", "second"}  # and both serve some
    first.stop()
    after = {sender: answered_by(client, sender) for sender in SENDERS}
    assert set(after.values()) == {"second"}
    second.stop()
    with pytest.raises(RasaUnavailable):
        client.send(SENDERS[0], "hello")


class GoneHost:
    """A server whose host has gone: connections to it are never answered (its accept queue is
    full, so the kernel drops the handshake, as a dead link drops every packet)."""

    def __init__(self):
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen(0)
        self.url = f"http://127.0.0.1:{self.socket.getsockname()[1]}"
        self.waiting = socket.create_connection(self.socket.getsockname())  # fills the queue

    def close(self) -> None:
        self.waiting.close()
        self.socket.close()


@pytest.fixture
def gone_host():
    host = GoneHost()
    yield host
    host.close()


def test_a_server_whose_host_has_gone_is_passed_over_then_left_alone(two_rasas, gone_host):
    first, _ = two_rasas
    urls = [gone_host.url, first.url]
    client = RasaClient(",".join(urls))
    own_gone = [s for s in SENDERS if servers_for(s, urls)[0] == gone_host.url][:4]
    started = time.monotonic()
    assert answered_by(client, own_gone[0]) == "first"  # after the connection's time, not the read's
    waited = time.monotonic() - started
    assert rasa_client.CONNECT_SECONDS - 0.5 < waited < rasa_client.CONNECT_SECONDS + 1.5
    started = time.monotonic()
    assert [answered_by(client, sender) for sender in own_gone] == ["first"] * 4
    assert time.monotonic() - started < 1.0  # the gone host is tried last now: nobody waits for it


def test_the_telegram_bridge_passes_over_a_gone_host_too(two_rasas, gone_host):
    first, _ = two_rasas
    urls = [gone_host.url, first.url]
    sender = next(s for s in SENDERS if servers_for(s, urls)[0] == gone_host.url)

    async def twice() -> list[str]:
        client = AsyncRasaClient(",".join(urls))
        try:
            return [(await client.send(sender, "hello"))[0].text for _ in range(2)]
        finally:
            await client.close()

    started = time.monotonic()
    assert asyncio.run(twice()) == ["from first", "from first"]
    assert time.monotonic() - started < rasa_client.CONNECT_SECONDS + 1.5  # waited once, not twice


def test_the_telegram_bridges_client_chooses_as_the_web_servers_does(two_rasas):
    first, second = two_rasas
    urls = f"{first.url},{second.url}"
    web = {sender: answered_by(RasaClient(urls), sender) for sender in SENDERS[:8]}

    async def telegram() -> dict[str, str]:
        client = AsyncRasaClient(urls)
        try:
            return {s: (await client.send(s, "hello"))[0].text.removeprefix("from ") for s in SENDERS[:8]}
        finally:
            await client.close()

    assert asyncio.run(telegram()) == web
    first.stop()
    assert set(asyncio.run(telegram()).values()) == {"second"}


def test_residents_whose_own_server_is_busy_go_to_the_idle_one(two_slow_rasas):
    first, second = two_slow_rasas
    urls = [first.url, second.url]
    client = RasaClient(",".join(urls))
    own_first = [s for s in SENDERS if servers_for(s, urls)[0] == first.url][:6]
    with ThreadPoolExecutor(6) as pool:
        answered = list(pool.map(lambda sender: answered_by(client, sender), own_first))
    # All six belong to the first server; with it busy, the second took some.
    assert "second" in answered and "first" in answered
    assert client.routing.in_hand == {first.url: 0, second.url: 0}


def test_one_residents_messages_are_taken_one_at_a_time_across_servers(two_slow_rasas):
    first, second = two_slow_rasas
    client = RasaClient(f"{first.url},{second.url}")
    with ThreadPoolExecutor(8) as pool:
        # Two residents tapping fast: four messages each at once, others keeping both servers busy.
        list(pool.map(lambda sender: client.send(sender, "again"), ["web:a"] * 4 + ["web:b"] * 4))
    assert len(first.senders) + len(second.senders) == 8
    assert first.most_at_once == second.most_at_once == 1


def test_the_order_of_servers_is_a_senders_own_and_stable():
    servers = rasa_servers(" http://127.0.0.1:5005 ,http://127.0.0.1:5006,, ")
    assert servers == ["http://127.0.0.1:5005", "http://127.0.0.1:5006"]
    for sender in [*SENDERS, "", "\udcff", "সাহায্য"]:
        order = servers_for(sender, servers)
        assert sorted(order) == sorted(servers) and order == servers_for(sender, servers)
    assert servers_for("anyone", ["http://only"]) == ["http://only"]


@pytest.mark.parametrize("value", [" , ", "127.0.0.1:5005", "http://127.0.0.1:5005,ftp://elsewhere"])
def test_a_rasa_address_that_is_not_one_stops_start_up(environment, value):
    environment(RASA_URL=value)
    with pytest.raises(SettingsError, match="RASA_URL"):
        settings()


def test_several_rasa_addresses_are_read_as_given(environment):
    environment(RASA_URL="")  # blank is unset, as for every setting
    assert settings().rasa_url == "http://127.0.0.1:5005"
    environment(RASA_URL=" http://127.0.0.1:5005 , http://127.0.0.1:5006 ")
    assert settings().rasa_url == "http://127.0.0.1:5005,http://127.0.0.1:5006"
