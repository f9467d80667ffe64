"""Simulated residents for the load benchmarks (`make load`, evaluation/load.py and handoff.py):
each talks through the widget's endpoint with its own cookie, a report or a signposting conversation
at a time, pausing as people do; and the stacks they talk to."""

from __future__ import annotations

import asyncio
import random
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from deploy import local_stack

WHENS = ["today", "yesterday", "3 days ago", "last week"]
SIGNPOSTING = ["someone is sleeping rough in the doorway of the shops", "no", "no"]
NO_LIMITS = {"WIDGET_RATE_PER_SESSION": "1000000", "WIDGET_RATE_PER_ADDRESS": "1000000"}


def report_script(token: str, when: str) -> list[str]:
    return [
        "/file_report",
        f"{token}: loud music and shouting on the landing",
        "Roman Road",
        when,
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
        "send",
    ]


@dataclass
class Run:
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    messages: int = 0
    filed: dict[str, int] = field(default_factory=dict)  # resident token -> reports they filed
    seconds: float = 0.0
    upload_seconds: list[float] = field(default_factory=list)  # --uploads: each file's send, to the reply
    uploads_ok: int = 0


async def resident(
    base: str, token: str, conversations: int, run: Run, think: float = 0.0, together: bool = False
) -> None:
    chooser = random.Random(token)  # the same pauses on every run
    if think and not together:
        # People don't all start at the same second: each arrives within the first pause.
        await asyncio.sleep(chooser.uniform(0, think))
    async with httpx.AsyncClient(base_url=base, timeout=120) as client:  # its own cookie: its own conversation
        for number in range(conversations):
            reporting = number % 2 == 0
            script = report_script(f"{token}c{number}", WHENS[(number // 2) % len(WHENS)]) if reporting else SIGNPOSTING
            for message in script:
                started = time.perf_counter()
                try:
                    response = await client.post("/chat/messages", json={"message": message})
                    ok = response.status_code == 200 and not response.json().get("degraded")
                except (httpx.HTTPError, ValueError):
                    ok = False
                run.latencies.append(time.perf_counter() - started)
                run.messages += 1
                run.errors += 0 if ok else 1
                if think:
                    await asyncio.sleep(chooser.uniform(0.5, 1.5) * think)
            if reporting:
                run.filed[token] = run.filed.get(token, 0) + 1


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def stack_for(profile: str, extra_env: dict[str, str]) -> local_stack.Stack:
    """prod-N: the production profile with N replicas; sqlite: `make run`'s."""
    log_dir = Path(tempfile.mkdtemp(prefix=f"load-{profile}-"))
    if profile.startswith("prod-"):
        replicas = int(profile.split("-")[1])
        return local_stack.production(log_dir, replicas=replicas, extra_env=extra_env, chat_requests_per_second=100000)
    return local_stack.default(log_dir, extra_env=extra_env)
