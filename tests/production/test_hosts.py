"""The production profile on eight test hosts (network namespaces on this machine, deploy/hosts/):
real PostgreSQL, Redis, object store, Rasa, action and web servers and nginx, each on its own host,
reached only over the test network. Residents chat and file reports through the edge, a caseworker
signs in and sees them; then one Rasa host, one action-server host and one web host go away in turn
in the middle of residents' reports."""

from __future__ import annotations

import re

import httpx
import pytest

from deploy.hosts.stack import hosts_stack
from evaluation.hosts import filed_by, loopback_listeners, rehearse
from evaluation.residents import NO_LIMITS
from tests.production.test_faults import REPORT


@pytest.fixture(scope="module")
def hosts(tmp_path_factory):
    stack = hosts_stack(tmp_path_factory.mktemp("hosts"), extra_env=NO_LIMITS)
    try:
        yield stack.start_all()
    finally:
        stack.stop()


def test_residents_and_a_caseworker_across_hosts(hosts):
    outcome = rehearse(hosts, residents=4, conversations=2)
    assert outcome.hosts == 8
    assert outcome.messages == outcome.replies > 0
    assert outcome.reports_filed == 4 and outcome.filed_twice == outcome.lost == 0
    assert outcome.caseworker_saw == 4
    assert loopback_listeners(hosts) == [] and outcome.loopback_listeners == 0


def test_every_server_listens_on_its_own_hosts_address_only(hosts):
    plan = hosts.plan
    for host, ports in {
        "data": {5432, 6379, 9000},
        "edge": {8080, 5005, 5055},
        "rasa-1": {5005},
        "actions-2": {5055},
        "web-2": {8000},
    }.items():
        listening = hosts.hosts.listeners(host)
        assert {f"{plan.address(host)}:{port}" for port in ports} <= set(listening), (host, listening)


class Resident:
    """A resident on the widget through the edge, with their own cookie. Sends a message; when the
    answer is the stack's "please try again", sends it again, as a resident would (and counts it)."""

    def __init__(self, public: str, number: int):
        self.client = httpx.Client(base_url=public, timeout=120)
        self.token = f"hostfault{number}"
        self.tried_again = 0

    def say(self, message: str) -> str:
        for _ in range(2):
            answer = self.client.post("/chat/messages", json={"message": message}).json()
            if not answer["degraded"]:
                return "\n".join(reply.get("text") or "" for reply in answer["replies"])
            self.tried_again += 1
        raise AssertionError(f"{self.token}: still degraded after trying again")


def test_a_rasa_an_action_and_a_web_host_go_away_in_turn_mid_report(hosts):
    residents = [Resident(hosts.plan.public, n) for n in range(4)]
    script = [REPORT[0], f"{{token}}: {REPORT[1]}", *REPORT[2:]]
    for resident in residents:
        for message in script[:3]:
            resident.say(message.format(token=resident.token))

    hosts.hosts.kill_host("rasa-1")  # its power goes: every process on it, at once
    for resident in residents:
        assert "Who was involved?" in resident.say(script[3])  # from the question they were at
        resident.say(script[4])
    hosts.start("rasa-1")
    hosts.wait("rasa-1")

    hosts.hosts.unplug("actions-1")  # its link goes: the server runs on, unreachable
    try:
        for resident in residents:
            for message in script[5:8]:
                resident.say(message)
    finally:
        hosts.hosts.plug_in("actions-1")

    hosts.hosts.kill_host("web-1")  # the web server and the scheduler with it
    replies = {resident.token: [resident.say(message) for message in script[8:]] for resident in residents}
    assert all("Is this right?" in said[-1] for said in replies.values()), replies
    references = [re.search(r"ASB-\d{4}-\d{5}", resident.say("send")).group(0) for resident in residents]

    assert len(set(references)) == len(residents)
    filed = filed_by(hosts.owner_database_url, "hostfault")
    assert filed == {resident.token: 1 for resident in residents}  # each once: none lost, none twice
    assert all(resident.tried_again <= 1 for resident in residents)
