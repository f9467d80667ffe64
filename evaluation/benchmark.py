"""`make benchmark`: training time, model load time, parse latency and peak memory.

    python -m evaluation.benchmark [--repeat 5] [--skip-training]

Training is timed by a fresh `rasa train --force` into a temporary folder (all cores
of this machine), so it measures what CI and a council server pay, with no cache.
Latency is measured in-process: Agent.parse_message on every held-out message, repeated.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

PROJECT = Path(__file__).resolve().parent.parent
MODEL = PROJECT / "models" / "community-safety.tar.gz"
HELDOUT = PROJECT / "evaluation" / "heldout.yml"


def heldout_texts() -> list[str]:
    document = yaml.safe_load(HELDOUT.read_text())
    return [line[2:].strip() for block in document["nlu"] for line in block["examples"].splitlines() if line.startswith("- ")]


def time_training() -> tuple[float, float]:
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2"}
    with tempfile.TemporaryDirectory() as out:
        started = time.perf_counter()
        subprocess.run(
            [str(PROJECT / ".venv" / "bin" / "rasa"), "train", "--force", "--config", "config.yml",
             "--domain", "domain.yml", "--data", "nlu/data", "dialogue", "--out", out],
            cwd=PROJECT, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        seconds = time.perf_counter() - started
    peak_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return seconds, peak_mib


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--skip-training", action="store_true")
    args = parser.parse_args()
    if not MODEL.exists():
        sys.exit(f"No model at {MODEL}: run `make train` first.")

    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    if not args.skip_training:
        seconds, train_peak = time_training()
        print(f"training time (rasa train --force, NLU + rules): {seconds:.1f} s, peak memory {train_peak:.0f} MiB")

    from rasa.core.agent import Agent

    started = time.perf_counter()
    agent = Agent.load(str(MODEL))
    load_seconds = time.perf_counter() - started
    print(f"model load time: {load_seconds:.2f} s")

    texts = heldout_texts()
    loop = asyncio.new_event_loop()
    for text in texts[:20]:  # warm-up: TensorFlow compiles its graphs on first use
        loop.run_until_complete(agent.parse_message(text))
    latencies = []
    for _ in range(args.repeat):
        for text in texts:
            started = time.perf_counter()
            loop.run_until_complete(agent.parse_message(text))
            latencies.append((time.perf_counter() - started) * 1000)
    print(f"parse latency over {len(latencies)} parses: p50 {percentile(latencies, 0.5):.1f} ms, "
          f"p95 {percentile(latencies, 0.95):.1f} ms, max {max(latencies):.1f} ms")
    print(f"peak memory of this process (model loaded, parsing): {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
