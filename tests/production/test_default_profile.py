"""`make run`'s profile with two Rasa servers (RASA_PROCESSES=2) sharing one SQLite conversation
store: residents on each server, each server killed in turn in the middle of their reports, and
every report filed once, from where each resident was."""

from __future__ import annotations

import re

from sqlalchemy import create_engine, text

from bot.rasa_client import RasaClient, servers_for
from deploy.local_stack import default as default_stack
from tests.production.test_faults import REPORT


def test_two_rasa_servers_on_sqlite_each_killed_in_turn_mid_report(environment, tmp_path):
    environment(DATA_DIR=str(tmp_path))  # the channel's secret, kept where the stack keeps it
    stack = default_stack(tmp_path, rasa_processes=2).start_all()
    try:
        servers = stack.rasa.split(",")
        assert set(stack.commands) >= {"rasa1", "rasa2"} and len(servers) == 2
        # Two residents whose own server is the first, two the second (as the web server sends them).
        senders = [f"web:resident-{n}" for n in range(40)]
        residents = [s for s in senders if servers_for(s, servers)[0] == servers[0]][:2]
        residents += [s for s in senders if servers_for(s, servers)[0] == servers[1]][:2]
        client = RasaClient(stack.rasa)

        def say(resident: str, message: str) -> str:
            return "\n".join(reply.text for reply in client.send(resident, message))

        for resident in residents:
            for message in REPORT[:3]:
                say(resident, message)
        stack.kill("rasa1")
        for resident in residents:
            # The first two's own server is down: the other carries on from the question they were at.
            assert "Who was involved?" in say(resident, REPORT[3])
            for message in REPORT[4:7]:
                say(resident, message)
        stack.start("rasa1")
        stack.wait("rasa1")
        stack.kill("rasa2")
        references = []
        for resident in residents:
            replies = [say(resident, message) for message in REPORT[7:]]
            assert "Is this right?" in replies[-1]
            references.append(re.search(r"ASB-\d{4}-\d{5}", say(resident, "send")).group(0))
        with create_engine(stack.database_url).connect() as connection:
            filed = [row[0] for row in connection.execute(text("SELECT reference FROM reports"))]
        assert sorted(filed) == sorted(references) and len(set(references)) == len(residents)
    finally:
        stack.stop()
