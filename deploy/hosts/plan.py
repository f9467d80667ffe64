"""Which host runs what, and each host's settings: the production profile's processes spread over
several machines. Everything a process needs to find the others is a setting (addresses on the
council's private network); nothing is shared through a folder (SEVERAL_HOSTS).

- edge: nginx, the one public address: the chat widget, the staff site; and, on its private address,
  the action servers for the Rasa hosts (it tries the next when one is down).
- web-1, web-2: the web server (widget and staff site); the scheduler on web-1.
- rasa-1, rasa-2: a Rasa server each; the channels send each conversation to one (RASA_URL).
- actions-1, actions-2: the action server.
- data: PostgreSQL, Redis (Rasa's conversation lock) and the object store for evidence.

The same command builders as `make run-prod`'s Procfile (deploy/profile.py) make each host's
processes, and its systemd units (``unit``)."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from pathlib import Path

from community_safety.records.roles import JOBS_ROLE, SERVICES_ROLE
from community_safety.settings import SERVER_ENVIRONMENT
from deploy.launch import HELD, NEEDED_ON_SEVERAL_HOSTS
from deploy.processes import PROJECT
from deploy.profile import (
    JOBS_COMMAND,
    JOBS_READY,
    Database,
    Profile,
    actions_command,
    actions_ready,
    launched,
    rasa_command,
    rasa_ready,
    shared_endpoints,
    web_command,
    web_ready,
    write_procfile,
)

# On each real host: the settings file (settings.env, as written here), the secrets folder (one
# file per secret, readable by root only), and the user the processes run as.
UNIT_SETTINGS = "/etc/community-safety/settings.env"
UNIT_SECRETS = "/etc/community-safety/secrets"
SERVICE_USER = "community-safety"
# What a kind's database password is given as (deploy/launch.py): libpq's, or Rasa's endpoints'.
PASSWORD_VARIABLES = ("PGPASSWORD", "PROD_DB_PASSWORD")

PUBLIC_PORT = 8080
WEB_PORT = 8000
RASA_PORT = 5005
ACTIONS_PORT = 5055
POSTGRES_PORT = 5432
REDIS_PORT = 6379
OBJECT_STORE_PORT = 9000
EVIDENCE_BUCKET = "evidence"

# The last part of each host's address on the private network (a /24): rasa-2 is .22.
SERVICE_HOSTS = {"data": 2, "edge": 3}
FIRST_NUMBER = {"web": 10, "rasa": 20, "actions": 30}
MOST_APPLICATION_HOSTS = 9
KINDS = ("rasa", "actions", "web")


@dataclass
class HostPlan:
    network: str = "10.231.0.0/24"  # the private network between the hosts
    application_hosts: int = 2  # of each kind: Rasa, action server, web server
    out: Path = PROJECT / "build" / "hosts"
    secrets: dict[str, str] = field(default_factory=dict)  # what the service manager holds on every host
    object_store_key: str = "community-safety-evidence"  # its secret is EVIDENCE_S3_SECRET_KEY, in ``secrets``
    chat_requests_per_second: int = 10  # per address, at nginx
    extra_env: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not 1 <= self.application_hosts <= MOST_APPLICATION_HOSTS:
            raise ValueError(f"1 to {MOST_APPLICATION_HOSTS} hosts of each kind")
        if ipaddress.ip_network(self.network).prefixlen > 26:
            raise ValueError("the private network needs room for the hosts: a /26 or larger")

    @property
    def hosts(self) -> list[str]:
        return [*SERVICE_HOSTS, *(f"{kind}-{n}" for kind in KINDS for n in range(1, self.application_hosts + 1))]

    def number(self, host: str) -> int:
        if host in SERVICE_HOSTS:
            return SERVICE_HOSTS[host]
        kind, n = host.rsplit("-", 1)
        return FIRST_NUMBER[kind] + int(n)

    def address(self, host: str) -> str:
        return str(ipaddress.ip_network(self.network)[self.number(host)])

    def of_kind(self, kind: str) -> list[str]:
        return [host for host in self.hosts if host.startswith(f"{kind}-")]

    @property
    def database(self) -> Database:
        return Database(host=self.address("data"), port=POSTGRES_PORT, user="postgres")

    def database_url(self, role: str, name: str) -> str:
        return f"postgresql+psycopg2://{role}@{self.address('data')}:{POSTGRES_PORT}/{name}"

    @property
    def public(self) -> str:
        return f"http://{self.address('edge')}:{PUBLIC_PORT}"

    @property
    def object_store(self) -> str:
        return f"http://{self.address('data')}:{OBJECT_STORE_PORT}"

    @property
    def rasa_url(self) -> str:
        return ",".join(f"http://{self.address(host)}:{RASA_PORT}" for host in self.of_kind("rasa"))

    def profile(self) -> Profile:
        """The edge's nginx: the production profile's, listening on the edge's address, its
        replicas on their hosts."""
        return Profile(
            out=self.out / "edge",
            replicas=self.application_hosts,
            public_port=PUBLIC_PORT,
            rasa_port=RASA_PORT,
            actions_port=ACTIONS_PORT,
            listen=self.address("edge"),
            chat_requests_per_second=self.chat_requests_per_second,
            upstream_keepalive=0,
            chosen_addresses={
                kind: [f"{self.address(host)}:{port}" for host in self.of_kind(kind)]
                for kind, port in (("web", WEB_PORT), ("rasa", RASA_PORT), ("actions", ACTIONS_PORT))
            },
        )

    def endpoints(self) -> str:
        return shared_endpoints(
            f"http://{self.address('edge')}:{ACTIONS_PORT}/webhook",
            self.database,
            self.address("data"),
            REDIS_PORT,
            1,
        )

    def environment(self, host: str) -> dict[str, str]:
        """What every process on ``host`` starts with: the shared settings, the host's own address
        and folder, and the secrets (deploy/launch.py gives each process only its own)."""
        services, jobs = SERVICES_ROLE, JOBS_ROLE  # community_safety/records/roles.py
        return {
            **SERVER_ENVIRONMENT,
            "SEVERAL_HOSTS": "1",
            "PRIVATE_NETWORK": self.network,
            "DATA_DIR": str(self.out / host / "data"),
            "SANIC_HOST": self.address(host),
            "WEB_HOST": self.address(host),
            "WEB_PORT": str(WEB_PORT),
            "WEB_BEHIND_PROXY": "1",
            "RASA_URL": self.rasa_url,
            "DATABASE_URL": self.database_url(services, "community_safety"),
            "TRACKER_DATABASE_URL": self.database_url(services, "rasa_tracker"),
            "JOBS_DATABASE_URL": self.database_url(jobs, "community_safety"),
            "JOBS_TRACKER_DATABASE_URL": self.database_url(jobs, "rasa_tracker"),
            "EVIDENCE_STORE": "s3",
            "EVIDENCE_S3_ENDPOINT": self.object_store,
            "EVIDENCE_S3_BUCKET": EVIDENCE_BUCKET,
            "EVIDENCE_S3_ACCESS_KEY": self.object_store_key,
            **self.secrets,
            **self.extra_env,
        }

    def commands(self, host: str) -> dict[str, str]:
        """The processes ``host`` runs, named as in `make run-prod`'s Procfile."""
        kind = host.split("-")[0]
        address = self.address(host)
        if kind == "rasa":
            return {"rasa": rasa_command(RASA_PORT, self.out / host / "endpoints.yml", interface=address)}
        if kind == "actions":
            return {"actions": actions_command(ACTIONS_PORT)}
        if kind == "web":
            return {"web": web_command(WEB_PORT)} | ({"jobs": JOBS_COMMAND} if host == "web-1" else {})
        if kind == "edge":
            conf = self.out / "edge" / "nginx.conf"
            return {"nginx": launched("nginx", f"nginx -p {self.out / 'edge'} -c {conf}")}
        return {}  # data: PostgreSQL, Redis and the object store are the council's own services

    def ready(self, host: str, process: str) -> str:
        """A URL that answers once ``process`` on ``host`` serves, or "log:" and what it logs."""
        address = self.address(host)
        return {
            "rasa": rasa_ready(RASA_PORT, address),
            "actions": actions_ready(ACTIONS_PORT, address),
            "web": web_ready(WEB_PORT, address),
            "nginx": web_ready(PUBLIC_PORT, self.address("edge")),
            "jobs": JOBS_READY,
        }[process]

    def start_order(self) -> list[str]:
        """The order a council starts them in: the application hosts, then the edge (data first, by hand)."""
        return [host for host in self.hosts if host not in SERVICE_HOSTS] + ["edge"]

    def settings(self, host: str) -> dict[str, str]:
        """``environment`` without the secrets: what the host's settings file holds."""
        return {k: v for k, v in self.environment(host).items() if k not in self.secrets and k not in self.extra_env}

    def unit(self, host: str, name: str, command: str) -> str:
        """A systemd unit for one of the host's processes: the same command as the Procfile's,
        settings from the host's file, and only its kind's secrets, as systemd credentials (files
        readable by root only on the host, copied for the process alone; deploy/launch.py reads them
        from SECRETS_DIR). A secret missing on the host stops the unit from starting."""
        kind = name.rstrip("0123456789")
        passwords = [sources for variable, sources in HELD[kind].items() if variable in PASSWORD_VARIABLES]
        credentials = [
            source for source in (*NEEDED_ON_SEVERAL_HOSTS[kind], *passwords) if not source.endswith("DATABASE_URL")
        ]
        optional = [
            source
            for sources in HELD[kind].values()
            for source in sources.split("|")
            if source not in credentials and not source.endswith("DATABASE_URL")
        ]
        lines = [
            "# Written by deploy/hosts/plan.py from the same process list as the Procfile beside it.",
            "[Unit]",
            f"Description=Community safety chatbot: {name} on {host}",
            "After=network-online.target",
            "Wants=network-online.target",
            "",
            "[Service]",
            "Type=simple",
            f"WorkingDirectory={PROJECT}",
            f"EnvironmentFile={UNIT_SETTINGS}",
            "Environment=SECRETS_DIR=%d",
            *(f"LoadCredential={source}:{UNIT_SECRETS}/{source}" for source in sorted(set(credentials))),
            *(f"# optional: LoadCredential={source}:{UNIT_SECRETS}/{source}" for source in sorted(set(optional))),
            f"ExecStart={command}",
            "Restart=on-failure",
            "RestartSec=2",
            "NoNewPrivileges=yes",
            "PrivateTmp=yes",
            "ProtectHome=yes",
            "",
            "[Install]",
            "WantedBy=multi-user.target",
            "",
        ]
        if kind != "nginx":  # nginx starts as root to bind its port, then its workers drop to www-data
            lines.insert(lines.index("Type=simple") + 1, f"User={SERVICE_USER}")
        return "\n".join(lines)

    def write(self) -> Path:
        """Each host's files: its settings (no secrets), its Procfile and systemd units, the edge's
        nginx.conf, the Rasa hosts' endpoints.yml."""
        profile = self.profile()
        for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (profile.out / "nginx-temp" / sub).mkdir(parents=True, exist_ok=True)
        (profile.out / "nginx.conf").write_text(profile.nginx())
        for host in self.of_kind("rasa"):
            (self.out / host).mkdir(parents=True, exist_ok=True)
            (self.out / host / "endpoints.yml").write_text(self.endpoints())
        for host in self.hosts:
            folder = self.out / host
            (folder / "data").mkdir(parents=True, exist_ok=True)
            if host == "data":
                continue  # PostgreSQL, Redis and the object store: the council's own services
            (folder / "settings.env").write_text("".join(f"{k}={v}\n" for k, v in self.settings(host).items()))
            commands = self.commands(host)
            write_procfile(folder / "Procfile", commands)
            for name, command in commands.items():
                (folder / "systemd").mkdir(exist_ok=True)
                (folder / "systemd" / f"community-safety-{name}.service").write_text(self.unit(host, name, command))
        return self.out


def main(argv: list[str] | None = None) -> None:
    """``python -m deploy.hosts.plan --network 10.20.0.0/24``: write each host's files (settings,
    Procfile, systemd units, the edge's nginx.conf, the Rasa hosts' endpoints.yml) and say where."""
    import argparse

    parser = argparse.ArgumentParser(description=main.__doc__.splitlines()[0])
    parser.add_argument("--network", required=True, help="the private network between the hosts (a /26 or larger)")
    parser.add_argument("--application-hosts", type=int, default=2, help="hosts of each kind: Rasa, actions, web")
    parser.add_argument("--out", type=Path, default=PROJECT / "build" / "hosts")
    args = parser.parse_args(argv)
    try:
        plan = HostPlan(network=args.network, application_hosts=args.application_hosts, out=args.out)
    except ValueError as error:
        parser.exit(2, f"Not written: {error}\n")
    plan.write()
    for host in plan.hosts:
        runs = ", ".join(plan.commands(host)) or "PostgreSQL, Redis, the object store (the council's own)"
        print(f"{host:<10} {plan.address(host):<15} {runs}")  # noqa: T201
    print(f"Written into {plan.out}: each host's settings.env, Procfile and systemd/ (docs/deployment.md)")  # noqa: T201


if __name__ == "__main__":
    main()
