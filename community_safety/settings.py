"""Every setting the bot's processes read, in one place: named, typed, defaulted and documented.

Settings come from the environment (secrets never live in files here) and are read once, when a
process first asks (``settings()``). A blank variable counts as not set. A value that can't be
read (a port that isn't a number) stops the process at start-up, naming the variable.

The table of settings in docs/generated/settings.md is made from this class:
``python -m community_safety.settings`` prints it, `make needs` writes the file, and a test checks
the file is current.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
import secrets
import sys
import tempfile
from functools import cache
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from pydantic import BaseSettings, Field, SecretStr, ValidationError, validator

PROJECT = Path(__file__).resolve().parent.parent
STAFF_EDITABLE = Path(__file__).resolve().parent / "data"
TELEGRAM_API = "https://api.telegram.org/bot"
TELEGRAM_FILES = "https://api.telegram.org/file/bot"

# What every process of the stack runs with, beside its settings: no telemetry, quiet TensorFlow,
# no model hub, unbuffered logs. Set here once for every process the project starts.
PROCESS_ENVIRONMENT = {
    "RASA_TELEMETRY_ENABLED": "false",
    "TF_CPP_MIN_LOG_LEVEL": "2",
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "TOKENIZERS_PARALLELISM": "false",
    "PYTHONUNBUFFERED": "1",
    "SANIC_HOST": "127.0.0.1",
    "SPACY_PIPELINE_PATH": str(PROJECT / "build" / "spacy" / "en_community_safety"),
    "PRETRAINED_WEIGHTS_PATH": str(PROJECT / "build" / "weights"),
    "SENTENCE_VECTORS_CACHE": str(PROJECT / "build" / "cache" / "sentence-vectors"),
}


# The servers, besides: one thread each for TensorFlow's and the numeric libraries' own pools. Two
# Rasa replicas on two cores, each with a pool per core, spent their time fighting over the CPU:
# `make load` measured 2.7 messages/s with two replicas against 36 with these (and one replica
# unchanged at about 22), for a few milliseconds more per parse (p50 20 -> 23 ms).
SERVER_ENVIRONMENT = {
    **PROCESS_ENVIRONMENT,
    "OMP_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "TF_NUM_INTRAOP_THREADS": "1",
    "TF_NUM_INTEROP_THREADS": "1",
}


class SettingsError(ValueError):
    """A setting is missing, can't be read, or contradicts another; the message names it."""


def rasa_servers(base_url: str) -> list[str]:
    """``RASA_URL``: one Rasa server, or several separated by commas (`make run` starts one per
    `RASA_PROCESSES`)."""
    return [url.strip() for url in base_url.split(",") if url.strip()]


class Settings(BaseSettings):
    # --- where things are kept ---------------------------------------------------------------
    several_hosts: bool = Field(
        False,
        description="The stack's parts run on several machines: nothing shared is made or kept in `DATA_DIR`, so "
        "every secret a process uses, both databases and an `s3` evidence store must be set, or it does not start.",
    )
    private_network: tuple[str, ...] = Field(
        (),
        description="Several hosts: the council's private network between them, comma-separated addresses/prefix "
        "(`10.20.0.0/24`) or name endings (`.safety.internal`); plain http is accepted to it, https everywhere else.",
    )
    data_dir: Path = Field(PROJECT / "data", description="Folder for the SQLite databases and the kept cookie keys.")
    database_url: str | None = Field(
        None, description="Reports database (SQLAlchemy URL, e.g. PostgreSQL); SQLite in `DATA_DIR` when not set."
    )
    tracker_database_url: str | None = Field(
        None,
        description="Rasa's conversation store, read for the widget's transcript and the staff site and cleared "
        "by erasure and retention; `rasa_tracker.db` in `DATA_DIR` if not set.",
    )
    # --- the staff-editable files ------------------------------------------------------------
    services_file: Path = Field(STAFF_EDITABLE / "services.yml", description="Services directory: every phone number.")
    signposting_file: Path = Field(
        STAFF_EDITABLE / "signposting.yml", description="The needs: routes, questions, menus."
    )
    reporting_file: Path = Field(STAFF_EDITABLE / "reporting.yml", description="The report's questions and messages.")
    case_review_file: Path = Field(STAFF_EDITABLE / "case_review.yml", description="The ASB case review rules.")
    casework_file: Path = Field(STAFF_EDITABLE / "casework.yml", description="Casework targets and retention periods.")
    live_chat_file: Path = Field(
        STAFF_EDITABLE / "live_chat.yml",
        description="Talking to a person: how long residents wait, how presence expires, what they are told.",
    )
    places_file: Path = Field(STAFF_EDITABLE / "places.yml", description="The borough's wards and their places.")
    bengali_file: Path = Field(
        STAFF_EDITABLE / "bengali.yml",
        description="What the bot says in Bengali, keyed by the English words, each marked once reviewed.",
    )
    languages_file: Path = Field(
        STAFF_EDITABLE / "languages.yml",
        description="The languages the bot answers in, and what it says in the borough's other languages.",
    )
    channel_messages_file: Path = Field(
        PROJECT / "bot" / "messages.yml", description="What the channels say themselves (e.g. when Rasa is down)."
    )
    submission_key_secret: SecretStr | None = Field(
        None,
        description="Keys the hash that files a retried report once, so an anonymous report can't be matched to "
        "its chat; a random key kept in `DATA_DIR` when not set (set the same on every action server).",
    )
    # --- Rasa ----------------------------------------------------------------------------------
    rasa_url: str = Field(
        "http://127.0.0.1:5005",
        description="Rasa's server, for the channels; or several, separated by commas, each resident's "
        "conversation always going to the same one while it is up (`make run` sets it to its own).",
    )
    rasa_processes: int = Field(
        2,
        ge=1,
        le=16,
        description="`make run`: Rasa servers on this machine (each holds the model, about 1 GB, and uses one "
        "core); one per core serves most residents.",
    )
    opening_hours_at: dt.datetime | None = Field(
        None,
        description="Rehearsals and tests only: judge services' opening hours at this London time "
        "(`2026-11-26T23:30`) instead of now.",
    )
    web_channel_secret: SecretStr | None = Field(
        None,
        description="What the web server shows Rasa to send web residents' messages; kept in `DATA_DIR` when not "
        "set (set the same for Rasa and the web servers when they are on different machines).",
    )
    telegram_channel_secret: SecretStr | None = Field(
        None, description="The same for the Telegram bridge, which may speak only for Telegram chats."
    )
    action_server_secret: SecretStr | None = Field(
        None,
        description="What Rasa shows the action server (endpoints.yml reads `ACTION_SERVER_SECRET`); kept in "
        "`DATA_DIR` when not set, and `make run` passes it to Rasa.",
    )
    # --- web server (widget and staff site) ----------------------------------------------------
    web_host: str = Field("127.0.0.1", description="Address the web server listens on.")
    web_port: int = Field(8000, ge=1, le=65535, description="Port the web server listens on.")
    web_threads: int = Field(8, ge=1, description="Web server threads.")
    web_behind_proxy: bool = Field(False, description="Trust one proxy's X-Forwarded-* headers (nginx in front).")
    web_cookie_secure: bool | None = Field(
        None,
        description="Cookies only over HTTPS, and HSTS: when not set, on whenever the site is reached by a name or "
        "address other than loopback's; `no` only for a rehearsal over plain HTTP on another address.",
    )
    web_cookie_samesite: Literal["Lax", "Strict", "None"] = Field(
        "Lax", description="The widget's cookie; `None` (with `WEB_COOKIE_SECURE`) when it is on another site."
    )
    web_secret_key: SecretStr | None = Field(
        None, description="Signs the widget's cookie; a random key kept in `DATA_DIR` when not set."
    )
    staff_secret_key: SecretStr | None = Field(
        None, description="Signs the staff site's cookie; a random key kept in `DATA_DIR` when not set."
    )
    widget_allowed_origins: tuple[str, ...] = Field(
        (), description="Other sites whose pages may embed the widget, comma-separated (`https://www.council.gov.uk`)."
    )
    widget_exit_url: str = Field(
        "https://www.bbc.co.uk/weather", description='Where the widget\'s "Leave this site" button goes.'
    )
    widget_idle_minutes: int = Field(
        60, ge=5, description="A web chat left this long is closed: its cookie no longer reads the conversation."
    )
    widget_rate_per_session: int = Field(30, ge=1, description="Messages a minute one conversation may send.")
    widget_rate_per_address: int = Field(300, ge=1, description="Messages a minute one address may send.")
    # --- Telegram --------------------------------------------------------------------------------
    telegram_bot_token: SecretStr | None = Field(
        None, description="The bot's token from @BotFather; `make run` starts the Telegram bridge when it is set."
    )
    telegram_base_url: str = Field(TELEGRAM_API, description="Telegram's Bot API (the tests point it at a fake).")
    telegram_base_file_url: str = Field(
        TELEGRAM_FILES, description="Where the Bot API serves the files residents send (the tests point it at a fake)."
    )
    telegram_webhook_url: str | None = Field(
        None, description="Public HTTPS address of the webhook; long polling when not set."
    )
    telegram_webhook_secret: SecretStr | None = Field(
        None, description="Secret token Telegram sends with each update; needed with a webhook."
    )
    telegram_webhook_listen: str = Field("127.0.0.1", description="Address the webhook listener binds.")
    telegram_webhook_port: int = Field(8443, ge=1, le=65535, description="Port the webhook listener binds.")
    # --- the council's casework system (Open311) ----------------------------------------------
    open311_endpoint: str | None = Field(
        None,
        description="Base address of the council casework system's Open311 GeoReport v2 API "
        "(`https://casework.example/open311/v2`); reports are sent only when it is set.",
    )
    open311_api_key: SecretStr | None = Field(None, description="The API key the casework system gave us.")
    open311_jurisdiction_id: str | None = Field(None, description="Sent as `jurisdiction_id` when the system asks.")
    open311_format: Literal["json", "xml"] = Field("json", description="What the system speaks: json or xml.")
    open311_file: Path = Field(
        STAFF_EDITABLE / "open311.yml",
        description="Our categories to the system's service codes; what residents are told of its changes.",
    )
    open311_send_every_seconds: float = Field(10, gt=0, description="How often the scheduler sends what is due.")
    open311_fetch_every_seconds: float = Field(
        300, gt=0, description="How often the scheduler fetches status changes from the casework system."
    )
    open311_timeout_seconds: float = Field(15, gt=0, description="How long to wait for the casework system.")
    open311_retry_first_seconds: float = Field(
        30, gt=0, description="Wait before retrying a report the system couldn't take; doubled each time."
    )
    open311_retry_most_seconds: float = Field(1800, gt=0, description="The longest wait between retries.")
    open311_media_base_url: str | None = Field(
        None,
        description="The staff site's address as the casework system reaches it (`https://safety.example/staff`). "
        "When set, a report's first photo is sent as `media_url`: a signed link that expires; not set, no "
        "evidence leaves for the casework system.",
    )
    open311_media_link_hours: float = Field(
        72, gt=0, le=24 * 30, description="How long a `media_url` link works after the report is sent."
    )
    open311_media_secret: SecretStr | None = Field(
        None,
        description="Key that signs `media_url` links; on one machine a random key is kept in `DATA_DIR` "
        "when it is not set. Changing it ends every link given.",
    )
    # --- evidence residents send (community_safety/evidence/) -------------------------------------
    evidence_store: Literal["folder", "s3"] = Field(
        "folder",
        description="Where evidence files are kept: `folder` (`DATA_DIR`/evidence, one machine) or `s3` "
        "(an S3-compatible object store, for several hosts).",
    )
    evidence_s3_endpoint: str | None = Field(
        None, description="The object store's address (`https://s3.eu-west-2.amazonaws.com`); AWS's own when not set."
    )
    evidence_s3_bucket: str | None = Field(None, description="The bucket evidence is kept in; needed with `s3`.")
    evidence_s3_access_key: SecretStr | None = Field(None, description="The object store's access key id.")
    evidence_s3_secret_key: SecretStr | None = Field(None, description="The object store's secret access key.")
    evidence_s3_region: str = Field("eu-west-2", description="The object store's region.")
    evidence_max_file_mb: float = Field(
        20, gt=0, le=2000, description="The largest file a resident may send, in MB (Telegram's bots get 20 at most)."
    )
    evidence_max_files_per_report: int = Field(10, ge=1, description="Files one report may have.")
    evidence_max_report_mb: float = Field(100, gt=0, description="All of one report's files together, in MB.")
    # --- the scheduler (python -m community_safety.jobs) ----------------------------------------
    jobs_scrub_every_seconds: float = Field(
        60, gt=0, description="How often the scheduler takes the words out of quiet anonymous-report conversations."
    )
    jobs_purge_every_seconds: float = Field(
        3600, gt=0, description="How often the scheduler applies the retention periods (data/casework.yml)."
    )
    jobs_review_every_seconds: float = Field(
        300, gt=0, description="How often the scheduler adds quiet conversations' messages to the review queue."
    )
    review_sample_share: float = Field(
        0.02,
        ge=0,
        le=1,
        description="The share of messages the bot was sure of that also go to the review queue (0 to 1).",
    )
    # --- staff and deployment --------------------------------------------------------------------
    staff_sign_ins_per_minute: int = Field(
        10, ge=1, description="Sign-in attempts a minute from one address, in each web server process."
    )
    staff_password: SecretStr | None = Field(
        None, description="`staff-admin create-user` takes the new password from here instead of asking."
    )
    prod_replicas: int = Field(2, ge=1, description="`make run-prod`: replicas of Rasa, the action and web servers.")
    prod_db_password: SecretStr | None = Field(
        None, description="`make run-prod`: PostgreSQL password (Rasa reads it in its endpoints); made once if not set."
    )

    class Config:
        case_sensitive = False
        anystr_strip_whitespace = True

        @classmethod
        def customise_sources(cls, init_settings, env_settings, file_secret_settings):
            def environment_without_blanks(settings: BaseSettings) -> dict[str, Any]:
                return {k: v for k, v in env_settings(settings).items() if not (isinstance(v, str) and not v.strip())}

            return init_settings, environment_without_blanks

        @classmethod
        def parse_env_var(cls, field_name: str, raw_value: str) -> Any:
            if field_name in {"widget_allowed_origins", "private_network"}:
                return tuple(origin.strip() for origin in raw_value.split(",") if origin.strip())
            return cls.json_loads(raw_value)

    @validator("widget_rate_per_session", "widget_rate_per_address", pre=True)
    def _per_minute(cls, value: Any) -> Any:
        # "30" or "30/minute"
        return value.split("/")[0].strip() if isinstance(value, str) else value

    @validator("telegram_webhook_secret", always=True)
    def _webhook_needs_its_secret(cls, secret: SecretStr | None, values: dict[str, Any]) -> SecretStr | None:
        if values.get("telegram_webhook_url") and not secret:
            raise ValueError(
                "TELEGRAM_WEBHOOK_URL is set but TELEGRAM_WEBHOOK_SECRET is not: the webhook must check "
                "Telegram's secret token (1-256 characters: A-Z, a-z, 0-9, _ and -)"
            )
        return secret

    @validator("private_network")
    def _private_network(cls, entries: tuple[str, ...]) -> tuple[str, ...]:
        for entry in entries:
            if not entry.startswith(".") and not _network(entry):
                raise ValueError(f"{entry!r} is neither addresses/prefix (10.20.0.0/24) nor a name ending (.internal)")
            if entry.startswith(".") and len(entry) < 3:
                raise ValueError(f"{entry!r} would match every name")
        return entries

    @validator("rasa_url")
    def _rasa_servers(cls, base_url: str, values: dict[str, Any]) -> str:
        servers = rasa_servers(base_url)
        if not servers or not all(url.startswith(("http://", "https://")) for url in servers):
            raise ValueError("give Rasa's address (http://host:port), or several separated by commas")
        private = values.get("private_network", ())
        if not all(encrypted_or_private(url, private) for url in servers):
            raise ValueError("residents' messages go to Rasa: https://, or plain http on loopback or PRIVATE_NETWORK")
        return ",".join(servers)

    @validator("open311_endpoint")
    def _open311_address(cls, endpoint: str | None, values: dict[str, Any]) -> str | None:
        if endpoint and not encrypted_or_private(endpoint, values.get("private_network", ())):
            raise ValueError(
                "give the casework system's address, starting https:// (plain http only on loopback or PRIVATE_NETWORK)"
            )
        return endpoint.rstrip("/") if endpoint else endpoint

    @validator("open311_media_base_url")
    def _media_address(cls, base_url: str | None, values: dict[str, Any]) -> str | None:
        if base_url and not encrypted_or_private(base_url, values.get("private_network", ())):
            raise ValueError(
                "the casework system fetches residents' photos here: https:// "
                "(http only on loopback or PRIVATE_NETWORK)"
            )
        return base_url.rstrip("/") if base_url else base_url

    @validator("evidence_s3_endpoint")
    def _object_store_address(cls, endpoint: str | None, values: dict[str, Any]) -> str | None:
        if endpoint and not encrypted_or_private(endpoint, values.get("private_network", ())):
            raise ValueError(
                "the object store carries residents' evidence: https:// "
                "(plain http only on loopback or PRIVATE_NETWORK)"
            )
        return endpoint

    @validator("evidence_store")
    def _shared_evidence(cls, store: str, values: dict[str, Any]) -> str:
        if values.get("several_hosts") and store == "folder":
            raise ValueError("SEVERAL_HOSTS is set: evidence must be kept where every host reaches it (s3)")
        return store

    @validator("evidence_s3_bucket", always=True)
    def _bucket_for_s3(cls, bucket: str | None, values: dict[str, Any]) -> str | None:
        if values.get("evidence_store") == "s3" and not bucket:
            raise ValueError("EVIDENCE_STORE is s3: name the bucket in EVIDENCE_S3_BUCKET")
        return bucket

    @validator("telegram_base_url", "telegram_base_file_url")
    def _telegram_address(cls, base_url: str) -> str:
        if not encrypted_or_loopback(base_url):
            raise ValueError("Telegram's Bot API is reached over https:// (plain http only on loopback, for tests)")
        return base_url

    def secret_or_kept(self, field: str, file_name: str) -> str:
        """The secret setting ``field`` when it is set; on one machine, a random key kept in DATA_DIR
        as ``file_name``, so every process there (and a restart) agrees on it."""
        configured = secret(getattr(self, field))
        if configured:
            return configured
        if self.several_hosts:
            raise SettingsError(f"SEVERAL_HOSTS is set: set {field.upper()} (the same on every host that uses it)")
        key_file = self.data_dir / file_name
        if not key_file.exists():
            key_file.parent.mkdir(parents=True, exist_ok=True)
            # A draft of its own for each caller (mkstemp: owner-only, never shared): threads of one
            # process sharing a draft named by the process wrote over each other's key through the
            # link, and a sign-in's wrong passwords at the same moment were counted under two keys.
            fd, draft = tempfile.mkstemp(prefix=f".{key_file.name}.", dir=key_file.parent)
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_urlsafe(48))
            try:
                os.link(draft, key_file)  # atomic: processes and threads starting together agree on one key
            except FileExistsError:
                pass
            finally:
                os.unlink(draft)
        return key_file.read_text().strip()

    @property
    def reports_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        if self.several_hosts:
            raise SettingsError("SEVERAL_HOSTS is set: set DATABASE_URL (one database every host shares)")
        path = self.data_dir / "community_safety.db"
        path.parent.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{path}"

    @property
    def conversations_database_url(self) -> str:
        if self.several_hosts and not self.tracker_database_url:
            raise SettingsError("SEVERAL_HOSTS is set: set TRACKER_DATABASE_URL (Rasa's conversation store)")
        return self.tracker_database_url or f"sqlite:///{self.data_dir / 'rasa_tracker.db'}"


def is_loopback(host: str | None) -> bool:
    """127.0.0.0/8, ::1 and localhost: this machine only."""
    host = (host or "").strip("[]").lower()
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def encrypted_or_loopback(url: str) -> bool:
    """An address that carries residents' reports or the bot's token: https, or plain http to this machine."""
    return encrypted_or_private(url, ())


def _network(entry: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network | None:
    try:
        return ipaddress.ip_network(entry, strict=False)
    except ValueError:
        return None


def in_private_network(host: str | None, private_network: tuple[str, ...]) -> bool:
    """An address in one of PRIVATE_NETWORK's prefixes, or a name with one of its endings. Names are
    not looked up: the setting says which names the council's own network answers for."""
    host = (host or "").strip("[]").lower()
    if not host:
        return False
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return any(entry.startswith(".") and host.endswith(entry.lower()) for entry in private_network)
    return any((network := _network(entry)) is not None and address in network for entry in private_network)


def encrypted_or_private(url: str, private_network: tuple[str, ...]) -> bool:
    """https; or plain http to this machine or, on several hosts, to the council's private network."""
    parts = urlsplit(url)
    if parts.scheme == "https":
        return True
    return parts.scheme == "http" and (
        is_loopback(parts.hostname) or in_private_network(parts.hostname, private_network)
    )


def secret(value: SecretStr | None) -> str | None:
    return value.get_secret_value() if value else None


@cache
def settings() -> Settings:
    """The settings, read from the environment once per process."""
    try:
        return Settings()
    except ValidationError as error:
        problems = "; ".join(
            f"{str(problem['loc'][0]).upper()}: {problem['msg']}" for problem in error.errors() if problem["loc"]
        )
        raise SettingsError(f"A setting can't be used. {problems}") from None


def _kind(annotation: Any) -> str:
    if annotation == tuple[str, ...]:
        return "comma-separated"
    for kind, name in (
        (bool, "yes/no"),
        (int, "number"),
        (float, "number"),
        (Path, "path"),
        (SecretStr, "secret"),
        (dt.datetime, "date and time"),
    ):
        if isinstance(annotation, type) and issubclass(annotation, kind):
            return name
    return "text"


def markdown_table() -> str:
    """The table of settings."""
    rows = ["| variable | type | default | what it is for |", "|---|---|---|---|"]
    for name, field in Settings.__fields__.items():
        default = field.default
        if isinstance(default, Path):
            default = default.relative_to(PROJECT)
        shown = (
            "not set"
            if default in (None, ())
            else f"`{'yes' if default is True else 'no' if default is False else default}`"
        )
        kind = _kind(field.outer_type_)
        if name == "web_cookie_samesite":
            kind = "Lax, Strict or None"
        if name == "open311_format":
            kind = "json or xml"
        rows.append(f"| `{name.upper()}` | {kind} | {shown} | {field.field_info.description} |")
    return "\n".join(rows)


SETTINGS_DOC = PROJECT / "docs" / "generated" / "settings.md"


def settings_doc() -> str:
    """docs/generated/settings.md, whole."""
    return f"""# Settings

Made by `make needs` from `community_safety/settings.py` (a test checks this file is current): edit
the module, not this file.

Every setting is an environment variable, read once when a process starts, by that one module
(pydantic's `BaseSettings`); a blank variable counts as not set, and a value that can't be used
stops the process at start-up, naming the variable. Secrets (the `secret` rows) never live in files
here.

{markdown_table()}

Every process of the stack also runs with `PROCESS_ENVIRONMENT` from the same module (no telemetry,
TensorFlow's log level, no model hub, the spaCy pipeline's and the encoders' paths); the Makefile
exports the same for `make`'s own commands (a test compares them).
"""


if __name__ == "__main__":
    sys.stdout.write(markdown_table() + "\n")
