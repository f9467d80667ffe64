"""`make hosts`: the production profile on test hosts (deploy/hosts/), used as residents and a
caseworker would use it: residents chat and file reports through the edge, a caseworker signs in
and sees them, and nothing is reached over loopback across hosts. Prints, last, a line like
``hosts=8 messages=… replies=… reports_filed=… filed_twice=0 lost=0 loopback_listeners=0``."""

from __future__ import annotations

import argparse
import asyncio
import re
import sys
import time
import uuid
from dataclasses import dataclass

import requests
from sqlalchemy import select

from community_safety.records.database import session_scope
from community_safety.records.models import Report
from deploy.hosts.netns import HostsUnavailable
from deploy.hosts.stack import HostsStack, hosts_stack
from evaluation.residents import NO_LIMITS, Run, percentile, resident
from staff.queries import PAGE_SIZE as REPORTS_PAGE

CASEWORKER = "caseworker@council.example"


@dataclass
class Outcome:
    hosts: int
    messages: int
    replies: int
    reports_filed: int
    filed_twice: int
    lost: int
    loopback_listeners: int
    caseworker_saw: int
    messages_per_second: float = 0.0
    reply_p50_ms: float = 0.0
    reply_p95_ms: float = 0.0

    def line(self) -> str:
        return (
            f"hosts={self.hosts} messages={self.messages} replies={self.replies} "
            f"reports_filed={self.reports_filed} filed_twice={self.filed_twice} lost={self.lost} "
            f"loopback_listeners={self.loopback_listeners} caseworker_saw={self.caseworker_saw}"
        )

    def figures(self) -> str:
        return (
            f"{self.messages_per_second:.1f} messages/s, reply p50 {self.reply_p50_ms:.0f} ms, "
            f"p95 {self.reply_p95_ms:.0f} ms"
        )


def chat(stack: HostsStack, run_id: str, residents: int, conversations: int, think: float = 0.0) -> Run:
    """Residents at once through the edge, each with its own cookie: reports and signposting."""
    run = Run()

    async def everyone() -> None:
        await asyncio.gather(
            *(resident(stack.plan.public, f"{run_id}r{n}", conversations, run, think) for n in range(residents))
        )

    started = time.perf_counter()
    asyncio.run(everyone())
    run.seconds = time.perf_counter() - started
    return run


def filed_by(database_url: str, prefix: str) -> dict[str, int]:
    """Reports whose words begin with ``prefix``, counted by conversation token (the words before ":")."""
    with session_scope(database_url) as db:
        descriptions = db.execute(select(Report.description).where(Report.description.like(f"{prefix}%"))).scalars()
        counts: dict[str, int] = {}
        for description in descriptions:
            token = description.split(":")[0]
            counts[token] = counts.get(token, 0) + 1
        return counts


def expected_tokens(run: Run) -> list[str]:
    """The conversations that filed a report: every other one, from the first (evaluation/residents.py)."""
    return [f"{token}c{number}" for token, filed in run.filed.items() for number in range(0, filed * 2, 2)]


def sign_in(base: str, email: str, password: str) -> requests.Session:
    """A caseworker signed in to the staff site at ``base`` (the edge, or one web host)."""
    session = requests.Session()
    page = session.get(f"{base}/staff/sign-in", timeout=30).text
    tag = re.search(r'<input[^>]*name="csrf_token"[^>]*>', page).group(0)
    token = re.search(r'value="([^"]+)"', tag).group(1)
    signed_in = session.post(
        f"{base}/staff/sign-in",
        data={"email": email, "password": password, "csrf_token": token},
        timeout=60,
        allow_redirects=False,
    )
    if signed_in.status_code != 302:
        raise RuntimeError(f"the caseworker could not sign in: {signed_in.status_code}")
    return session


def caseworker_sees(stack: HostsStack, password: str, reports: int) -> str:
    """A caseworker signs in through the edge; the reports list's pages as they see them."""
    session = sign_in(stack.plan.public, CASEWORKER, password)
    pages = reports // REPORTS_PAGE + 1
    return "".join(
        session.get(f"{stack.plan.public}/staff/reports", params={"page": n}, timeout=60).text
        for n in range(1, pages + 1)
    )


def loopback_listeners(stack: HostsStack) -> list[str]:
    """Servers that only their own host could reach: a setting still saying 127.0.0.1."""
    found = []
    for host in stack.plan.hosts:
        for address in stack.hosts.listeners(host):
            if address.startswith(("127.", "[::1]", "::1")):
                found.append(f"{host} {address}")
    return found


def rehearse(stack: HostsStack, residents: int, conversations: int, think: float = 0.0) -> Outcome:
    run_id = uuid.uuid4().hex[:8]
    password = uuid.uuid4().hex
    made = {"STAFF_PASSWORD": password}
    stack.staff_admin("web-1", "create-user", "--email", CASEWORKER, "--role", "caseworker", env=made)
    run = chat(stack, run_id, residents, conversations, think)
    filed = filed_by(stack.owner_database_url, f"{run_id}r")
    expected = expected_tokens(run)
    with session_scope(stack.owner_database_url) as db:
        references = list(db.execute(select(Report.reference).where(Report.description.like(f"{run_id}r%"))).scalars())
    page = caseworker_sees(stack, password, len(references))
    return Outcome(
        hosts=len(stack.plan.hosts),
        messages=run.messages,
        replies=run.messages - run.errors,
        reports_filed=sum(filed.values()),
        filed_twice=sum(1 for token in expected if filed.get(token, 0) > 1),
        lost=sum(1 for token in expected if filed.get(token, 0) == 0),
        loopback_listeners=len(loopback_listeners(stack)),
        caseworker_saw=sum(1 for reference in references if reference in page),
        messages_per_second=run.messages / run.seconds,
        reply_p50_ms=percentile(run.latencies, 0.5) * 1000,
        reply_p95_ms=percentile(run.latencies, 0.95) * 1000,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--residents", type=int, default=8)
    parser.add_argument("--conversations", type=int, default=2, help="each resident's, reports and signposting")
    parser.add_argument("--think", type=float, default=0.0, help="seconds residents pause between messages")
    parser.add_argument("--application-hosts", type=int, default=2, help="hosts of each kind: Rasa, actions, web")
    args = parser.parse_args(argv)
    try:
        stack = hosts_stack(
            extra_env=NO_LIMITS, chat_requests_per_second=100000, application_hosts=args.application_hosts
        )
    except HostsUnavailable as error:
        print(f"Not run: {error}", file=sys.stderr)  # noqa: T201
        return 2
    try:
        print(f"Test hosts on {stack.plan.network}; starting the stack (logs: {stack.log_dir})", flush=True)  # noqa: T201
        stack.start_all()
        outcome = rehearse(stack, args.residents, args.conversations, args.think)
    finally:
        stack.stop()
    print(f"{args.application_hosts} application host(s) of each kind: {outcome.figures()}")  # noqa: T201
    print(outcome.line())  # noqa: T201
    return 0 if outcome.filed_twice == outcome.lost == outcome.loopback_listeners == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
