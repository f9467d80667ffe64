"""Test hosts on this machine: one Linux network namespace each (Debian's iproute2, no container
runtime), joined by a bridge in a namespace of its own, like machines on one switch. This machine
(the operator: the tests, `make hosts`) has a link to the switch too, so it reaches every host by
its address; a host's loopback is its own, so a setting that says 127.0.0.1 for another host
fails here as it would on real machines.

Needs root (CAP_NET_ADMIN). Names carry a prefix of their own, so a run never touches another's;
deleting the namespaces removes every link with them."""

from __future__ import annotations

import contextlib
import ipaddress
import os
import signal
import subprocess
import time
from pathlib import Path

from deploy.local_services import in_namespace
from deploy.processes import Process


class HostsUnavailable(RuntimeError):
    """This machine can't make network namespaces (not root, or no iproute2)."""


def _ip(*args: str) -> str:
    done = subprocess.run(["ip", *args], capture_output=True, text=True, timeout=30)
    if done.returncode != 0:
        raise RuntimeError(f"ip {' '.join(args)}: {done.stderr.strip()}")
    return done.stdout


class TestHosts:
    """Namespaces named ``{prefix}-{host}``; each host's link is ``eth0`` inside it."""

    def __init__(self, hosts: dict[str, str], network: str, prefix: str | None = None):
        self.hosts = hosts  # name -> address
        self.network = ipaddress.ip_network(network)
        self.prefix = prefix or f"cs{os.getpid() % 100000}"
        self.switch = f"{self.prefix}-switch"
        self.processes: dict[tuple[str, str], Process] = {}

    def namespace(self, host: str) -> str:
        return f"{self.prefix}-{host}"

    def build(self) -> TestHosts:
        if os.geteuid() != 0:
            raise HostsUnavailable("test hosts are network namespaces: run as root")
        prefix_length = self.network.prefixlen
        _ip("netns", "add", self.switch)
        _ip("-n", self.switch, "link", "add", "switch", "type", "bridge")
        _ip("-n", self.switch, "link", "set", "switch", "up")
        for number, (host, address) in enumerate(self.hosts.items()):
            netns = self.namespace(host)
            _ip("netns", "add", netns)
            _ip("-n", netns, "link", "set", "lo", "up")
            port = f"p{number}"
            _ip("-n", netns, "link", "add", "eth0", "type", "veth", "peer", "name", port, "netns", self.switch)
            _ip("-n", self.switch, "link", "set", port, "master", "switch", "up")
            _ip("-n", netns, "addr", "add", f"{address}/{prefix_length}", "dev", "eth0")
            _ip("-n", netns, "link", "set", "eth0", "up")
        # The operator's link: this machine's end is named after the run, the switch's "operator".
        operator = self.operator_link
        _ip("link", "add", operator, "type", "veth", "peer", "name", "operator", "netns", self.switch)
        _ip("-n", self.switch, "link", "set", "operator", "master", "switch", "up")
        _ip("addr", "add", f"{self.network[1]}/{prefix_length}", "dev", operator)
        _ip("link", "set", operator, "up")
        return self

    @property
    def operator_link(self) -> str:
        return f"{self.prefix}-op"[:15]  # the kernel's longest link name

    def run(self, host: str, name: str, command: str, log_dir: Path, env: dict[str, str]) -> Process:
        """``command`` (a Procfile line) on ``host``, as the host's service manager would start it."""
        process = Process(
            f"{host}.{name}", [*in_namespace(self.namespace(host)), "/bin/sh", "-c", f"exec {command}"], log_dir, env
        )
        self.processes[(host, name)] = process
        return process

    def kill_host(self, host: str) -> None:
        """Every process on the host, at once, as when a machine loses its power."""
        for pid in _ip("netns", "pids", self.namespace(host)).split():
            with contextlib.suppress(ProcessLookupError):
                os.kill(int(pid), signal.SIGKILL)
        for (on, _), process in self.processes.items():
            if on == host:
                process.popen.wait(timeout=30)

    def unplug(self, host: str) -> None:
        """The host's link goes down: its processes run on, unreachable (packets are dropped)."""
        _ip("-n", self.namespace(host), "link", "set", "eth0", "down")

    def plug_in(self, host: str) -> None:
        _ip("-n", self.namespace(host), "link", "set", "eth0", "up")

    def listeners(self, host: str) -> list[str]:
        """The TCP addresses the host's processes listen on (``ss``), e.g. ``10.231.0.21:5005``."""
        done = subprocess.run(
            [*in_namespace(self.namespace(host)), "ss", "-Hltn"], capture_output=True, text=True, timeout=30
        )
        return [line.split()[3] for line in done.stdout.splitlines() if line.strip()]

    def tear_down(self) -> None:
        for process in self.processes.values():
            process.stop()
        for host in self.hosts:
            netns = self.namespace(host)
            try:
                for pid in _ip("netns", "pids", netns).split():
                    os.kill(int(pid), signal.SIGKILL)
            except (RuntimeError, ProcessLookupError):
                pass
            subprocess.run(["ip", "netns", "del", netns], capture_output=True, timeout=30)
        subprocess.run(["ip", "netns", "del", self.switch], capture_output=True, timeout=30)
        subprocess.run(["ip", "link", "del", self.operator_link], capture_output=True, timeout=30)
        time.sleep(0.2)
