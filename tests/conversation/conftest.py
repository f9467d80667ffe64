from __future__ import annotations

import pytest

from tests.stack import Conversation, start_action_server, start_rasa


@pytest.fixture(scope="session")
def action_server(tmp_path_factory):
    process, url = start_action_server(tmp_path_factory.mktemp("actions"))
    yield url
    process.stop()


@pytest.fixture(scope="session")
def rasa_url(action_server, tmp_path_factory):
    process, base = start_rasa(tmp_path_factory.mktemp("rasa"), action_server)
    yield base
    process.stop()


@pytest.fixture
def chat(rasa_url) -> Conversation:
    return Conversation(rasa_url)
