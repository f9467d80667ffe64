"""``python -m deploy.launch KIND -- COMMAND ...``: start one process of the stack holding only the
secrets that kind of process uses. Every Procfile line goes through it (deploy/profile.py).

Whatever started the stack (honcho, a service manager) may hold every secret; the process itself
gets only its own, by ``exec``, so ``/proc/PID/environ`` of the internet-facing Telegram bridge
holds neither the staff cookie key nor a database owner's password. A secret is taken from the
environment, or else from the file of its name in ``SECRETS_DIR`` (`make run-prod` keeps them in
data/prod/, readable only by their owner), so it need not be in the starter's environment at all.

Database passwords reach a process as ``PGPASSWORD`` (read by libpq), never in a URL on a command
line; Rasa alone reads the owner's in its endpoints.yml."""

from __future__ import annotations

import os
import sys
from pathlib import Path

# Each kind's secrets: the variable the process reads <- where it comes from.
HELD: dict[str, dict[str, str]] = {
    "rasa": {
        "PROD_DB_PASSWORD": "PROD_DB_PASSWORD",  # its conversation store (endpoints.yml)
        "ACTION_SERVER_SECRET": "ACTION_SERVER_SECRET",
        "WEB_CHANNEL_SECRET": "WEB_CHANNEL_SECRET",
        "TELEGRAM_CHANNEL_SECRET": "TELEGRAM_CHANNEL_SECRET",
    },
    "actions": {
        "ACTION_SERVER_SECRET": "ACTION_SERVER_SECRET",
        "SUBMISSION_KEY_SECRET": "SUBMISSION_KEY_SECRET",
        "DATABASE_URL": "DATABASE_URL",
        "PGPASSWORD": "PROD_DB_SERVICES_PASSWORD",
    },
    "web": {
        "WEB_SECRET_KEY": "WEB_SECRET_KEY",
        "STAFF_SECRET_KEY": "STAFF_SECRET_KEY",
        "WEB_CHANNEL_SECRET": "WEB_CHANNEL_SECRET",
        "DATABASE_URL": "DATABASE_URL",
        "TRACKER_DATABASE_URL": "TRACKER_DATABASE_URL",
        "PGPASSWORD": "PROD_DB_SERVICES_PASSWORD",
        "EVIDENCE_S3_SECRET_KEY": "EVIDENCE_S3_SECRET_KEY",  # residents' evidence, sent and shown to staff
        "OPEN311_MEDIA_SECRET": "OPEN311_MEDIA_SECRET",  # checks the casework system's photo links
    },
    "telegram": {
        "TELEGRAM_BOT_TOKEN": "TELEGRAM_BOT_TOKEN",
        "TELEGRAM_WEBHOOK_SECRET": "TELEGRAM_WEBHOOK_SECRET",
        "TELEGRAM_CHANNEL_SECRET": "TELEGRAM_CHANNEL_SECRET",
        "DATABASE_URL": "DATABASE_URL",  # a live chat's messages
        "TRACKER_DATABASE_URL": "TRACKER_DATABASE_URL",  # the bot's question, said again after a live chat
        "PGPASSWORD": "PROD_DB_SERVICES_PASSWORD",
        "EVIDENCE_S3_SECRET_KEY": "EVIDENCE_S3_SECRET_KEY",  # files residents send
    },
    # The scheduler connects as its own role: the one allowed to take words out of conversations.
    "jobs": {
        "OPEN311_API_KEY": "OPEN311_API_KEY",
        "DATABASE_URL": "JOBS_DATABASE_URL|DATABASE_URL",
        "TRACKER_DATABASE_URL": "JOBS_TRACKER_DATABASE_URL|TRACKER_DATABASE_URL",
        "PGPASSWORD": "PROD_DB_JOBS_PASSWORD",
        "EVIDENCE_S3_SECRET_KEY": "EVIDENCE_S3_SECRET_KEY",  # retention removes files too
        "OPEN311_MEDIA_SECRET": "OPEN311_MEDIA_SECRET",  # signs the photo links it sends
    },
    "nginx": {},
}
# Everything that is, or may hold, a secret: given to a process only when HELD says so.
SECRETS = frozenset(
    {
        "PROD_DB_PASSWORD",
        "PROD_DB_SERVICES_PASSWORD",
        "PROD_DB_JOBS_PASSWORD",
        "PGPASSWORD",
        "DATABASE_URL",
        "TRACKER_DATABASE_URL",
        "JOBS_DATABASE_URL",
        "JOBS_TRACKER_DATABASE_URL",
        "WEB_SECRET_KEY",
        "STAFF_SECRET_KEY",
        "STAFF_PASSWORD",
        "ACTION_SERVER_SECRET",
        "WEB_CHANNEL_SECRET",
        "TELEGRAM_CHANNEL_SECRET",
        "SUBMISSION_KEY_SECRET",
        "TELEGRAM_BOT_TOKEN",
        "TELEGRAM_WEBHOOK_SECRET",
        "OPEN311_API_KEY",
        "OPEN311_MEDIA_SECRET",
        "EVIDENCE_S3_SECRET_KEY",
        "SECRETS_DIR",
    }
)


# On several hosts (SEVERAL_HOSTS), what each kind must be given: on one machine these are made
# and kept in DATA_DIR, which another host can't read; a process that made its own would refuse
# every message from the others (a secret) or keep reports nobody else sees (a database).
NEEDED_ON_SEVERAL_HOSTS: dict[str, tuple[str, ...]] = {
    "rasa": ("ACTION_SERVER_SECRET", "WEB_CHANNEL_SECRET", "TELEGRAM_CHANNEL_SECRET"),
    "actions": ("ACTION_SERVER_SECRET", "SUBMISSION_KEY_SECRET", "DATABASE_URL"),
    "web": ("WEB_SECRET_KEY", "STAFF_SECRET_KEY", "WEB_CHANNEL_SECRET", "DATABASE_URL", "TRACKER_DATABASE_URL"),
    "telegram": ("TELEGRAM_BOT_TOKEN", "TELEGRAM_CHANNEL_SECRET", "DATABASE_URL", "TRACKER_DATABASE_URL"),
    "jobs": ("DATABASE_URL", "TRACKER_DATABASE_URL"),
    "nginx": (),
}
YES = {"1", "true", "yes", "on"}


class LaunchError(ValueError):
    pass


def _found(name: str, environ: dict[str, str], secrets_dir: Path | None) -> str | None:
    if environ.get(name, "").strip():
        return environ[name]
    if secrets_dir is not None:
        kept = secrets_dir / name
        if kept.is_file():
            return kept.read_text().strip() or None
    return None


def environment_for(kind: str, environ: dict[str, str]) -> dict[str, str]:
    """The environment a process of this kind runs with: the starter's, without any secret but its own."""
    if kind not in HELD:
        raise LaunchError(f"no such kind of process: {kind!r} (one of {', '.join(sorted(HELD))})")
    secrets_dir = Path(environ["SECRETS_DIR"]) if environ.get("SECRETS_DIR") else None
    own = {k: v for k, v in environ.items() if k not in SECRETS}
    for variable, sources in HELD[kind].items():
        for source in sources.split("|"):
            value = _found(source, environ, secrets_dir)
            if value is not None:
                own[variable] = value
                break
    if own.get("SEVERAL_HOSTS", "").strip().lower() in YES:
        missing = [name for name in NEEDED_ON_SEVERAL_HOSTS[kind] if not own.get(name, "").strip()]
        if missing:
            raise LaunchError(
                f"SEVERAL_HOSTS is set: a {kind} process needs {', '.join(missing)} (the same on every host)"
            )
    return own


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    if len(argv) < 3 or argv[1] != "--":
        sys.exit("usage: python -m deploy.launch KIND -- COMMAND [ARGS...]")
    try:
        environment = environment_for(argv[0], dict(os.environ))
    except LaunchError as error:
        sys.exit(f"Not started: {error}")
    os.execvpe(argv[2], argv[2:], environment)


if __name__ == "__main__":
    main()
