"""Real servers on loopback that the stack stores things in: a throwaway PostgreSQL cluster and Redis."""

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


class RedisServer:
    """A throwaway Redis on a free loopback port, nothing saved to disk."""

    def __init__(self):
        self.port = free_port()
        self.start()

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.1)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=20)


class PostgresServer:
    """A throwaway cluster: its own data directory, a free port, trust auth on 127.0.0.1 only."""

    def __init__(self):
        self.dir = Path(tempfile.mkdtemp(prefix="community-safety-pg-"))
        self.port = free_port()
        as_root = os.geteuid() == 0
        if as_root:  # PostgreSQL refuses to run as root
            shutil.chown(self.dir, "postgres", "postgres")
        self._prefix = ["runuser", "-u", "postgres", "--"] if as_root else []
        self._run(_postgres_bin("initdb"), "-D", str(self.dir / "data"), "-A", "trust", "-U", "postgres", "--no-sync")
        self._run(
            _postgres_bin("pg_ctl"),
            "-D",
            str(self.dir / "data"),
            "-w",
            "-l",
            str(self.dir / "server.log"),
            "-o",
            f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off",
            "start",
        )
        self._run(
            _postgres_bin("createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "community_safety"
        )
        self.url = f"postgresql+psycopg2://postgres@127.0.0.1:{self.port}/community_safety"

    def create_database(self, name: str) -> str:
        self._run(_postgres_bin("createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", name)
        return f"postgresql+psycopg2://postgres@127.0.0.1:{self.port}/{name}"

    def create_role(self, role: str, database: str = "community_safety") -> str:
        """A login role with no rights of its own (trust auth: no password); its URL on ``database``."""
        self._run(
            _postgres_bin("psql"),
            "-h",
            "127.0.0.1",
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
        return f"postgresql+psycopg2://{role}@127.0.0.1:{self.port}/{database}"

    def _run(self, *args: str) -> None:
        subprocess.run([*self._prefix, *args], check=True, capture_output=True, timeout=120)

    def stop(self) -> None:
        subprocess.run(
            [*self._prefix, _postgres_bin("pg_ctl"), "-D", str(self.dir / "data"), "-m", "fast", "-w", "stop"],
            capture_output=True,
            timeout=60,
        )
        shutil.rmtree(self.dir, ignore_errors=True)
