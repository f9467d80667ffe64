from __future__ import annotations

import pytest

from tests.stack import Conversation


@pytest.fixture
def chat(rasa_url) -> Conversation:
    return Conversation(rasa_url)
