"""``python -m deploy.action_server``: the one way the action server starts (every Procfile, the
test stacks). rasa-sdk's own start (``rasa run actions``) would quietly skip our check of Rasa's
secret if ``rasa_sdk_plugins`` failed to import, and then serve every action (some read a
resident's reports) to anyone; and when an action raises, it answers with the whole request body,
which Rasa writes to its log: the resident's conversation. Here the check is imported and confirmed
on the app before it serves, or the server does not start; and errors answer with their kind only."""

from __future__ import annotations

import argparse
import logging
import os
import sys

log = logging.getLogger(__name__)


# The name of rasa_sdk_plugins' middleware that checks Rasa's secret (a test checks they agree).
SECRET_CHECK = "need_the_secret"


class CheckMissing(RuntimeError):
    """The action server's check of Rasa's secret is not installed: it must not serve."""


def secret_check_installed(app) -> bool:
    return any(getattr(middleware, "__name__", "") == SECRET_CHECK for middleware in app.request_middleware)


def build_app(actions: str = "actions"):
    from rasa_sdk.endpoint import create_app
    from rasa_sdk.plugin import plugin_manager
    from sanic import response

    import rasa_sdk_plugins  # noqa: F401  (imported here, so a failure stops start-up instead of being skipped)

    app = create_app(actions, cors_origins=None)

    async def kind_only(request, exception: Exception):
        # Never the request body: it holds the resident's conversation, and Rasa logs what it is told.
        action = (request.json or {}).get("next_action") if request.content_type == "application/json" else None
        log.error("Action %s failed: %s", action if isinstance(action, str) else "?", type(exception).__name__)
        return response.json({"error": type(exception).__name__}, status=500)

    app.error_handler.add(Exception, kind_only)
    plugin_manager().hook.attach_sanic_app_extensions(app=app)
    if not secret_check_installed(app):
        raise CheckMissing("the check of Rasa's secret (rasa_sdk_plugins) is not installed: not starting")
    return app


def main(argv: list[str] | None = None) -> int:
    from rasa_sdk import utils

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=5055)
    parser.add_argument("--actions", default="actions")
    args = parser.parse_args(argv)
    utils.configure_colored_logging("INFO")
    utils.update_sanic_log_level()
    try:
        app = build_app(args.actions)
    except Exception as error:  # noqa: BLE001 - whatever stopped the check, the server must not serve
        print(f"Action server not started: {type(error).__name__}: {error}", file=sys.stderr)  # noqa: T201
        return 2
    host = os.environ.get("SANIC_HOST", "127.0.0.1")
    log.info("Action endpoint is up and running on http://%s:%s", host, args.port)
    app.run(host, args.port, workers=utils.number_of_sanic_workers())
    return 0


if __name__ == "__main__":
    sys.exit(main())
