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
processes, and its systemd units (``units``)."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from pathlib import Path

from community_safety.settings import SERVER_ENVIRONMENT
from deploy.processes import PROJECT
from deploy.profile import (
    JOBS_COMMAND,
    Database,
    Profile,
    actions_command,
    launched,
    rasa_command,
    rasa_ready,
    shared_endpoints,
    web_command,
)

PUBLIC_PORT = 8080
WEB_PORT = 8000
RASA_PORT = 5005
ACTIONS_PORT = 5055
POSTGRES_PORT = 5432
REDIS_PORT = 6379
OBJECT_STORE_PORT = 9000
EVIDENCE_BUCKET = "evidence"

# The last part of each host's address on the private network (a /24).
HOST_NUMBERS = {
    "data": 2,
    "edge": 3,
    "web-1": 11,
    "web-2": 12,
    "rasa-1": 21,
    "rasa-2": 22,
    "actions-1": 31,
    "actions-2": 32,
}


@dataclass
class HostPlan:
    network: str = "10.231.0.0/24"  # the private network between the hosts
    out: Path = PROJECT / "build" / "hosts"
    secrets: dict[str, str] = field(default_factory=dict)  # what the service manager holds on every host
    object_store_keys: tuple[str, str] = ("evidence-key", "evidence-secret")
    # A rehearsal's residents all come from the operator's one address: its limits are raised.
    chat_requests_per_second: int = 10
    extra_env: dict[str, str] = field(default_factory=dict)

    @property
    def hosts(self) -> list[str]:
        return list(HOST_NUMBERS)

    def address(self, host: str) -> str:
        return str(ipaddress.ip_network(self.network)[HOST_NUMBERS[host]])

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
            replicas=2,
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

    def environment(self, host: str, roles: dict[str, str]) -> dict[str, str]:
        """What every process on ``host`` starts with: the shared settings, the host's own address
        and folder, and the secrets (deploy/launch.py gives each process only its own).
        ``roles``: the database roles for the services and the scheduler."""
        services, jobs = roles["services"], roles["jobs"]
        return {
            **SERVER_ENVIRONMENT,
            "SEVERAL_HOSTS": "1",
            "PRIVATE_NETWORK": self.network,
            "DATA_DIR": str(self.out / host / "data"),
            "SANIC_HOST": self.address(host),
            "WEB_HOST": self.address(host),
            "WEB_PORT": str(WEB_PORT),
            "WEB_BEHIND_PROXY": "1",
            # The rehearsal reaches the edge over plain http; a council's edge has its certificate.
            "WEB_COOKIE_SECURE": "no",
            "RASA_URL": self.rasa_url,
            "DATABASE_URL": self.database_url(services, "community_safety"),
            "TRACKER_DATABASE_URL": self.database_url(services, "rasa_tracker"),
            "JOBS_DATABASE_URL": self.database_url(jobs, "community_safety"),
            "JOBS_TRACKER_DATABASE_URL": self.database_url(jobs, "rasa_tracker"),
            "EVIDENCE_STORE": "s3",
            "EVIDENCE_S3_ENDPOINT": self.object_store,
            "EVIDENCE_S3_BUCKET": EVIDENCE_BUCKET,
            "EVIDENCE_S3_ACCESS_KEY": self.object_store_keys[0],
            "EVIDENCE_S3_SECRET_KEY": self.object_store_keys[1],
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
            "actions": f"http://{address}:{ACTIONS_PORT}/health",
            "web": f"http://{address}:{WEB_PORT}/widget.js",
            "nginx": f"{self.public}/widget.js",
            "jobs": "log:Scheduler running:",
        }[process]

    def write(self) -> Path:
        """Each host's files: the edge's nginx.conf, the Rasa hosts' endpoints.yml."""
        profile = self.profile()
        for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (profile.out / "nginx-temp" / sub).mkdir(parents=True, exist_ok=True)
        (profile.out / "nginx.conf").write_text(profile.nginx())
        for host in self.of_kind("rasa"):
            (self.out / host).mkdir(parents=True, exist_ok=True)
            (self.out / host / "endpoints.yml").write_text(self.endpoints())
        for host in self.hosts:
            (self.out / host / "data").mkdir(parents=True, exist_ok=True)
        return self.out
