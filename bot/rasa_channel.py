"""The only way into Rasa for a resident's message: the council's own input channel.

Rasa's REST channel takes any sender id from anyone who can reach it, and the sender id is who the
resident is. This channel accepts a message only with a channel's secret (``Authorization: Bearer``),
and a channel may speak only for its own residents: the web server's secret for ``web:`` senders,
the Telegram bridge's for ``telegram:`` ones. Configured in credentials.yml; the secrets come from
the settings (WEB_CHANNEL_SECRET, TELEGRAM_CHANNEL_SECRET), or are kept in DATA_DIR on one machine.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.rasa_client import channel_secret
from community_safety.channels import BRIDGED

log = logging.getLogger(__name__)

# Parsed once when the server starts, before it says it is ready: a fresh process's first parse
# builds the encoders' compute graphs (3.7 s measured), and the residents whose messages came
# first waited for it (issue #29: one in three load runs with two Rasa servers had p95 4.7 s).
WARM_UP = (
    "hello",
    "Since last summer the man downstairs plays music until 4am. When I knocked he threatened me, "
    "and my two kids can't sleep.",
)


class CouncilChannel(InputChannel):
    @classmethod
    def name(cls) -> str:
        return "council"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        return cls()

    def __init__(self) -> None:
        # Read when Rasa starts: a channel without its secret can't be used, and says so then.
        self.secrets = {channel: channel_secret(channel) for channel in BRIDGED}
        self.warm = False

    async def warm_up(self, app: Any) -> None:
        """Once the model is loaded, parse WARM_UP (the model only: no conversation is kept)."""
        while getattr(app.ctx, "agent", None) is None or not app.ctx.agent.is_ready():
            await asyncio.sleep(0.2)
        for text in WARM_UP:
            await app.ctx.agent.parse_message(text)
        self.warm = True

    def channel_of(self, request: Request) -> str | None:
        given = (request.headers.get("Authorization") or "").removeprefix("Bearer ").strip()
        for channel, secret in self.secrets.items():
            if given and hmac.compare_digest(given.encode(), secret.encode()):
                return channel
        return None

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint("council_webhook", __name__)

        @webhook.listener("after_server_start")
        async def start_warming_up(app: Any, _loop: Any) -> None:
            app.add_task(self.warm_up(app))

        @webhook.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            # What deploys and tests wait for: Rasa's own /status is part of its HTTP API, not served.
            agent = getattr(request.app.ctx, "agent", None)
            if agent is None or not agent.is_ready() or not self.warm:
                return response.json({"status": "loading"}, status=503)
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            channel = self.channel_of(request)
            if channel is None:
                return response.json({"error": "a channel's secret is needed"}, status=401)
            body = request.json if isinstance(request.json, dict) else {}
            sender, text = body.get("sender"), body.get("message")
            if not isinstance(sender, str) or not sender.startswith(f"{channel}:") or len(sender) > 200:
                # The web server can't speak for a Telegram chat, nor the bridge for a web chat.
                log.warning("A %s channel request named a sender that isn't its own: refused", channel)
                return response.json({"error": f"this channel speaks only for {channel}: senders"}, status=403)
            if not isinstance(text, str):
                return response.json({"error": "message must be text"}, status=400)
            metadata = body.get("metadata") if isinstance(body.get("metadata"), dict) else None
            collector = CollectingOutputChannel()
            await on_new_message(UserMessage(text, collector, sender, input_channel=self.name(), metadata=metadata))
            return response.json(collector.messages)

        return webhook
