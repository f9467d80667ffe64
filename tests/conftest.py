"""Shared fixtures. The trained model is the real one `make train` builds; nothing is mocked."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest
import yaml

from community_safety.settings import PROCESS_ENVIRONMENT, settings

PROJECT = Path(__file__).resolve().parent.parent
MODEL = PROJECT / "models" / "community-safety.tar.gz"
HELDOUT = PROJECT / "evaluation" / "heldout.yml"
NARRATIVES = PROJECT / "evaluation" / "narratives.yml"

for _name, _value in PROCESS_ENVIRONMENT.items():
    os.environ.setdefault(_name, _value)
# Every process a test starts shows Rasa the same channel secrets as the tests themselves.
os.environ.setdefault("WEB_CHANNEL_SECRET", "web-channel-secret-for-tests")
os.environ.setdefault("TELEGRAM_CHANNEL_SECRET", "telegram-channel-secret-for-tests")
os.environ.setdefault("ACTION_SERVER_SECRET", "action-server-secret-for-tests")


@pytest.fixture(autouse=True)
def settings_read_afresh():
    """Settings are read once per process; a test that sets a variable sees it, and leaves none behind."""
    settings.cache_clear()
    yield
    settings.cache_clear()


@pytest.fixture
def environment(monkeypatch):
    """Sets (or, with None, removes) variables as a process would start with them."""

    def configure(**variables: str | None) -> None:
        for name, value in variables.items():
            if value is None:
                monkeypatch.delenv(name, raising=False)
            else:
                monkeypatch.setenv(name, value)
        settings.cache_clear()

    return configure


def read_nlu_examples(path: Path) -> dict[str, list[str]]:
    """Intent -> examples, from a Rasa YAML NLU file (entity annotations kept as typed)."""
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    examples: dict[str, list[str]] = {}
    for block in document.get("nlu", []):
        if "intent" in block:
            lines = [line[2:].strip() for line in block["examples"].splitlines() if line.startswith("- ")]
            examples.setdefault(block["intent"], []).extend(lines)
    return examples


@pytest.fixture(scope="session")
def heldout() -> dict[str, list[str]]:
    return read_nlu_examples(HELDOUT)


@pytest.fixture(scope="session")
def narratives() -> dict[str, list[str]]:
    return read_nlu_examples(NARRATIVES)


@pytest.fixture(scope="session")
def agent():
    """The trained model, loaded in-process once for the whole run."""
    if not MODEL.exists():
        pytest.fail(f"No trained model at {MODEL}: run `make train` (make test does it for you).")
    from rasa.core.agent import Agent

    return Agent.load(str(MODEL))


@pytest.fixture(scope="session")
def parse(agent):
    loop = asyncio.new_event_loop()

    def _parse(text: str) -> dict:
        return loop.run_until_complete(agent.parse_message(text))

    yield _parse
    loop.close()


@pytest.fixture(scope="session")
def casework_system():
    """The council's casework system as an Open311 peer on loopback (tests/open311_server.py): the
    session's action server queues every report filed in conversation for it."""
    from tests.open311_server import FakeOpen311

    server = FakeOpen311()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def action_server(tmp_path_factory, casework_system):
    """The real action server on loopback, with its own SQLite database (shared by the whole run)."""
    from tests.open311_server import API_KEY
    from tests.stack import start_action_server

    open311 = {"OPEN311_ENDPOINT": casework_system.url, "OPEN311_API_KEY": API_KEY}
    process, url = start_action_server(tmp_path_factory.mktemp("actions"), env=open311)
    yield url
    process.stop()


@pytest.fixture(scope="session")
def rasa_url(action_server, tmp_path_factory):
    """A real Rasa server with the trained model, talking to the action server."""
    from tests.stack import start_rasa

    log_dir = tmp_path_factory.mktemp("rasa")
    process, base = start_rasa(log_dir, action_server)
    # The staff site reads conversations from the same tracker store.
    os.environ["TRACKER_DATABASE_URL"] = f"sqlite:///{log_dir / 'tracker.db'}"
    yield base
    process.stop()


@pytest.fixture(scope="session")
def live_chat_stack(action_server, tmp_path_factory):
    """Rasa, an action server, the web server and a Telegram bridge for the live chat tests, judging
    the team's hours on a Thursday morning (tests/live_chat_stack.py)."""
    from tests.live_chat_stack import start_live_chat_stack

    stack = start_live_chat_stack(tmp_path_factory.mktemp("live-chat"))
    yield stack
    stack.stop()
