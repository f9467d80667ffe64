"""The council's channel into Rasa says it is ready only once the model has read its warm-up
messages, so no resident's message waits for a fresh process's first parse."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace

from bot.rasa_channel import WARM_UP, CouncilChannel


class LoadingAgent:
    """A model that becomes ready after a few checks, noting what it is asked to read."""

    def __init__(self, checks_until_ready: int = 3):
        self.checks_left, self.parsed = checks_until_ready, []

    def is_ready(self) -> bool:
        self.checks_left -= 1
        return self.checks_left < 0

    async def parse_message(self, text: str) -> dict:
        self.parsed.append(text)
        return {"text": text}


def test_the_model_reads_the_warm_up_messages_once_it_is_loaded(environment, tmp_path):
    environment(DATA_DIR=str(tmp_path))
    channel, agent = CouncilChannel(), LoadingAgent()
    app = SimpleNamespace(ctx=SimpleNamespace(agent=None))

    async def start() -> None:
        warming = asyncio.create_task(channel.warm_up(app))
        await asyncio.sleep(0.3)
        assert not channel.warm and agent.parsed == []  # no model yet
        app.ctx.agent = agent
        await asyncio.wait_for(warming, timeout=10)

    asyncio.run(start())
    assert channel.warm and agent.parsed == list(WARM_UP)
