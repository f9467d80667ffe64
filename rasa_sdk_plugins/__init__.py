"""The action server's own check, installed through rasa-sdk's plugin hook (rasa-sdk 3.6 has no
token of its own): a call to run an action must carry the action server's secret, which only Rasa
has. Without it, anyone who could reach the action server could run any action as any resident.

rasa-sdk looks for this package by name when the action server starts (rasa_sdk/plugin.py)."""

from __future__ import annotations

import hmac

import pluggy
from sanic import Sanic, response

from community_safety.settings import settings

hookimpl = pluggy.HookimplMarker("rasa_sdk")
# Everything but the health check, which says nothing about anyone.
OPEN_PATHS = ("/health",)


def action_server_secret() -> str:
    """From the settings, or kept in DATA_DIR on one machine; Rasa sends it (endpoints.yml)."""
    return settings().secret_or_kept("action_server_secret", "action-server-secret")


class ActionServerSecret:
    @hookimpl
    def attach_sanic_app_extensions(self, app: Sanic) -> None:
        expected = f"Bearer {action_server_secret()}".encode()

        # deploy/action_server.py refuses to serve unless the app has this middleware, by its name.
        async def need_the_secret(request):
            if request.path in OPEN_PATHS:
                return None
            given = (request.headers.get("Authorization") or "").encode()
            if not hmac.compare_digest(given, expected):
                return response.json({"error": "the action server's secret is needed"}, status=401)
            return None

        app.register_middleware(need_the_secret, "request")


def init_hooks(manager: pluggy.PluginManager) -> None:
    manager.register(ActionServerSecret())
