"""Faults in the production profile: nothing a resident has told us is lost."""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

import requests
from sqlalchemy import create_engine, text

from tests.stack import Conversation

REPORT = [
    "/file_report",
    "someone keeps dumping rubbish bags on our landing",
    "Ocean Estate",
    "last night",
    "don't know",
    "no",
    "no",
    "no",
    "no",
    "yes",
    "no",
    "no files",
    "link it to me",
    "no contact",
]


def reports_by(stack, sender: str) -> list[str]:
    engine = create_engine(stack.database_url)
    with engine.connect() as connection:
        return [
            row[0]
            for row in connection.execute(
                text(
                    "SELECT reports.reference FROM reports JOIN residents ON reports.resident_id = residents.id "
                    "WHERE residents.channel_user_id = :sender"
                ),
                {"sender": sender},
            )
        ]


def test_the_replicas_share_one_conversation(production):
    chat = Conversation(production.rasa)
    texts = [chat.text(chat.say(message)) for message in REPORT[:4]]
    # Round-robin: consecutive messages went to different replicas, yet the form went on.
    assert "When did it happen?" in texts[3] or "Who was involved?" in texts[3]


def test_a_replica_killed_mid_report_the_conversation_goes_on(production):
    chat = Conversation(production.rasa)
    for message in REPORT[:3]:
        chat.say(message)
    production.kill("rasa1")
    try:
        replies = [chat.text(chat.say(message)) for message in REPORT[3:]]
        assert "Is this right?" in replies[-1]
        reference = re.search(r"ASB-\d{4}-\d{5}", chat.text(chat.say("send"))).group(0)
        assert reports_by(production, chat.user) == [reference]
    finally:
        production.start("rasa1")
        production.wait("rasa1")


def test_redis_down_gets_an_apology_and_the_form_resumes_when_it_is_back(production):
    resident = requests.Session()
    url = f"{production.public}/chat/messages"
    resident.post(url, json={"message": "/file_report"}, timeout=60)
    resident.post(url, json={"message": "people shouting on the stairs every night"}, timeout=60)
    production.redis.stop()
    try:
        response = resident.post(url, json={"message": "Roman Road"}, timeout=90)
        assert response.status_code == 200
        [reply] = response.json()["replies"]
        assert "999" in reply["text"] and "101" in reply["text"]
    finally:
        production.redis.start()
    response = resident.post(url, json={"message": "Roman Road"}, timeout=60)
    assert "When did it happen?" in " ".join(r["text"] for r in response.json()["replies"])


def test_everything_restarted_an_open_form_resumes(production):
    chat = Conversation(production.rasa)
    for message in REPORT[:3]:
        chat.say(message)
    for name in ("rasa1", "rasa2", "actions1", "actions2"):
        production.processes[name].stop()
    for name in ("rasa1", "rasa2", "actions1", "actions2"):
        production.start(name)
    for name in ("rasa1", "rasa2", "actions1", "actions2"):
        production.wait(name)
    # The next answer is taken as the answer to the question the form was on.
    assert "Who was involved?" in chat.text(chat.say("last night"))


def test_only_the_public_server_is_reachable_on_its_port(production):
    # The widget and staff site answer through nginx; Rasa's API is not published there.
    assert requests.get(f"{production.public}/widget.js", timeout=10).ok
    assert requests.get(f"{production.public}/staff/sign-in", timeout=10).ok
    assert requests.get(f"{production.public}/webhooks/rest/webhook", timeout=10).status_code == 404


def test_rasa_reads_the_database_password_from_the_environment(tmp_path, monkeypatch):
    # The fault tests' PostgreSQL trusts loopback, so a password Rasa failed to expand would pass
    # unnoticed there; Rasa would then fall back to keeping conversations in memory.
    from rasa.utils.endpoints import read_endpoint_config

    from deploy.profile import Profile

    Profile(out=tmp_path).write()
    monkeypatch.setenv("PROD_DB_PASSWORD", "s3cret-from-env")
    tracker = read_endpoint_config(str(tmp_path / "endpoints.yml"), "tracker_store")
    assert tracker.kwargs["password"] == "s3cret-from-env"
    assert "s3cret" not in (tmp_path / "endpoints.yml").read_text()


def test_rasas_api_is_not_served_and_the_widget_still_shows_the_conversation(production):
    # Rasa's HTTP API could read and change any conversation: not served, so no token to guard it
    # sits on a command line; the council channel is the only way in.
    for path in ("/conversations/web:someone/tracker", "/status", "/model/parse", "/version"):
        assert requests.get(f"{production.rasa}{path}", timeout=10).status_code == 404, path
    resident = requests.Session()
    resident.post(f"{production.public}/chat/messages", json={"message": "my car was broken into"}, timeout=60)
    shown = resident.get(f"{production.public}/chat/messages", timeout=30).json()["messages"]
    assert shown[0] == {"from": "resident", "text": "my car was broken into", "buttons": []}


def test_a_flood_of_sign_ins_is_turned_away_while_a_resident_chats(production):
    from concurrent.futures import ThreadPoolExecutor

    def sign_in(number: int) -> int:
        data = {"email": f"guess{number}@council.example", "password": "guess"}
        return requests.post(f"{production.public}/staff/sign-in", data=data, timeout=30).status_code

    chat = requests.Session()
    with ThreadPoolExecutor(max_workers=16) as pool:
        flood = pool.map(sign_in, range(60))
        answers = [
            chat.post(f"{production.public}/chat/messages", json={"message": words}, timeout=30)
            for words in ("hello", "my neighbours are noisy every night", "no")
        ]
        statuses = list(flood)
    assert all(answer.ok and not answer.json()["degraded"] for answer in answers)
    assert statuses.count(429) >= 40  # nginx turns most away before any password is checked


def test_no_secret_is_on_any_command_line(production):
    # Anyone on the machine can read every process's command line (ps): secrets go by environment.
    from deploy.launch import SECRETS

    every = {**os.environ, **production.env}
    secrets = [every[name] for name in SECRETS if every.get(name) and "://" not in every[name]]
    secrets += [p.read_text().strip() for p in production.log_dir.glob("*-secret") if p.is_file()]
    assert len(secrets) >= 10
    command_lines = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            command_lines.append(cmdline.read_bytes().replace(b"\0", b" ").decode(errors="replace"))
        except OSError:
            continue  # a process that ended meanwhile
    assert any("deploy.rasa_server" in line for line in command_lines)
    leaked = [line[:80] for line in command_lines if any(secret in line for secret in secrets)]
    assert leaked == []


def _environment(pid: int) -> dict[str, str]:
    pairs = (Path(f"/proc/{pid}/environ").read_bytes().decode(errors="replace")).split("\0")
    return dict(pair.split("=", 1) for pair in pairs if "=" in pair)


# What each kind of process must hold, and nothing else of the secrets (deploy/launch.py).
OWN_SECRETS = {
    "rasa": {"PROD_DB_PASSWORD", "ACTION_SERVER_SECRET", "WEB_CHANNEL_SECRET", "TELEGRAM_CHANNEL_SECRET"},
    "actions": {"ACTION_SERVER_SECRET", "SUBMISSION_KEY_SECRET", "DATABASE_URL", "PGPASSWORD"},
    "web": {
        "WEB_SECRET_KEY",
        "STAFF_SECRET_KEY",
        "WEB_CHANNEL_SECRET",
        "DATABASE_URL",
        "TRACKER_DATABASE_URL",
        "PGPASSWORD",
    },  # fmt: skip
    "jobs": {"OPEN311_API_KEY", "DATABASE_URL", "TRACKER_DATABASE_URL", "PGPASSWORD"},
    "nginx": set(),
    "telegram": {"TELEGRAM_BOT_TOKEN", "TELEGRAM_CHANNEL_SECRET", "DATABASE_URL", "TRACKER_DATABASE_URL", "PGPASSWORD"},
}


def test_each_process_holds_only_its_own_secrets(production):
    from deploy.launch import SECRETS
    from deploy.processes import Process
    from deploy.profile import TELEGRAM_COMMAND
    from tests.production.conftest import EVERY_SECRET

    starter = production.env
    assert set(EVERY_SECRET) <= set(starter) and "PROD_DB_PASSWORD" in starter
    held = {}
    for name, process in production.processes.items():
        kind = name.rstrip("0123456789")
        environment = _environment(process.popen.pid)
        held[name] = {k for k in environment if k in SECRETS}
        assert held[name] == OWN_SECRETS[kind], name
        # The owner's password only in Rasa; the scheduler with its role's, the services with theirs.
        assert (starter["PROD_DB_PASSWORD"] in environment.values()) == (kind == "rasa"), name
        if "PGPASSWORD" in environment:
            role = "PROD_DB_JOBS_PASSWORD" if kind == "jobs" else "PROD_DB_SERVICES_PASSWORD"
            assert environment["PGPASSWORD"] == starter[role], name
    assert {name.rstrip("0123456789") for name in held} == {"rasa", "actions", "web", "jobs", "nginx"}
    # The internet-facing Telegram bridge, started as the Procfile starts it (here its command
    # stands in for the bridge with a pause: no Bot API is needed to read what it was given).
    bridge = Process(
        "bridge", ["/bin/sh", "-c", f"exec {TELEGRAM_COMMAND.split(' -- ')[0]} -- /bin/sleep 30"],
        production.log_dir, starter,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 20
        # Until the launcher has handed over (exec): then the process is the pause itself.
        while not Path(f"/proc/{bridge.popen.pid}/cmdline").read_text(errors="replace").startswith("/bin/sleep"):
            assert time.monotonic() < deadline
            time.sleep(0.05)
        environment = _environment(bridge.popen.pid)
    finally:
        bridge.stop()
    assert {k for k in environment if k in SECRETS} == OWN_SECRETS["telegram"]
    assert starter["STAFF_SECRET_KEY"] not in environment.values()
    assert starter["PROD_DB_PASSWORD"] not in environment.values()
