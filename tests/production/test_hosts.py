"""The production profile on eight test hosts (network namespaces on this machine, deploy/hosts/):
real PostgreSQL, Redis, object store, Rasa, action and web servers and nginx, each on its own host,
reached only over the test network. Residents chat and file reports through the edge, a caseworker
signs in and sees them; then Rasa, action-server and web hosts go away in turn (killed, or their
link down) in the middle of residents' reports, and the data host is unreachable for 30 seconds."""

from __future__ import annotations

import os
import re
import time

import httpx
import pytest

from deploy.hosts.stack import hosts_stack
from evaluation.hosts import filed_by, loopback_listeners, rehearse
from evaluation.residents import NO_LIMITS
from tests.production.test_faults import REPORT


@pytest.fixture(scope="module")
def hosts(tmp_path_factory):
    if os.geteuid() != 0:  # CI and `make hosts` run as root; a developer's own account can't make namespaces
        pytest.skip("test hosts are network namespaces: run as root")
    stack = hosts_stack(tmp_path_factory.mktemp("hosts"), extra_env=NO_LIMITS, chat_requests_per_second=100000)
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

    def __init__(self, public: str, number: int, words: str = "hostfault"):
        self.client = httpx.Client(base_url=public, timeout=120)
        self.token = f"{words}{number}"
        self.tried_again = 0

    def say(self, message: str) -> str:
        for _ in range(2):
            response = self.client.post("/chat/messages", json={"message": message})
            assert response.headers.get("content-type", "").startswith("application/json"), (
                f"{self.token} {message!r}: HTTP {response.status_code} {response.text[:200]}"
            )
            answer = response.json()
            if not answer["degraded"]:
                return "\n".join(reply.get("text") or "" for reply in answer["replies"])
            self.tried_again += 1
        raise AssertionError(f"{self.token}: still degraded after trying again")


def test_a_photo_sent_through_one_web_host_is_opened_by_a_caseworker_through_the_other(hosts):
    """Evidence is kept where every host reaches it (the object store on the data host): a resident
    on web-1 files a report and sends a photo with it; a caseworker signed in on web-2 opens it,
    cleaned of its location."""
    from sqlalchemy import select

    from community_safety.records.database import session_scope
    from community_safety.records.models import Evidence
    from deploy.hosts.plan import EVIDENCE_BUCKET, WEB_PORT
    from evaluation.hosts import CASEWORKER, sign_in
    from tests.community_safety.evidence import files

    web_1, web_2 = (f"http://{hosts.plan.address(host)}:{WEB_PORT}" for host in ("web-1", "web-2"))
    resident = Resident(web_1, 0, words="hostphoto")
    for message in [REPORT[0], f"{resident.token}: {REPORT[1]}", *REPORT[2:]]:
        resident.say(message)
    reference = re.search(r"ASB-\d{4}-\d{5}", resident.say("send")).group(0)
    photo = files.photo_with_gps()
    sent = resident.client.post("/chat/evidence", files={"file": ("door.jpg", photo)})
    assert sent.status_code == 200, sent.text
    assert f"added your photo to report {reference}" in sent.json()["replies"][0]["text"]
    with session_scope(hosts.owner_database_url) as db:
        evidence = db.execute(select(Evidence).order_by(Evidence.id.desc())).scalars().first()
        key, public_id = evidence.file_key, evidence.public_id
    assert hosts.object_store().head_object(Bucket=EVIDENCE_BUCKET, Key=key)["ContentLength"] > 0
    assert not [path for path in (hosts.plan.out / "web-1" / "data").rglob("*") if path.is_file()]

    password = "a caseworker's long password"
    hosts.staff_admin("web-2", "create-user", "--email", f"photo.{CASEWORKER}", "--role", "caseworker",
                      env={"STAFF_PASSWORD": password})  # fmt: skip
    caseworker = sign_in(web_2, f"photo.{CASEWORKER}", password)
    opened = caseworker.get(f"{web_2}/staff/reports/{reference}/evidence/{public_id}/file", timeout=60)
    assert opened.status_code == 200 and opened.headers["content-type"] == "image/jpeg"
    assert len(opened.content) > 1000 and opened.content != photo  # the cleaned copy, not what was sent


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

    hosts.hosts.unplug("rasa-2")  # its link goes: connections to it are never answered
    try:
        for resident in residents:
            resident.say(script[5])
    finally:
        hosts.hosts.plug_in("rasa-2")

    hosts.hosts.unplug("actions-1")  # the server runs on, unreachable
    try:
        for resident in residents:
            for message in script[6:8]:
                resident.say(message)
    finally:
        hosts.hosts.plug_in("actions-1")

    hosts.hosts.unplug("web-2")  # nginx tries it for 2 s, then web-1
    try:
        for resident in residents:
            resident.say(script[8])
    finally:
        hosts.hosts.plug_in("web-2")
    time.sleep(6)  # the edge tries a failed web host again after 5 s (fail_timeout): faults in turn, not at once

    hosts.hosts.kill_host("web-1")  # the web server and the scheduler with it
    replies = {resident.token: [resident.say(message) for message in script[9:]] for resident in residents}
    assert all("Is this right?" in said[-1] for said in replies.values()), replies
    references = [re.search(r"ASB-\d{4}-\d{5}", resident.say("send")).group(0) for resident in residents]

    assert len(set(references)) == len(residents)
    filed = filed_by(hosts.owner_database_url, "hostfault")
    assert filed == {resident.token: 1 for resident in residents}  # each once: none lost, none twice
    assert all(resident.tried_again <= 1 for resident in residents)


def test_the_data_host_unreachable_for_30_seconds_then_nothing_lost(hosts):
    """Every other part is up, but none can reach PostgreSQL or Redis: the resident is told their
    message wasn't read, 999 first; once the data host is back, they send it again and go on from
    the question they were at."""
    resident = Resident(hosts.plan.public, 9)
    script = [REPORT[0], f"{resident.token}: {REPORT[1]}", *REPORT[2:]]
    for message in script[:4]:
        resident.say(message)
    hosts.hosts.unplug("data")
    try:
        started = time.monotonic()
        answer = resident.client.post("/chat/messages", json={"message": script[4]})
        waited = time.monotonic() - started
        assert answer.status_code == 200 and answer.json()["degraded"], answer.text[:300]
        said = answer.json()["replies"][0]["text"]
        assert "haven't been able to read your message" in said and said.index("999") < said.index("101")
        assert waited < 45  # well inside nginx's 60 s: an answer, not a gateway's error page
        time.sleep(max(0.0, 30 - (time.monotonic() - started)))
    finally:
        hosts.hosts.plug_in("data")
    replies = [resident.say(message) for message in script[4:]]  # as they were asked: again
    assert resident.tried_again == 0  # no message after the outage failed on a connection it left dead
    assert "Do you feel you're being targeted?" in replies[0]  # the next question: nothing lost
    assert "Is this right?" in replies[-1]
    assert re.search(r"ASB-\d{4}-\d{5}", resident.say("send"))
    assert filed_by(hosts.owner_database_url, resident.token) == {resident.token: 1}
