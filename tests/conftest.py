"""Shared fixtures. The trained model is the real one `make train` builds; nothing is mocked."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest
import yaml

PROJECT = Path(__file__).resolve().parent.parent
MODEL = PROJECT / "models" / "community-safety.tar.gz"
HELDOUT = PROJECT / "evaluation" / "heldout.yml"
NARRATIVES = PROJECT / "evaluation" / "narratives.yml"

os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
os.environ.setdefault("SPACY_PIPELINE_PATH", str(PROJECT / "build" / "spacy" / "en_community_safety"))
os.environ.setdefault("PRETRAINED_WEIGHTS_PATH", str(PROJECT / "build" / "weights"))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


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
def action_server(tmp_path_factory):
    """The real action server on loopback, with its own SQLite database (shared by the whole run)."""
    from tests.stack import start_action_server

    process, url = start_action_server(tmp_path_factory.mktemp("actions"))
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
