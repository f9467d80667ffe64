"""Training data, domain and dialogue are valid and cover every need."""

from __future__ import annotations

import os
import subprocess

import yaml

from community_safety.settings import PROCESS_ENVIRONMENT
from community_safety.signposting import default_signposting
from tests.conftest import PROJECT, read_nlu_examples

# Every need declared in signposting.yml, and asking after a report.
DOMAIN_INTENTS = [*default_signposting().needs, "report_status"]
CONVERSATION_INTENTS = ["greet", "goodbye", "affirm", "deny", "thank", "help", "bot_challenge", "out_of_scope"]


def training_examples() -> dict[str, list[str]]:
    merged: dict[str, list[str]] = {}
    for path in sorted((PROJECT / "nlu" / "data").glob("*.yml")):
        for intent, texts in read_nlu_examples(path).items():
            merged.setdefault(intent, []).extend(texts)
    return merged


def test_rasa_data_validate_passes_without_warnings():
    result = subprocess.run(
        [
            str(PROJECT / ".venv" / "bin" / "rasa"),
            "data",
            "validate",
            "--fail-on-warnings",
            "--config",
            "config.yml",
            "--domain",
            "domain.yml",
            "--data",
            "nlu/data",
            "dialogue",
        ],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, **PROCESS_ENVIRONMENT},
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]


def test_every_intent_the_product_relies_on_is_in_the_domain():
    domain = yaml.safe_load((PROJECT / "domain.yml").read_text())
    assert set(DOMAIN_INTENTS + CONVERSATION_INTENTS) <= set(domain["intents"])


def test_at_least_40_examples_per_domain_intent():
    examples = training_examples()
    short = {intent: len(examples.get(intent, [])) for intent in DOMAIN_INTENTS if len(examples.get(intent, [])) < 40}
    assert short == {}


def test_no_example_is_given_twice_or_for_two_intents():
    seen: dict[str, str] = {}
    clashes = []
    for intent, texts in training_examples().items():
        for text in texts:
            key = text.lower()
            if key in seen:
                clashes.append((text, seen[key], intent))
            seen[key] = intent
    assert clashes == []


def test_one_file_per_topic():
    for path in (PROJECT / "nlu" / "data").glob("*.yml"):
        intents = set(read_nlu_examples(path))
        assert intents, f"{path.name} holds no intents"


def test_spacy_pipeline_is_loaded_by_absolute_path():
    config = (PROJECT / "config.yml").read_text()
    assert "model: ${SPACY_PIPELINE_PATH}" in config
    assert os.path.isabs(os.environ["SPACY_PIPELINE_PATH"])
