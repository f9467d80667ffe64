"""A report filed in conversation reaches the council's casework system once, through the real
scheduler process, and the system's status change and notes reach the resident."""

from __future__ import annotations

import os
import re
import time

import pytest
from sqlalchemy import select

from community_safety.records.database import session_scope
from community_safety.records.models import Report
from deploy.processes import VENV_BIN, Process
from tests.open311_server import API_KEY


@pytest.fixture
def worker(casework_system, tmp_path):
    process = Process(
        "jobs",
        [str(VENV_BIN / "python"), "-m", "community_safety.jobs"],
        tmp_path,
        {
            "DATABASE_URL": os.environ["DATABASE_URL"],  # the action server's
            "OPEN311_ENDPOINT": casework_system.url,
            "OPEN311_API_KEY": API_KEY,
            "OPEN311_SEND_EVERY_SECONDS": "0.2",
            "OPEN311_FETCH_EVERY_SECONDS": "0.3",
        },
    )
    process.wait_for_log("Scheduler running:")
    yield process
    process.stop()


def eventually(check, seconds: float = 20):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.2)
    raise AssertionError("not within the time allowed")


def test_a_report_reaches_the_casework_system_once_and_its_update_reaches_the_resident(chat, casework_system, worker):
    chat.say("/file_report")
    for answer in ["people keep dumping rubbish and shouting in the car park", "Mile End Road", "yesterday",
                   "don't know", "no", "no", "no", "no", "yes", "no", "no files", "link it to me",
                   "no contact"]:  # fmt: skip
        chat.say(answer)
    reference = re.search(r"ASB-\d{4}-\d{5}", chat.text(chat.say("send"))).group(0)
    eventually(lambda: reference in casework_system.posted_references())
    time.sleep(1)  # several more sending rounds: it is not sent again
    assert casework_system.posted_references().count(reference) == 1
    posted = next(p for p in casework_system.posts if p["attribute[reference]"] == reference)
    assert posted["description"] == "people keep dumping rubbish and shouting in the car park"
    casework_system.set_status(
        casework_system.request_id_of(reference), "closed", "The rubbish was cleared and a warning letter sent."
    )

    def closed() -> bool:
        with session_scope() as db:
            return db.execute(select(Report.status).where(Report.reference == reference)).scalar_one() == "closed"

    eventually(closed)
    told = chat.text(chat.say("what's happening with my report?"))
    assert reference in told and "The rubbish was cleared and a warning letter sent." in told
