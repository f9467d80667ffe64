"""`make load`: simulated residents holding whole conversations at once (signposting, and full
reports through to a reference) through the chat endpoint, against the production profile
with one and with two replicas, and against the default single-process SQLite profile.

Prints throughput, reply latency p50/p95/p99 and errors for each, the scaling from one replica
to two, and then checks that every report was filed exactly once and counts toward the case
review. With ``--with-open311``, each profile runs again with a casework system to send to (an
Open311 peer on loopback, tests/open311_server.py, and the worker process), to show what sending
adds to residents' replies, and checks every report reached it once.
With ``--think SECONDS``, residents arrive at random within the first pause and pause between messages
(a random 0.5 to 1.5 times that), as people do: an open loop, whose reply times are what a resident
waits on a busy evening.
``--turns N`` measures one long conversation instead: the reply time at turn 5 and at turn N (the
median of the five turns around each, over ``--repeat`` conversations), so a cost that grows with the
conversation shows.
``--handoff``: residents handed to caseworkers while others chat with the bot (evaluation/handoff.py).
``--uploads N``: N more residents each send a video of ``--upload-mb`` MB (15) through the widget's
attach button while the others chat: the chat's reply times beside the uploads' own, and a check
that every upload was kept once (one record, one stored file).
A benchmark, not a test: its figures go in docs/deployment.md with this command."""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import subprocess
import tempfile
import time
import uuid
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import httpx
from sqlalchemy import select

from community_safety.case_review import default_rules
from community_safety.evidence.storage import FolderStore
from community_safety.records.database import session_scope
from community_safety.records.models import Evidence, Report
from community_safety.records.reports import standing_of
from deploy import local_stack
from evaluation.residents import NO_LIMITS, SIGNPOSTING, WHENS, Run, percentile, report_script, resident, stack_for


async def load(
    base: str,
    residents: int,
    conversations: int,
    run_id: str,
    think: float = 0.0,
    together: bool = False,
    upload: bytes | None = None,
    uploads: int = 0,
) -> Run:
    run = Run()
    with ProcessPoolExecutor(max_workers=max(1, uploads)) as pool:
        started = time.perf_counter()
        await asyncio.gather(
            *(resident(base, f"{run_id}r{i}", conversations, run, think, together) for i in range(residents)),
            *(uploader(pool, base, f"{run_id}u{i}", upload, run, think) for i in range(uploads if upload else 0)),
        )
        run.seconds = time.perf_counter() - started
    return run


def video_of(megabytes: float) -> bytes:
    """A real MP4 of about this size (ffmpeg's test picture at a steady high bit rate), as a phone would send."""
    seconds = 10
    rate = str(int(megabytes * 8_000_000 / seconds))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "stairwell.mp4"
        subprocess.run(
            ["ffmpeg", "-loglevel", "error", "-f", "lavfi", "-i", "testsrc=size=1280x720:rate=25", "-t", str(seconds),
             # Noise, so the picture can't be squeezed below the rate: a phone video's size.
             "-vf", "noise=alls=60:allf=t+u", "-c:v", "mpeg4", "-b:v", rate, "-minrate", rate, "-maxrate", rate,
             "-bufsize", rate, str(path)],
            check=True,
        )  # fmt: skip
        return path.read_bytes()


def upload_once(base: str, token: str, data: bytes, think: float) -> tuple[float, bool]:
    """A resident who says what happened, then sends their video with the widget's attach button
    (in a process of its own, as on a phone of its own: sending 15 MB does not hold up the load's
    other residents, whose reply times are what is measured)."""
    # Sent at some point while the others are chatting (their conversations last about 20 pauses).
    time.sleep(random.Random(token).uniform(0, 10 * (think or 2.0)))
    with httpx.Client(base_url=base, timeout=300) as client:
        client.post("/chat/messages", json={"message": f"{token}: the lads in the stairwell again, I filmed it"})
        started = time.perf_counter()
        try:
            response = client.post("/chat/evidence", files={"file": ("stairwell.mp4", data, "video/mp4")})
            ok = response.status_code == 200 and "I've got your video" in " ".join(
                reply.get("text") or "" for reply in response.json().get("replies") or []
            )
        except (httpx.HTTPError, ValueError):
            ok = False
        return time.perf_counter() - started, ok


async def uploader(pool: ProcessPoolExecutor, base: str, token: str, data: bytes, run: Run, think: float) -> None:
    seconds, ok = await asyncio.get_running_loop().run_in_executor(pool, upload_once, base, token, data, think)
    run.upload_seconds.append(seconds)
    run.uploads_ok += int(ok)


def check_uploads(stack: local_stack.Stack, before: int, run: Run) -> list[str]:
    """Problems found: each upload answered kept once, as one record and one stored file."""
    with session_scope(stack.database_url) as db:
        public_ids = list(db.execute(select(Evidence.public_id)).scalars())
    kept = {key.split("/")[0] for key, _ in FolderStore(Path(stack.env["DATA_DIR"]) / "evidence").listing()}
    problems = []
    if len(public_ids) - before != run.uploads_ok:
        problems.append(f"{len(public_ids) - before} uploads recorded, {run.uploads_ok} answered as kept")
    if len(run.upload_seconds) != run.uploads_ok:
        problems.append(f"{len(run.upload_seconds) - run.uploads_ok} uploads not kept")
    if len(kept) != len(public_ids):
        problems.append(f"{len(kept)} files stored for {len(public_ids)} records")
    return problems


async def long_conversation(base: str, token: str, turns: int) -> list[float]:
    """One resident's reply times, turn by turn, through reports and signposting one after another."""
    script: list[str] = []
    number = 0
    while len(script) < turns:
        script += report_script(f"{token}c{number}", WHENS[number % len(WHENS)]) + SIGNPOSTING
        number += 1
    times = []
    async with httpx.AsyncClient(base_url=base, timeout=120) as client:
        for message in script[:turns]:
            started = time.perf_counter()
            response = await client.post("/chat/messages", json={"message": message})
            times.append(time.perf_counter() - started)
            if response.status_code != 200 or response.json().get("degraded"):
                raise RuntimeError(f"turn {len(times)} was not answered: {response.status_code}")
    return times


def measure_length(stack: local_stack.Stack, turns: int, repeat: int) -> dict:
    run_id = "long" + uuid.uuid4().hex[:8]
    try:
        stack.start_all()
        asyncio.run(load(stack.public, 1, 1, run_id + "warm"))
        runs = [asyncio.run(long_conversation(stack.public, f"{run_id}r{i}", turns)) for i in range(repeat)]
    finally:
        stack.stop()

    def around(turn: int) -> float:
        return statistics.median(t for times in runs for t in times[max(0, turn - 3) : turn + 2])

    early, late = around(5), around(turns)
    print(
        f"one conversation of {turns} turns ({repeat} times): reply at turn 5 {early * 1000:.0f} ms, "
        f"at turn {turns} {late * 1000:.0f} ms: x{late / early:.2f}",
        flush=True,
    )
    return {"turn 5": early, f"turn {turns}": late, "ratio": late / early}


def check_reports(database_url: str, run_id: str, run: Run) -> list[str]:
    """Problems found: each report once, and each resident's count toward the case review."""
    problems = []
    rules = default_rules()
    with session_scope(database_url) as db:
        reports = list(db.execute(select(Report).where(Report.description.like(f"{run_id}r%"))).scalars())
        by_conversation: dict[str, list[Report]] = {}
        for report in reports:
            by_conversation.setdefault(report.description.split(":")[0], []).append(report)
        for token, filed in run.filed.items():
            for number in range(0, filed * 2, 2):
                found = by_conversation.get(f"{token}c{number}", [])
                if len(found) != 1:
                    problems.append(f"{token}c{number}: {len(found)} reports filed")
            mine = [r for key, rs in by_conversation.items() if key.startswith(f"{token}c") for r in rs]
            if mine and mine[0].resident:
                counted = standing_of(db, mine[0].resident.channel, mine[0].resident.channel_user_id, rules).count
                if counted != filed:
                    problems.append(f"{token}: {counted} incidents counted toward the case review, {filed} filed")
    return problems


def check_sent(casework, database_url: str, run_id: str, wait: float = 60) -> list[str]:
    """Problems found: each report filed in the run reached the casework system once."""
    with session_scope(database_url) as db:
        query = select(Report.reference).where(Report.description.like(f"{run_id}r%"))
        references = set(db.execute(query).scalars())
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline and not references <= set(casework.posted_references()):
        time.sleep(0.5)
    sent = casework.posted_references()
    missing = sorted(r for r in references if r not in sent)
    twice = sorted(r for r in references if sent.count(r) > 1)
    return [f"not sent: {', '.join(missing[:5])}"] * bool(missing) + [f"sent twice: {', '.join(twice[:5])}"] * bool(
        twice
    )


def measure(
    name: str,
    stack: local_stack.Stack,
    residents: int,
    conversations: int,
    casework=None,
    think: float = 0.0,
    together: bool = False,
    upload: bytes | None = None,
    uploads: int = 0,
) -> dict:
    run_id = "load" + uuid.uuid4().hex[:8]
    try:
        stack.start_all()
        asyncio.run(load(stack.public, 2, 1, run_id + "warm"))  # first replies load lazily
        with session_scope(stack.database_url) as db:
            before = len(list(db.execute(select(Evidence.id)).scalars()))
        run = asyncio.run(load(stack.public, residents, conversations, run_id, think, together, upload, uploads))
        problems = check_reports(stack.database_url, run_id, run)
        if casework is not None:
            problems += check_sent(casework, stack.database_url, run_id)
        if upload:
            problems += check_uploads(stack, before, run)
    finally:
        stack.stop()
    figures = {
        "profile": name,
        "messages": run.messages,
        "seconds": run.seconds,
        "throughput": run.messages / run.seconds,
        "p50": percentile(run.latencies, 0.5),
        "p95": percentile(run.latencies, 0.95),
        "p99": percentile(run.latencies, 0.99),
        "mean": statistics.mean(run.latencies),
        "errors": run.errors,
        "reports": sum(run.filed.values()),
        "problems": problems,
    }
    if upload and run.upload_seconds:
        figures["upload_p95"] = percentile(run.upload_seconds, 0.95)
        print(
            f"{name:<22} uploads {run.uploads_ok} of {uploads} kept ({len(upload) / 1e6:.1f} MB each): "
            f"upload p50 {percentile(run.upload_seconds, 0.5):.1f} s, p95 {figures['upload_p95']:.1f} s",
            flush=True,
        )
    print(
        f"{name:<22} {figures['messages']:>6} msgs {figures['seconds']:>7.1f} s "
        f"{figures['throughput']:>7.2f} msg/s  p50 {figures['p50'] * 1000:>6.0f} ms  "
        f"p95 {figures['p95'] * 1000:>6.0f} ms  p99 {figures['p99'] * 1000:>6.0f} ms  errors {run.errors}  "
        f"reports {figures['reports']} "
        f"({'all filed once, counted right' if not problems else '; '.join(problems[:5])}"
        f"{', each sent to the casework system once' if casework is not None and not problems else ''})",
        flush=True,
    )
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--residents", type=int, default=24, help="residents talking at once")
    parser.add_argument("--conversations", type=int, default=2, help="conversations each (report, signposting, ...)")
    parser.add_argument("--profiles", default="prod-1,prod-2,sqlite")
    parser.add_argument(
        "--with-open311", action="store_true", help="each profile again, sending reports to a casework system"
    )
    parser.add_argument("--think", type=float, default=0.0, help="seconds residents pause between messages (about)")
    parser.add_argument("--together", action="store_true", help="with --think: every resident starts at once")
    parser.add_argument("--turns", type=int, help="measure one conversation this long instead (turn 5 against it)")
    parser.add_argument("--repeat", type=int, default=3, help="with --turns: how many such conversations")
    parser.add_argument(
        "--handoff", action="store_true", help="residents handed to caseworkers, others chatting (handoff.py)"
    )
    parser.add_argument("--handed-off", type=int, default=20, help="with --handoff: residents asking for a person")
    parser.add_argument("--caseworkers", type=int, default=3, help="with --handoff: simulated caseworkers")
    parser.add_argument("--chatting", type=int, default=30, help="with --handoff: residents talking to the bot")
    parser.add_argument("--exchanges", type=int, default=3, help="with --handoff: messages each sends a person")
    parser.add_argument("--uploads", type=int, default=0, help="residents who each send a video while others chat")
    parser.add_argument("--upload-mb", type=float, default=15.0, help="with --uploads: each video's size")
    args = parser.parse_args()
    if args.handoff:
        from evaluation import handoff

        args.think = args.think or 3.0
        return handoff.main(args)
    if args.turns:
        measure_length(stack_for(args.profiles.split(",")[0], NO_LIMITS), args.turns, args.repeat)
        return 0
    results = {}
    upload = video_of(args.upload_mb) if args.uploads else None
    casework = None
    if args.with_open311:
        from tests.open311_server import API_KEY, FakeOpen311

        casework = FakeOpen311()
        sending = {"OPEN311_ENDPOINT": casework.url, "OPEN311_API_KEY": API_KEY, "OPEN311_SEND_EVERY_SECONDS": "1"}
    runs = [(name, None) for name in args.profiles.split(",")]
    if casework is not None:
        runs = [run for name, _ in runs for run in ((name, None), (f"{name}+open311", sending))]
    for name, open311 in runs:
        stack = stack_for(name.split("+")[0], {**NO_LIMITS, **(open311 or {})})
        thinking = (
            f", thinking ~{args.think:g} s{', all starting at once' if args.together else ''}" if args.think else ""
        )
        results[name] = measure(
            f"{name} ({args.residents} residents{thinking})",
            stack,
            args.residents,
            args.conversations,
            casework if open311 else None,
            args.think,
            args.together,
            upload,
            args.uploads,
        )
    if casework is not None:
        casework.stop()
    if "prod-1" in results and "prod-2" in results:
        print(
            "scaling, 1 -> 2 replicas: "
            f"throughput x{results['prod-2']['throughput'] / results['prod-1']['throughput']:.2f}"
        )
    return 1 if any(r["problems"] or r["errors"] for r in results.values()) else 0


if __name__ == "__main__":
    raise SystemExit(main())
