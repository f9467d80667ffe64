"""Real servers that the stack stores things in: a throwaway PostgreSQL cluster and Redis, on
loopback, or on a test host's address inside its network namespace (deploy/hosts/)."""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

from deploy.processes import free_port


def _postgres_bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if not found:
        raise RuntimeError("PostgreSQL is not installed; `make test` installs it (scripts/ensure-debian-package.sh)")
    return found[-1]


def in_namespace(netns: str | None) -> list[str]:
    """The start of a command that runs inside a test host's network namespace (none: this machine's)."""
    return ["ip", "netns", "exec", netns] if netns else []


class RedisServer:
    """A throwaway Redis, nothing saved to disk: on a free loopback port, or on a test host's address."""

    def __init__(self, host: str = "127.0.0.1", netns: str | None = None, port: int | None = None):
        self.host, self.netns = host, netns
        self.port = port or free_port()
        self.start()

    def start(self) -> None:
        # Off loopback only on a test host's private network; protected mode would refuse the other hosts.
        protected = ["--protected-mode", "no"] if self.netns else []
        self.process = subprocess.Popen(
            [
                *in_namespace(self.netns),
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                self.host,
                *protected,
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            with socket.socket() as sock:
                if sock.connect_ex((self.host, self.port)) == 0:
                    return
            time.sleep(0.1)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=20)


class PostgresServer:
    """A throwaway cluster: its own data directory, a free port, trust auth on 127.0.0.1 only; or, on
    a test host (``netns``), on its address with trust auth for the test hosts' network ``clients``."""

    def __init__(
        self, host: str = "127.0.0.1", netns: str | None = None, clients: str | None = None, port: int | None = None
    ):
        self.dir = Path(tempfile.mkdtemp(prefix="community-safety-pg-"))
        self.host, self.netns = host, netns
        self.port = port or free_port()
        as_root = os.geteuid() == 0
        if as_root:  # PostgreSQL refuses to run as root
            shutil.chown(self.dir, "postgres", "postgres")
        self._prefix = ["runuser", "-u", "postgres", "--"] if as_root else []
        self._run(_postgres_bin("initdb"), "-D", str(self.dir / "data"), "-A", "trust", "-U", "postgres", "--no-sync")
        if clients:
            with (self.dir / "data" / "pg_hba.conf").open("a") as hba:
                hba.write(f"host all all {clients} trust\n")
        self._run(
            _postgres_bin("pg_ctl"),
            "-D",
            str(self.dir / "data"),
            "-w",
            "-l",
            str(self.dir / "server.log"),
            "-o",
            f"-p {self.port} -k {self.dir} -c listen_addresses={host} -c fsync=off",
            "start",
            on_host=True,
        )
        self._run(_postgres_bin("createdb"), "-h", host, "-p", str(self.port), "-U", "postgres", "community_safety")
        self.url = f"postgresql+psycopg2://postgres@{host}:{self.port}/community_safety"

    def create_database(self, name: str) -> str:
        self._run(_postgres_bin("createdb"), "-h", self.host, "-p", str(self.port), "-U", "postgres", name)
        return f"postgresql+psycopg2://postgres@{self.host}:{self.port}/{name}"

    def create_role(self, role: str, database: str = "community_safety") -> str:
        """A login role with no rights of its own (trust auth: no password); its URL on ``database``."""
        self._run(
            _postgres_bin("psql"),
            "-h",
            self.host,
            "-p",
            str(self.port),
            "-U",
            "postgres",
            "-q",
            "-v",
            "ON_ERROR_STOP=1",
            "-c",
            f'CREATE ROLE "{role}" LOGIN',
            "postgres",
        )
        return self.url_for(role, database)

    def url_for(self, role: str, database: str) -> str:
        return f"postgresql+psycopg2://{role}@{self.host}:{self.port}/{database}"

    def _command(self, *args: str, on_host: bool) -> list[str]:
        """As PostgreSQL's own user; ``on_host``: inside the test host's namespace (the server
        itself; the clients reach it from here). ip netns exec first: it needs root."""
        return [*(in_namespace(self.netns) if on_host else []), *self._prefix, *args]

    def _run(self, *args: str, on_host: bool = False) -> None:
        subprocess.run(self._command(*args, on_host=on_host), check=True, capture_output=True, timeout=120)

    def stop(self) -> None:
        data = str(self.dir / "data")
        stop = self._command(_postgres_bin("pg_ctl"), "-D", data, "-m", "fast", "-w", "stop", on_host=True)
        subprocess.run(stop, capture_output=True, timeout=60)
        shutil.rmtree(self.dir, ignore_errors=True)
