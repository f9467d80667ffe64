"""Processes on loopback, started and stopped cleanly: used by the tests, the load benchmark and
anything else that runs parts of the stack as separate processes."""

from __future__ import annotations

import os
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


def free_port() -> int:
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
