"""`make profile`: simulated residents against `make run`'s stack while py-spy samples each process
(Rasa, the action server, the web server) from outside, so the next person starts from data.

Writes ``build/profile/<process>.txt`` (collapsed stacks: open them in speedscope.app or
flamegraph.pl) and ``build/profile/summary.md``, and prints the summary: for each process, how busy
it was and the functions that took its time, by their own time and with what they called.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from pathlib import Path

from deploy.processes import VENV_BIN
from evaluation.load import load, long_conversation
from evaluation.residents import NO_LIMITS, Run, percentile, stack_for

PROJECT = Path(__file__).resolve().parent.parent
OUT = PROJECT / "build" / "profile"
# Every Rasa server (rasa, or rasa1, rasa2 … with RASA_PROCESSES), the action server, the web server.
PROFILED = re.compile(r"^(rasa\d*|actions|web)$")
RATE = 100  # samples a second
_LINE = re.compile(r":\d+\)$")  # "f (file.py:123)" -> one entry per function, whatever the line
_IDLE = re.compile(r"\b(select|epoll_wait|poll|_run_once|wait|accept|sleep|recv_into|readinto)\b")


def _function(frame: str) -> str:
    return _LINE.sub(")", frame.strip())


def summarise(name: str, collapsed: Path, seconds: float, top: int = 12) -> str:
    """What one process spent its time on, from py-spy's collapsed stacks (idle stacks left out)."""
    own, within, busy = Counter(), Counter(), 0
    for line in collapsed.read_text(errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        frames = [_function(frame) for frame in stack.split(";")]
        # Waiting for the next request or a reply is not cost: a stack whose leaf waits is idle.
        if _IDLE.search(frames[-1].split(" (")[0]):
            continue
        samples = int(count)
        busy += samples
        own[frames[-1]] += samples
        for frame in set(frames):
            within[frame] += samples
    share = busy / max(1.0, seconds * RATE)
    lines = [f"### {name}: busy {share:.0%} of {seconds:.0f} s ({busy} samples)", "", "By own time:", ""]
    lines += [f"- {100 * n / max(1, busy):5.1f} %  {frame}" for frame, n in own.most_common(top)]
    lines += ["", "With what they called (project and Rasa code):", ""]
    ours = [(f, n) for f, n in within.most_common() if re.search(r"(community_safety|actions|nlu|rasa|bot)/", f)]
    lines += [f"- {100 * n / max(1, busy):5.1f} %  {frame}" for frame, n in ours[:top]]
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--residents", type=int, default=8, help="residents talking at once, without pause")
    parser.add_argument("--conversations", type=int, default=2, help="conversations each")
    parser.add_argument("--turns", type=int, help="instead: one resident's conversation this long")
    args = parser.parse_args()
    spy = shutil.which("py-spy", path=str(VENV_BIN)) or shutil.which("py-spy")
    if not spy:
        sys.exit("py-spy is not installed: run `make profile`, which installs it from requirements-profile.lock.")
    OUT.mkdir(parents=True, exist_ok=True)
    stack = stack_for("sqlite", NO_LIMITS)
    samplers = []
    try:
        stack.start_all()
        asyncio.run(load(stack.public, 2, 1, "profile-warm"))
        names = [name for name in stack.processes if PROFILED.match(name)]
        for name in names:
            pid = stack.processes[name].popen.pid
            command = [spy, "record", "--pid", str(pid), "--rate", str(RATE), "--format", "raw", "--nonblocking"]
            command += ["--output", str(OUT / f"{name}.txt")]
            samplers.append(subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE))
        time.sleep(1)
        started = time.perf_counter()
        if args.turns:
            run = Run(latencies=asyncio.run(long_conversation(stack.public, "profile-long", args.turns)))
            run.messages = len(run.latencies)
        else:
            run = asyncio.run(load(stack.public, args.residents, args.conversations, "profile" + uuid.uuid4().hex[:6]))
        seconds = time.perf_counter() - started
    finally:
        for sampler in samplers:
            sampler.send_signal(signal.SIGINT)
        for sampler in samplers:
            try:
                sampler.wait(timeout=30)
            except subprocess.TimeoutExpired:
                sampler.kill()
        stack.stop()
    who = f"one conversation of {args.turns} turns" if args.turns else f"{args.residents} residents without pause"
    heading = (
        f"## Profile: {who}, {run.messages} messages in {seconds:.1f} s "
        f"({run.messages / seconds:.2f} msg/s, reply p50 {percentile(run.latencies, 0.5) * 1000:.0f} ms, "
        f"p95 {percentile(run.latencies, 0.95) * 1000:.0f} ms, errors {run.errors})\n\n"
    )
    parts = []
    for name, sampler in zip(names, samplers, strict=True):
        collapsed = OUT / f"{name}.txt"
        if not collapsed.exists():
            problem = (sampler.stderr.read().decode(errors="replace") if sampler.stderr else "").strip()
            parts.append(f"### {name}: no profile ({problem[-300:] or 'py-spy wrote nothing'})\n")
            continue
        parts.append(summarise(name, collapsed, seconds))
    summary = heading + "\n".join(parts)
    (OUT / "summary.md").write_text(summary)
    print(summary)  # noqa: T201
    print(f"Collapsed stacks in {OUT.relative_to(PROJECT)}/ (open them in speedscope.app).")  # noqa: T201
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
