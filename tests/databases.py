"""Real databases for the storage tests: a SQLite file, and a PostgreSQL server on loopback."""
from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from tests.stack import free_port


def _postgres_bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if not found:
        raise RuntimeError("PostgreSQL is not installed; `make test` installs it (scripts/ensure-debian-package.sh)")
    return found[-1]


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
        self._run(_postgres_bin("pg_ctl"), "-D", str(self.dir / "data"), "-w", "-l", str(self.dir / "server.log"),
                  "-o", f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off", "start")
        self._run(_postgres_bin("createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "community_safety")
        self.url = f"postgresql+psycopg2://postgres@127.0.0.1:{self.port}/community_safety"

    def _run(self, *args: str) -> None:
        subprocess.run([*self._prefix, *args], check=True, capture_output=True, timeout=120)

    def stop(self) -> None:
        subprocess.run([*self._prefix, _postgres_bin("pg_ctl"), "-D", str(self.dir / "data"), "-m", "fast", "-w", "stop"],
                       capture_output=True, timeout=60)
        shutil.rmtree(self.dir, ignore_errors=True)
