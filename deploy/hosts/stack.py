"""The production profile on test hosts (deploy/hosts/netns.py), started as a council's service
managers would start it on real machines (deploy/hosts/plan.py): PostgreSQL, Redis and the object
store on the data host, then the Rasa, action and web servers, then nginx on the edge."""

from __future__ import annotations

import ipaddress
import random
import secrets
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from deploy.hosts.netns import TestHosts
from deploy.hosts.plan import OBJECT_STORE_PORT, POSTGRES_PORT, REDIS_PORT, HostPlan
from deploy.local_services import PostgresServer, RedisServer, in_namespace
from deploy.local_stack import prepare_databases
from deploy.processes import VENV_BIN

# What each host's service manager holds (deploy/launch.py hands each process only its own).
SHARED_SECRETS = (
    "ACTION_SERVER_SECRET",
    "WEB_CHANNEL_SECRET",
    "TELEGRAM_CHANNEL_SECRET",
    "SUBMISSION_KEY_SECRET",
    "WEB_SECRET_KEY",
    "STAFF_SECRET_KEY",
    "OPEN311_MEDIA_SECRET",
    "EVIDENCE_S3_SECRET_KEY",
)


def unused_network() -> str:
    """A /24 in 10.231.0.0/16 that no route on this machine already covers."""
    routes = subprocess.run(["ip", "-4", "route"], capture_output=True, text=True, timeout=30).stdout
    taken = []
    for line in routes.splitlines():
        try:
            taken.append(ipaddress.ip_network(line.split()[0], strict=False))
        except ValueError:
            continue
    for third in random.sample(range(256), 256):
        network = ipaddress.ip_network(f"10.231.{third}.0/24")
        if not any(network.overlaps(other) for other in taken):
            return str(network)
    raise RuntimeError("no free 10.231.x.0/24 for the test hosts")


@dataclass
class HostsStack:
    log_dir: Path
    plan: HostPlan
    hosts: TestHosts
    postgres: PostgresServer | None = None
    redis: RedisServer | None = None

    def env(self, host: str) -> dict[str, str]:
        return self.plan.environment(host)

    @property
    def owner_database_url(self) -> str:
        return self.plan.database_url("postgres", "community_safety")

    def start_data(self) -> None:
        data, netns = self.plan.address("data"), self.hosts.namespace("data")
        self.postgres = PostgresServer(host=data, netns=netns, clients=self.plan.network, port=POSTGRES_PORT)
        prepare_databases(self.postgres)
        self.redis = RedisServer(host=data, netns=netns, port=REDIS_PORT)
        store = self.hosts.run(
            "data", "objects", f"{VENV_BIN}/moto_server -H {data} -p {OBJECT_STORE_PORT}", self.log_dir, {}
        )
        store.wait_until(f"{self.plan.object_store}/moto-api/")
        self._bucket()

    def object_store(self):
        """The data host's object store, as the web hosts reach it (boto3)."""
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=self.plan.object_store,
            aws_access_key_id=self.plan.object_store_key,
            aws_secret_access_key=self.plan.secrets["EVIDENCE_S3_SECRET_KEY"],
            region_name="eu-west-2",
        )

    def _bucket(self) -> None:
        from deploy.hosts.plan import EVIDENCE_BUCKET

        configuration = {"LocationConstraint": "eu-west-2"}
        self.object_store().create_bucket(Bucket=EVIDENCE_BUCKET, CreateBucketConfiguration=configuration)

    def start(self, host: str) -> None:
        for name, command in self.plan.commands(host).items():
            self.hosts.run(host, name, command, self.log_dir, self.env(host))

    def wait(self, host: str) -> None:
        for name in self.plan.commands(host):
            process = self.hosts.processes[(host, name)]
            check = self.plan.ready(host, name)
            if check.startswith("log:"):
                process.wait_for_log(check.removeprefix("log:"))
            else:
                process.wait_until(check)

    def start_all(self) -> HostsStack:
        self.start_data()
        for host in self.plan.start_order():
            self.start(host)
        for host in self.plan.start_order():
            self.wait(host)
        return self

    def staff_admin(self, host: str, *args: str, env: dict[str, str] | None = None) -> str:
        """`staff-admin` on ``host``, as council IT runs it there (migrations as the database's owner)."""
        done = subprocess.run(
            [*in_namespace(self.hosts.namespace(host)), str(VENV_BIN / "staff-admin"), *args],
            env={**self.env(host), "DATABASE_URL": self.owner_database_url, **(env or {})},
            capture_output=True,
            text=True,
            timeout=120,
        )
        if done.returncode != 0:
            raise RuntimeError(f"staff-admin {args[0]}: {done.stderr.strip()[-500:]}")
        return done.stdout

    def stop(self) -> None:
        self.hosts.tear_down()  # every process on every host, PostgreSQL and Redis among them
        if self.postgres:
            subprocess.run(["rm", "-rf", str(self.postgres.dir)], check=False)


def hosts_stack(
    log_dir: Path | None = None,
    network: str | None = None,
    extra_env: dict[str, str] | None = None,
    application_hosts: int = 2,
    chat_requests_per_second: int = 10,
) -> HostsStack:
    """Test hosts built and the stack's files written; nothing started yet (``start_all``). A
    rehearsal's residents all come from the operator's one address: it raises the limits per address
    (``chat_requests_per_second`` at nginx, the widget's in ``extra_env``)."""
    log_dir = log_dir or Path(tempfile.mkdtemp(prefix="hosts-"))
    network = network or unused_network()
    plan = HostPlan(
        network=network,
        application_hosts=application_hosts,
        out=log_dir / "hosts",
        secrets={name: secrets.token_urlsafe(32) for name in SHARED_SECRETS} | {"PROD_DB_PASSWORD": "trust-auth"},
        chat_requests_per_second=chat_requests_per_second,
        # The rehearsal reaches the edge over plain http; a council's edge has its certificate.
        extra_env={"WEB_COOKIE_SECURE": "no", **(extra_env or {})},
    )
    plan.write()
    hosts = TestHosts({host: plan.address(host) for host in plan.hosts}, network)
    try:
        hosts.build()
    except Exception:
        hosts.tear_down()
        raise
    return HostsStack(log_dir, plan, hosts)
