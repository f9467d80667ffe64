"""`make benchmark`: training time, model load time, parse latency and peak memory.

    python -m evaluation.benchmark [--repeat 5] [--skip-training] [--model M]
    python -m evaluation.benchmark --config minilm-only|e5-only|evaluation/pipelines/X.yml   (NLU only)

Training is timed by a fresh `rasa train --force` into a temporary folder (all cores
of this machine), so it measures what CI and a council server pay, with no cache.
Latency is measured in-process: Agent.parse_message on every message of both held-out sets
(short ones, and the long narratives), repeated; p50/p95 for each set and for all together.
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

from community_safety.settings import PROCESS_ENVIRONMENT
from evaluation.evaluate import SETS, load_examples, pipeline_file

PROJECT = Path(__file__).resolve().parent.parent
MODEL = PROJECT / "models" / "community-safety.tar.gz"


def time_training(config: Path, out: str, nlu_only: bool = False) -> tuple[float, float, Path]:
    """A fresh `rasa train --force` (NLU and rules, or NLU only) with ``config`` into ``out``."""
    # A cache of its own: Rasa reuses trained components from its cache, which would time nothing.
    env = {
        **os.environ,
        **PROCESS_ENVIRONMENT,
        "RASA_CACHE_DIRECTORY": str(Path(out) / "cache"),
    }
    what = (
        ["train", "nlu", "--nlu", "nlu/data"]
        if nlu_only
        else ["train", "--force", "--domain", "domain.yml", "--data", "nlu/data", "dialogue"]
    )
    started = time.perf_counter()
    subprocess.run(
        [
            str(PROJECT / ".venv" / "bin" / "rasa"),
            *what,
            "--config",
            str(config),
            "--out",
            out,
            "--fixed-model-name",
            "model",
        ],
        cwd=PROJECT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    seconds = time.perf_counter() - started
    peak_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return seconds, peak_mib, Path(out) / "model.tar.gz"


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--skip-training", action="store_true")
    parser.add_argument(
        "--config",
        type=pipeline_file,
        help="train this pipeline and benchmark it instead of config.yml (a file, or minilm-only / e5-only)",
    )
    parser.add_argument(
        "--model", type=Path, default=MODEL, help="with --skip-training: measure this trained model (e.g. a kept copy)"
    )
    args = parser.parse_args()
    if args.config is None and not args.model.exists():
        sys.exit(f"No model at {args.model}: run `make train` first.")

    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}"
    )
    with tempfile.TemporaryDirectory() as out:
        model = args.model
        if args.config or not args.skip_training:
            seconds, train_peak, trained = time_training(args.config or PROJECT / "config.yml", out, bool(args.config))
            model = trained if args.config else args.model
            what = "rasa train nlu" if args.config else "rasa train --force, NLU + rules"
            print(f"training time ({what}): {seconds:.1f} s, peak memory {train_peak:.0f} MiB")
        return measure(model, args.repeat)


def measure(model: Path, repeat: int) -> int:
    """Model load time, parse latency on both held-out sets, and this process's peak memory."""
    from rasa.core.agent import Agent

    from evaluation.evaluate import quiet_rasa

    quiet_rasa()

    started = time.perf_counter()
    agent = Agent.load(str(model))
    load_seconds = time.perf_counter() - started
    print(f"model load time: {load_seconds:.2f} s")

    loop = asyncio.new_event_loop()
    every = []
    for name, path in SETS.items():
        texts = [text for text, _ in load_examples(path)]
        for text in texts[:20]:  # warm-up: TensorFlow compiles its graphs on first use
            loop.run_until_complete(agent.parse_message(text))
        latencies = []
        for _ in range(repeat):
            for text in texts:
                started = time.perf_counter()
                loop.run_until_complete(agent.parse_message(text))
                latencies.append((time.perf_counter() - started) * 1000)
        every += latencies
        print(
            f"parse latency, {name}, {len(latencies)} parses: p50 {percentile(latencies, 0.5):.1f} ms, "
            f"p95 {percentile(latencies, 0.95):.1f} ms, max {max(latencies):.1f} ms"
        )
    print(
        f"parse latency, all {len(every)} parses: p50 {percentile(every, 0.5):.1f} ms, "
        f"p95 {percentile(every, 0.95):.1f} ms"
    )
    print(
        "peak memory of this process (model loaded, parsing): "
        f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
