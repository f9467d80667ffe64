"""Processes on loopback, started and stopped cleanly: used by the tests, the load benchmark and
anything else that runs parts of the stack as separate processes."""

from __future__ import annotations

import os
import random
import signal
import socket
import subprocess
import time
from pathlib import Path

import requests

from community_safety.settings import SERVER_ENVIRONMENT

PROJECT = Path(__file__).resolve().parent.parent
VENV_BIN = PROJECT / ".venv" / "bin"
START_TIMEOUT = 180


# Below the range the kernel hands outgoing connections (32768-60999 by default): a port from that
# range, free when chosen, was taken by a client connection before the server bound it (a CI run's
# "address already in use", 2026-12-03).
_PORTS = range(20_000, 32_000)
_handed_out: set[int] = set()


def free_port() -> int:
    for _ in range(500):
        port = random.choice(_PORTS)
        if port in _handed_out:
            continue
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
        _handed_out.add(port)
        return port
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _env() -> dict[str, str]:
    return {
        **os.environ,
        **SERVER_ENVIRONMENT,
    }


class Process:
    def __init__(
        self, name: str, args: list[str], log_dir: Path, env: dict[str, str] | None = None, cwd: Path = PROJECT
    ):
        self.name = name
        self.log = log_dir / f"{name}.log"
        self._log_file = self.log.open("w")
        self.popen = subprocess.Popen(
            args,
            cwd=cwd,
            env={**_env(), **(env or {})},
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def wait_for_log(self, text: str) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.popen.poll() is not None:
                raise RuntimeError(f"{self.name} exited early; its log:\n{self.log.read_text()[-3000:]}")
            if text in self.log.read_text():
                return
            time.sleep(0.3)
        raise RuntimeError(
            f"{self.name} did not log {text!r} in {START_TIMEOUT}s; log:\n{self.log.read_text()[-3000:]}"
        )

    def wait_until(self, url: str, ready=lambda r: r.ok) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.popen.poll() is not None:
                raise RuntimeError(f"{self.name} exited early; its log:\n{self.log.read_text()[-3000:]}")
            try:
                if ready(requests.get(url, timeout=2)):
                    return
            except requests.RequestException:
                pass
            time.sleep(0.5)
        raise RuntimeError(f"{self.name} did not start in {START_TIMEOUT}s; log:\n{self.log.read_text()[-3000:]}")

    def stop(self) -> None:
        if self.popen.poll() is None:
            os.killpg(self.popen.pid, signal.SIGTERM)
            try:
                self.popen.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.popen.pid, signal.SIGKILL)
                self.popen.wait()
        self._log_file.close()
