"""Render the production profile's files (nginx.conf, Rasa endpoints, Procfile, environment) for
a number of replicas and a set of ports. `make run-prod` uses it with the standard ports; the
load benchmark and the fault tests use it with their own.

Secrets are never written here, nor on a command line: every process starts through
deploy/launch.py, which gives it only its own (Rasa reads the database owner's password as
${PROD_DB_PASSWORD} in endpoints.yml; the others their role's as PGPASSWORD)."""

from __future__ import annotations

import argparse
import math
import sys
from dataclasses import dataclass, field
from pathlib import Path

from community_safety.records.database import POSTGRES_TIMEOUTS
from community_safety.settings import SERVER_ENVIRONMENT, SettingsError, settings
from deploy.processes import PROJECT, VENV_BIN
from rasa_sdk_plugins import action_server_secret

MODEL = PROJECT / "models" / "community-safety.tar.gz"


def launched(kind: str, command: str) -> str:
    """The command, started holding only the secrets of its kind (deploy/launch.py)."""
    return f"{VENV_BIN}/python -m deploy.launch {kind} -- {command}"


def rasa_command(port: int, endpoints: Path, interface: str = "127.0.0.1") -> str:
    """A Rasa server (on loopback unless given its host's address) taking messages only through the
    council's channel. Its HTTP API (which reads and changes any conversation) is not served, so no
    token is needed on a command line; the widget reads a resident's transcript from the conversation store."""
    return launched(
        "rasa",
        f"{VENV_BIN}/python -m deploy.rasa_server run --interface {interface} --port {port} "
        f"--model {MODEL} "
        f"--endpoints {endpoints} --credentials {PROJECT / 'credentials.yml'}",
    )


def rasa_ready(port: int, host: str = "127.0.0.1") -> str:
    """Answers 200 once that Rasa has its model loaded (the council channel's health route)."""
    return f"http://{host}:{port}/webhooks/council/"


def actions_ready(port: int, host: str = "127.0.0.1") -> str:
    return f"http://{host}:{port}/health"


def web_ready(port: int, host: str = "127.0.0.1") -> str:
    return f"http://{host}:{port}/widget.js"


# The scheduler serves nothing: it is ready when it says so (community_safety/jobs/scheduler.py).
JOBS_READY = "log:Scheduler running:"


def actions_command(port: int) -> str:
    # Loopback only; it refuses calls without Rasa's secret (rasa_sdk_plugins/).
    # deploy/action_server.py: it won't serve without that check, and errors answer with their kind only.
    return launched("actions", f"{VENV_BIN}/python -m deploy.action_server --port {port}")


TELEGRAM_COMMAND = launched("telegram", f"{VENV_BIN}/python -m bot.telegram")
# The scheduled jobs: the privacy jobs always; sending to the casework system when OPEN311_ENDPOINT is set.
JOBS_COMMAND = launched("jobs", f"{VENV_BIN}/python -m community_safety.jobs")


def web_command(port: int | None = None) -> str:
    port_setting = f"env WEB_PORT={port} " if port else ""
    return launched("web", f"{port_setting}{VENV_BIN}/python -m webserver")


def sqlite_endpoints(action_url: str, tracker_db: Path) -> str:
    """Rasa's endpoints for one machine: its conversations in a SQLite file."""
    return (
        f'action_endpoint:\n  url: "{action_url}"\n'
        "  headers:\n    Authorization: Bearer ${ACTION_SERVER_SECRET}\n"
        f'tracker_store:\n  type: SQL\n  dialect: "sqlite"\n  db: "{tracker_db}"\n'
    )


def shared_endpoints(action_url: str, database: Database, redis_host: str, redis_port: int, redis_db: int) -> str:
    """Rasa's endpoints when servers share their conversations: PostgreSQL for the conversations,
    Redis for the lock that keeps one conversation's messages in order."""
    timeouts = "\n".join(f'    {name}: "{value}"' for name, value in POSTGRES_TIMEOUTS.items())
    return f"""# Written by deploy/profile.py: every Rasa replica shares these.
action_endpoint:
  url: "{action_url}"
  headers:
    Authorization: Bearer ${{ACTION_SERVER_SECRET}}
tracker_store:
  type: SQL
  dialect: "postgresql"
  url: "{database.host}"
  port: {database.port}
  db: "{database.tracker_db}"
  username: "{database.user}"
  password: ${{PROD_DB_PASSWORD}}  # unquoted: Rasa expands ${{...}} only in plain YAML scalars
  query:  # the same limits as the other processes' (community_safety/records/database.py)
{timeouts}
lock_store:
  type: "redis"
  url: "{redis_host}"
  port: {redis_port}
  db: {redis_db}
  key_prefix: "communitysafety"
  socket_timeout: 3  # Redis answers in well under a millisecond: 3 s means its host is gone
"""


@dataclass
class Database:
    host: str = "127.0.0.1"
    port: int = 5432
    user: str = "community_safety"
    reports_db: str = "community_safety"
    tracker_db: str = "rasa_tracker"


@dataclass
class Profile:
    out: Path = PROJECT / "build" / "prod"
    replicas: int = 2
    public_port: int = 8000  # nginx: the chat widget, the staff site, the Telegram webhook
    rasa_port: int = 5005  # nginx in front of the Rasa replicas (loopback only)
    actions_port: int = 5055  # nginx in front of the action servers (loopback only)
    first_rasa_port: int = 5011
    first_actions_port: int = 5061
    first_web_port: int = 8011
    telegram_webhook_port: int | None = None
    database: Database = field(default_factory=Database)
    redis_host: str = "127.0.0.1"
    redis_port: int = 6379
    redis_db: int = 1
    chat_requests_per_second: int = 10  # per address, at nginx
    sign_ins_per_minute: int = 10  # per address, at nginx
    # The largest evidence file a resident may send (EVIDENCE_MAX_FILE_MB), and a little for the form around it.
    evidence_megabytes: int = field(default_factory=lambda: math.ceil(settings().evidence_max_file_mb) + 1)
    # Tests and the load benchmark give each replica a port of its own choosing.
    chosen_ports: dict[str, list[int]] = field(default_factory=dict)
    # nginx's own address, and where each kind's replicas are: loopback on one machine; on several
    # hosts (deploy/hosts/) the edge host's address and each replica's host:port.
    listen: str = "127.0.0.1"
    chosen_addresses: dict[str, list[str]] = field(default_factory=dict)
    # Connections kept open to each replica. None on several hosts: a kept connection to a host
    # whose link has gone takes a request into the void until the read times out (a resident
    # waited 30 s for "please try again", issue #29); a new one fails to connect in 2 s and the
    # next replica is tried.
    upstream_keepalive: int = 16

    def ports(self, kind: str, first: int) -> list[int]:
        return self.chosen_ports.get(kind) or [first + i for i in range(self.replicas)]

    def addresses(self, kind: str, ports: list[int]) -> list[str]:
        return self.chosen_addresses.get(kind) or [f"127.0.0.1:{port}" for port in ports]

    @property
    def rasa_replicas(self) -> list[int]:
        return self.ports("rasa", self.first_rasa_port)

    @property
    def action_replicas(self) -> list[int]:
        return self.ports("actions", self.first_actions_port)

    @property
    def web_replicas(self) -> list[int]:
        return self.ports("web", self.first_web_port)

    # --- files -------------------------------------------------------------------------
    def endpoints(self) -> str:
        return shared_endpoints(
            f"http://{self.listen}:{self.actions_port}/webhook",
            self.database,
            self.redis_host,
            self.redis_port,
            self.redis_db,
        )

    def nginx(self) -> str:
        def upstream(name: str, ports: list[int]) -> str:
            servers = "\n".join(
                f"    server {address} max_fails=1 fail_timeout=5s;" for address in self.addresses(name, ports)
            )
            keepalive = f"\n    keepalive {self.upstream_keepalive};" if self.upstream_keepalive else ""
            return f"  upstream {name} {{\n{servers}{keepalive}\n  }}"

        temp = self.out / "nginx-temp"
        telegram = (
            f"""
    location = /telegram/webhook {{
      proxy_pass http://127.0.0.1:{self.telegram_webhook_port};
    }}"""
            if self.telegram_webhook_port
            else ""
        )
        proxy = """      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-For $remote_addr;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_next_upstream error timeout http_502 http_503;
      proxy_connect_timeout 2s;  # a host whose link is down: the next replica, not a minute's wait
      proxy_read_timeout 60s;"""
        return f"""# Written by deploy/profile.py. Only the public server faces residents; Rasa and the
# action servers are reached on loopback (on separate machines: a private network).
worker_processes 2;
daemon off;
pid {self.out}/nginx.pid;
error_log stderr warn;
events {{ worker_connections 2048; }}
http {{
  access_log off;  # residents' addresses and paths stay out of the logs
  server_tokens off;
  client_body_temp_path {temp}/body;
  proxy_temp_path {temp}/proxy;
  fastcgi_temp_path {temp}/fastcgi;
  uwsgi_temp_path {temp}/uwsgi;
  scgi_temp_path {temp}/scgi;
  # Bodies and replies stay in memory: nginx's workers run as www-data and need no writable folder.
  client_max_body_size 1m;
  client_body_buffer_size 1m;
  proxy_max_temp_file_size 0;
  limit_req_zone $binary_remote_addr zone=chat:10m rate={self.chat_requests_per_second}r/s;
  # Staff sign-in: slow guessing down before it reaches the (deliberately slow) password checks.
  limit_req_zone $binary_remote_addr zone=signin:10m rate={self.sign_ins_per_minute}r/m;
{upstream("web", self.web_replicas)}
{upstream("rasa", self.rasa_replicas)}
{upstream("actions", self.action_replicas)}

  server {{
    listen {self.listen}:{self.public_port};
    location /chat/ {{
      limit_req zone=chat burst=40 nodelay;
      limit_req_status 429;
      proxy_pass http://web;
{proxy}
    }}
    # Evidence: the one larger body, kept in memory like the rest (no temporary files for nginx to write).
    location = /chat/evidence {{
      limit_req zone=chat burst=10 nodelay;
      limit_req_status 429;
      client_max_body_size {self.evidence_megabytes}m;
      client_body_buffer_size {self.evidence_megabytes}m;
      proxy_pass http://web;
{proxy}
    }}
    location = /staff/sign-in {{
      limit_req zone=signin burst=5 nodelay;
      limit_req_status 429;
      proxy_pass http://web;
{proxy}
    }}
    location / {{
      proxy_pass http://web;
{proxy}
    }}{telegram}
  }}
  server {{
    listen {self.listen}:{self.rasa_port};
    location / {{
      proxy_pass http://rasa;
{proxy}
    }}
  }}
  server {{
    listen {self.listen}:{self.actions_port};
    location / {{
      proxy_pass http://actions;
{proxy}
    }}
  }}
}}
"""

    def environment(self) -> dict[str, str]:
        """Settings every process shares (no secrets: those come from the caller's environment)."""
        return {
            **SERVER_ENVIRONMENT,
            "RASA_URL": f"http://127.0.0.1:{self.rasa_port}",
            "WEB_BEHIND_PROXY": "1",
        }

    def commands(self, telegram: bool = False) -> dict[str, str]:
        endpoints = self.out / "endpoints.yml"
        commands = {}
        for i, port in enumerate(self.rasa_replicas, start=1):
            commands[f"rasa{i}"] = rasa_command(port, endpoints)
        for i, port in enumerate(self.action_replicas, start=1):
            commands[f"actions{i}"] = actions_command(port)
        for i, port in enumerate(self.web_replicas, start=1):
            commands[f"web{i}"] = web_command(port)
        commands["nginx"] = launched("nginx", f"nginx -p {self.out} -c {self.out / 'nginx.conf'}")
        if telegram:
            commands["telegram"] = TELEGRAM_COMMAND
        commands["jobs"] = JOBS_COMMAND
        return commands

    def write(self, telegram: bool = False) -> Path:
        self.out.mkdir(parents=True, exist_ok=True)
        for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (self.out / "nginx-temp" / sub).mkdir(parents=True, exist_ok=True)
        (self.out / "endpoints.yml").write_text(self.endpoints())
        (self.out / "nginx.conf").write_text(self.nginx())
        write_procfile(self.out / "Procfile", self.commands(telegram))
        (self.out / "profile.env").write_text("".join(f"{k}={v}\n" for k, v in self.environment().items()))
        return self.out


LOCAL_RASA_PORT = 5005


def rasa_names(processes: int) -> list[str]:
    """The Procfile's names for `make run`'s Rasa servers: rasa alone, or rasa1, rasa2 …"""
    return ["rasa"] if processes == 1 else [f"rasa{i + 1}" for i in range(processes)]


def rasa_urls(ports: list[int]) -> str:
    """RASA_URL for Rasa servers on these loopback ports: the channels send each conversation to one."""
    return ",".join(f"http://127.0.0.1:{port}" for port in ports)


def local_rasa_ports(processes: int) -> list[int]:
    return [LOCAL_RASA_PORT + i for i in range(processes)]


def local_commands(telegram: bool = False, rasa_processes: int = 1) -> dict[str, str]:
    """`make run`'s processes on one machine: Rasa (``rasa_processes`` servers, from 5005 up, sharing
    the SQLite conversation store), the action server and the web server on their standard ports,
    SQLite (endpoints.yml), the scheduler, and the Telegram bridge when it has a token."""
    ports = local_rasa_ports(rasa_processes)
    commands = {
        name: rasa_command(port, PROJECT / "endpoints.yml")
        for name, port in zip(rasa_names(rasa_processes), ports, strict=True)
    }
    commands |= {"actions": actions_command(5055), "web": web_command(), "jobs": JOBS_COMMAND}
    if telegram:
        commands["telegram"] = TELEGRAM_COMMAND
    return commands


def write_procfile(path: Path, commands: dict[str, str]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(f"{name}: {command}\n" for name, command in commands.items()))
    return path


def main(argv: list[str] | None = None) -> None:
    """``python -m deploy.profile``: write build/prod/ for `make run-prod`; with ``--local``, write
    build/local/Procfile for `make run`."""
    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--local", action="store_true", help="the one-machine stack of `make run`")
    args = parser.parse_args(argv)
    try:
        configured = settings()
    except SettingsError as error:
        sys.exit(f"Not started: {error}")
    telegram = configured.telegram_bot_token is not None
    if args.local:
        commands = local_commands(telegram, configured.rasa_processes)
        out = write_procfile(PROJECT / "build" / "local" / "Procfile", commands)
        # Rasa reads the action server's secret from its environment (endpoints.yml): this file
        # holds it, so only its owner may read it.
        local_env = {
            **SERVER_ENVIRONMENT,
            "ACTION_SERVER_SECRET": action_server_secret(),
            "RASA_URL": rasa_urls(local_rasa_ports(configured.rasa_processes)),
        }
        env_file = out.parent / "local.env"
        env_file.touch(mode=0o600)
        env_file.chmod(0o600)
        env_file.write_text("".join(f"{k}={v}\n" for k, v in local_env.items()))
        print(f"Wrote {out.relative_to(PROJECT)}: {', '.join(commands)}")
        return
    profile = Profile(
        replicas=configured.prod_replicas,
        telegram_webhook_port=configured.telegram_webhook_port if configured.telegram_webhook_url else None,
    )
    out = profile.write(telegram=telegram)
    print(f"Wrote the production profile for {profile.replicas} replicas into {out}")


if __name__ == "__main__":
    main()
