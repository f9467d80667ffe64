"""Whole stacks on one machine, on free ports, for the fault tests and the load benchmark: the
production profile (throwaway PostgreSQL and Redis, nginx, N replicas) and the default profile on
SQLite (`make run`'s: its Rasa servers sharing one conversation store, one of everything else)."""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from community_safety.records.database import upgrade
from community_safety.records.migrate import set_audit_retention
from community_safety.records.roles import JOBS_ROLE, SERVICES_ROLE, grant_conversations, grant_records
from community_safety.settings import SERVER_ENVIRONMENT, settings
from deploy.local_services import PostgresServer, RedisServer
from deploy.processes import Process, free_port
from deploy.profile import (
    JOBS_COMMAND,
    JOBS_READY,
    Database,
    Profile,
    actions_command,
    actions_ready,
    rasa_command,
    rasa_names,
    rasa_ready,
    rasa_urls,
    sqlite_endpoints,
    web_command,
    web_ready,
)


@dataclass
class Stack:
    log_dir: Path
    env: dict[str, str]
    commands: dict[str, str]
    checks: dict[str, str]  # process name -> URL that answers once it is ready, or "log:" and what it logs
    public: str  # where residents' browsers send chat messages
    rasa: str  # Rasa's REST channel (through nginx in production)
    database_url: str
    processes: dict[str, Process] = field(default_factory=dict)
    postgres: PostgresServer | None = None
    redis: RedisServer | None = None
    nginx_conf: Path | None = None

    def start(self, name: str) -> None:
        # Through a shell, as honcho runs them.
        self.processes[name] = Process(name, ["/bin/sh", "-c", f"exec {self.commands[name]}"], self.log_dir, self.env)

    def wait(self, name: str) -> None:
        check = self.checks[name]
        if check.startswith("log:"):
            self.processes[name].wait_for_log(check.removeprefix("log:"))
        else:
            self.processes[name].wait_until(check)

    def start_all(self) -> Stack:
        for name in self.commands:
            self.start(name)
        for name in self.commands:
            self.wait(name)
        return self

    def kill(self, name: str) -> None:
        process = self.processes[name]
        os.killpg(process.popen.pid, signal.SIGKILL)
        process.popen.wait()

    def stop(self) -> None:
        for process in self.processes.values():
            process.stop()
        if self.nginx_conf:
            subprocess.run(["pkill", "-f", str(self.nginx_conf)], check=False)
        if self.redis:
            self.redis.stop()
        if self.postgres:
            self.postgres.stop()


def prepare_databases(postgres: PostgresServer) -> None:
    """As `make run-prod` does: the owner migrates; the services run as a role that can't alter the
    audit log (community_safety/records/roles.py). Rasa owns its conversation store."""
    tracker_url = postgres.create_database("rasa_tracker")
    upgrade(postgres.url)
    set_audit_retention(postgres.url)
    for role, scheduler in ((SERVICES_ROLE, False), (JOBS_ROLE, True)):
        postgres.create_role(role)
        grant_records(postgres.url, role, scheduler=scheduler)
        grant_conversations(tracker_url, role, scheduler=scheduler)


def production(
    log_dir: Path, replicas: int = 2, extra_env: dict[str, str] | None = None, chat_requests_per_second: int = 10
) -> Stack:
    postgres, redis = PostgresServer(), RedisServer()
    prepare_databases(postgres)
    kinds = ("rasa", "actions", "web")
    profile = Profile(
        out=log_dir / "prod",
        replicas=replicas,
        public_port=free_port(),
        rasa_port=free_port(),
        actions_port=free_port(),
        chosen_ports={k: [free_port() for _ in range(replicas)] for k in kinds},
        database=Database(port=postgres.port, user="postgres"),
        redis_port=redis.port,
        chat_requests_per_second=chat_requests_per_second,
    )
    profile.write()
    env = {
        **profile.environment(),
        "DATABASE_URL": postgres.url_for(SERVICES_ROLE, "community_safety"),
        "TRACKER_DATABASE_URL": postgres.url_for(SERVICES_ROLE, "rasa_tracker"),
        "JOBS_DATABASE_URL": postgres.url_for(JOBS_ROLE, "community_safety"),
        "JOBS_TRACKER_DATABASE_URL": postgres.url_for(JOBS_ROLE, "rasa_tracker"),
        "PROD_DB_PASSWORD": "trust-auth-ignores-it",
        "DATA_DIR": str(log_dir),
        "ACTION_SERVER_SECRET": _action_server_secret(),
        **(extra_env or {}),
    }
    checks = {}
    for i in range(replicas):
        checks[f"rasa{i + 1}"] = rasa_ready(profile.rasa_replicas[i])
        checks[f"actions{i + 1}"] = actions_ready(profile.action_replicas[i])
        checks[f"web{i + 1}"] = web_ready(profile.web_replicas[i])
    public = f"http://127.0.0.1:{profile.public_port}"
    checks["nginx"] = web_ready(profile.public_port)
    checks["jobs"] = JOBS_READY
    return Stack(
        log_dir,
        env,
        profile.commands(),
        checks,
        public,
        f"http://127.0.0.1:{profile.rasa_port}",
        postgres.url,
        postgres=postgres,
        redis=redis,
        nginx_conf=profile.out / "nginx.conf",
    )


def _action_server_secret() -> str:
    """Rasa reads it from its environment (endpoints.yml); the stack's processes all get the same."""
    return os.environ.get("ACTION_SERVER_SECRET") or secrets.token_urlsafe(24)


def default(log_dir: Path, extra_env: dict[str, str] | None = None, rasa_processes: int | None = None) -> Stack:
    """`make run`'s profile: its Rasa servers (RASA_PROCESSES) sharing one SQLite conversation store,
    one action server, one web server, SQLite."""
    rasa_processes = rasa_processes or settings().rasa_processes
    rasa_ports = [free_port() for _ in range(rasa_processes)]
    actions_port, web_port = free_port(), free_port()
    servers = rasa_urls(rasa_ports)
    database_url = f"sqlite:///{log_dir / 'records.db'}"
    upgrade(database_url)
    endpoints = log_dir / "endpoints.yml"
    endpoints.write_text(sqlite_endpoints(f"http://127.0.0.1:{actions_port}/webhook", log_dir / "tracker.db"))
    env = {
        **SERVER_ENVIRONMENT,
        "DATABASE_URL": database_url,
        "DATA_DIR": str(log_dir),
        "TRACKER_DATABASE_URL": f"sqlite:///{log_dir / 'tracker.db'}",
        "RASA_URL": servers,
        "WEB_PORT": str(web_port),
        "ACTION_SERVER_SECRET": _action_server_secret(),
        **(extra_env or {}),
    }
    names = rasa_names(rasa_processes)
    commands = {name: rasa_command(port, endpoints) for name, port in zip(names, rasa_ports, strict=True)}
    checks = {name: rasa_ready(port) for name, port in zip(names, rasa_ports, strict=True)}
    commands |= {"actions": actions_command(actions_port), "web": web_command()}
    checks |= {
        "actions": actions_ready(actions_port),
        "web": web_ready(web_port),
    }
    commands["jobs"], checks["jobs"] = JOBS_COMMAND, JOBS_READY
    return Stack(log_dir, env, commands, checks, f"http://127.0.0.1:{web_port}", servers, database_url)
