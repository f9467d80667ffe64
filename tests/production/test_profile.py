"""What the profiles' processes are started with: nothing secret on a command line, no open API,
each process through the launcher that gives it only its own secrets, and the scheduler in both."""

from __future__ import annotations

import re

import pytest

from deploy.launch import LaunchError, environment_for
from deploy.profile import Profile, local_commands

SECRETISH = re.compile(r"\$\{?\w*(SECRET|TOKEN|PASSWORD|KEY)", re.IGNORECASE)


@pytest.mark.parametrize(
    "commands",
    [local_commands(telegram=True, rasa_processes=2), Profile().commands(telegram=True)],
    ids=["make run", "production"],
)
def test_commands_carry_no_secret_and_rasa_serves_no_api(commands):
    for name, command in commands.items():
        assert not SECRETISH.search(command), name
        for flag in ("--enable-api", "--auth-token", "--jwt-secret", "--cors"):
            assert flag not in command, (name, flag)


@pytest.mark.parametrize(
    "commands",
    [local_commands(telegram=True, rasa_processes=2), Profile().commands(telegram=True)],
    ids=["make run", "production"],
)
def test_every_process_starts_through_the_launcher_and_the_scheduler_runs(commands):
    kinds = {
        "rasa": "rasa",
        "actions": "actions",
        "web": "web",
        "telegram": "telegram",
        "jobs": "jobs",
        "nginx": "nginx",
    }
    for name, command in commands.items():
        kind = next(kind for prefix, kind in kinds.items() if name.startswith(prefix))
        assert f"-m deploy.launch {kind} -- " in command, name
    assert commands["jobs"].endswith("python -m community_safety.jobs")


def test_the_scheduler_is_in_the_local_procfile_with_or_without_a_casework_system(environment, tmp_path, monkeypatch):
    from deploy import profile

    monkeypatch.setattr(profile, "PROJECT", tmp_path)
    procfile = tmp_path / "build" / "local" / "Procfile"
    environment(OPEN311_ENDPOINT="https://casework.example/open311/v2", OPEN311_API_KEY="k", DATA_DIR=str(tmp_path))
    profile.main(["--local"])
    assert "jobs: " in procfile.read_text() and "open311" not in procfile.read_text()
    environment(OPEN311_ENDPOINT=None, OPEN311_API_KEY=None)
    profile.main(["--local"])
    assert "jobs: " in procfile.read_text()


def test_make_run_starts_its_rasa_servers_and_the_channels_know_them(environment, tmp_path, monkeypatch):
    from deploy import profile

    monkeypatch.setattr(profile, "PROJECT", tmp_path)
    environment(DATA_DIR=str(tmp_path), RASA_PROCESSES="3")
    profile.main(["--local"])
    procfile = (tmp_path / "build" / "local" / "Procfile").read_text()
    for name, port in (("rasa1", 5005), ("rasa2", 5006), ("rasa3", 5007)):
        assert re.search(rf"^{name}: .* --port {port} ", procfile, re.MULTILINE), name
    local_env = (tmp_path / "build" / "local" / "local.env").read_text()
    assert "RASA_URL=http://127.0.0.1:5005,http://127.0.0.1:5006,http://127.0.0.1:5007\n" in local_env
    environment(RASA_PROCESSES="1")
    profile.main(["--local"])
    assert re.search(r"^rasa: .* --port 5005 ", (tmp_path / "build" / "local" / "Procfile").read_text(), re.M)


STARTER = {
    "PATH": "/usr/bin",
    "DATA_DIR": "/srv/data",
    "PROD_DB_PASSWORD": "owner-pw",
    "PROD_DB_SERVICES_PASSWORD": "services-pw",
    "PROD_DB_JOBS_PASSWORD": "jobs-pw",
    "STAFF_SECRET_KEY": "staff-key",
    "WEB_SECRET_KEY": "web-key",
    "TELEGRAM_BOT_TOKEN": "123:bot",
    "OPEN311_API_KEY": "casework-key",
    "DATABASE_URL": "postgresql+psycopg2://community_safety_services@db/community_safety",
    "JOBS_DATABASE_URL": "postgresql+psycopg2://community_safety_jobs@db/community_safety",
}


def test_the_telegram_bridge_holds_neither_the_staff_key_nor_an_owners_password():
    bridge = environment_for("telegram", STARTER)
    assert bridge["TELEGRAM_BOT_TOKEN"] == "123:bot" and bridge["PGPASSWORD"] == "services-pw"
    for secret in (
        "STAFF_SECRET_KEY",
        "WEB_SECRET_KEY",
        "PROD_DB_PASSWORD",
        "PROD_DB_JOBS_PASSWORD",
        "OPEN311_API_KEY",
    ):
        assert secret not in bridge
    assert "jobs-pw" not in bridge.values() and "owner-pw" not in bridge.values()
    assert bridge["PATH"] == "/usr/bin" and bridge["DATA_DIR"] == "/srv/data"  # the rest is passed on


def test_the_scheduler_connects_as_its_own_role():
    jobs = environment_for("jobs", STARTER)
    assert jobs["PGPASSWORD"] == "jobs-pw" and jobs["DATABASE_URL"] == STARTER["JOBS_DATABASE_URL"]
    assert "JOBS_DATABASE_URL" not in jobs and "TELEGRAM_BOT_TOKEN" not in jobs
    assert environment_for("nginx", STARTER) == {"PATH": "/usr/bin", "DATA_DIR": "/srv/data"}


def test_secrets_can_come_from_a_folder_instead_of_the_starters_environment(tmp_path):
    (tmp_path / "STAFF_SECRET_KEY").write_text("from-the-folder\n")
    (tmp_path / "PROD_DB_SERVICES_PASSWORD").write_text("services-from-folder")
    web = environment_for("web", {"PATH": "/usr/bin", "SECRETS_DIR": str(tmp_path)})
    assert web["STAFF_SECRET_KEY"] == "from-the-folder" and web["PGPASSWORD"] == "services-from-folder"
    assert "SECRETS_DIR" not in web
    with pytest.raises(LaunchError):
        environment_for("everything", STARTER)


def test_on_several_hosts_a_process_without_its_shared_secrets_does_not_start():
    several = {**STARTER, "SEVERAL_HOSTS": "yes"}
    with pytest.raises(LaunchError, match="WEB_CHANNEL_SECRET") as refused:
        environment_for("web", several)
    assert "TRACKER_DATABASE_URL" in str(refused.value) and "STAFF_SECRET_KEY" not in str(refused.value)
    complete = {**several, "WEB_CHANNEL_SECRET": "w", "TRACKER_DATABASE_URL": "postgresql://db/rasa_tracker"}
    assert environment_for("web", complete)["WEB_CHANNEL_SECRET"] == "w"
    assert environment_for("nginx", several)  # needs nothing shared
    # On one machine the same process makes and keeps its own.
    assert "WEB_CHANNEL_SECRET" not in environment_for("web", STARTER)


def test_what_several_hosts_need_is_what_each_kind_is_given():
    from deploy.launch import HELD, NEEDED_ON_SEVERAL_HOSTS

    assert set(NEEDED_ON_SEVERAL_HOSTS) == set(HELD)
    for kind, needed in NEEDED_ON_SEVERAL_HOSTS.items():
        assert set(needed) <= set(HELD[kind]), kind  # launch would never hand it over otherwise


def test_no_host_is_told_to_find_another_on_loopback(tmp_path):
    from deploy.hosts.plan import HostPlan

    plan = HostPlan(network="10.20.0.0/24", out=tmp_path)
    plan.write()
    for host in plan.hosts:
        said = [*plan.environment(host).values(), *plan.commands(host).values()]
        assert not [text for text in said if "127.0.0.1" in text or "localhost" in text], host
        assert plan.environment(host)["SEVERAL_HOSTS"] == "1"
    for written in tmp_path.rglob("*"):
        if written.is_file():
            assert "127.0.0.1" not in written.read_text(), written
    assert "10.20.0.3:5055/webhook" in (tmp_path / "rasa-1" / "endpoints.yml").read_text()  # the edge's
    assert plan.rasa_url == "http://10.20.0.21:5005,http://10.20.0.22:5005"


def test_each_hosts_units_run_its_procfiles_processes_with_only_their_own_secrets(tmp_path):
    import shutil
    import subprocess

    from deploy.hosts.plan import HostPlan

    plan = HostPlan(network="10.20.0.0/24", out=tmp_path, application_hosts=3, secrets={"WEB_SECRET_KEY": "s3cret"})
    plan.write()
    assert plan.address("rasa-3") == "10.20.0.23" and plan.address("web-1") == "10.20.0.11"
    units = {}
    for host in plan.hosts[1:]:
        procfile = (tmp_path / host / "Procfile").read_text().splitlines()
        for line in procfile:
            name, command = line.split(": ", 1)
            unit = (tmp_path / host / "systemd" / f"community-safety-{name}.service").read_text()
            assert f"\nExecStart={command}\n" in unit, (host, name)
            units[(host, name)] = unit
        settings_file = (tmp_path / host / "settings.env").read_text()
        assert "s3cret" not in settings_file and "SEVERAL_HOSTS=1\n" in settings_file
        assert "WEB_COOKIE_SECURE" not in settings_file  # on, by the edge's https name
    assert {name for _, name in units} == {"rasa", "actions", "web", "jobs", "nginx"}
    web = units[("web-2", "web")]
    assert "LoadCredential=WEB_SECRET_KEY:/etc/community-safety/secrets/WEB_SECRET_KEY" in web
    assert "LoadCredential=ACTION_SERVER_SECRET" not in web and "Environment=SECRETS_DIR=%d" in web
    assert "LoadCredential=ACTION_SERVER_SECRET:" in units[("rasa-1", "rasa")]
    assert "User=" not in units[("edge", "nginx")] and "User=community-safety" in web
    if shutil.which("systemd-analyze"):
        checked = subprocess.run(
            ["systemd-analyze", "verify", "--man=no", *map(str, tmp_path.rglob("*.service"))],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert checked.returncode == 0 and checked.stderr == "", checked.stderr


def test_council_it_writes_the_hosts_files_with_one_command(tmp_path, capsys):
    from deploy.hosts.plan import main

    main(["--network", "10.20.0.0/24", "--application-hosts", "1", "--out", str(tmp_path)])
    said = capsys.readouterr().out
    assert "rasa-1     10.20.0.21      rasa" in said and "web-1      10.20.0.11      web, jobs" in said
    assert (tmp_path / "web-1" / "systemd" / "community-safety-jobs.service").is_file()
    assert not (tmp_path / "rasa-2").exists()
    for network in ("10.20.0.0/28", "nonsense"):
        with pytest.raises(SystemExit) as refused:
            main(["--network", network, "--out", str(tmp_path / "refused")])
        assert refused.value.code == 2 and not (tmp_path / "refused").exists()
