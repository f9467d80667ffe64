"""The widget's Flask app (the web server mounts it at the root)."""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask

from bot.widget.limits import parse_rate
from webserver.secret_key import secret_key
from webserver.security import add_security_headers, env_flag

PROJECT = Path(__file__).resolve().parents[2]


def create_app(settings: dict | None = None) -> Flask:
    from bot.widget import widget

    app = Flask(__name__)
    data_dir = Path(os.environ.get("DATA_DIR", PROJECT / "data"))
    app.config.update(
        RASA_URL=os.environ.get("RASA_URL", "http://127.0.0.1:5005"),
        RASA_TOKEN=os.environ.get("RASA_TOKEN") or None,
        WIDGET_ALLOWED_ORIGINS=[
            o.strip() for o in os.environ.get("WIDGET_ALLOWED_ORIGINS", "").split(",") if o.strip()
        ],
        WIDGET_EXIT_URL=os.environ.get("WIDGET_EXIT_URL", "https://www.bbc.co.uk/weather"),
        SESSION_COOKIE_NAME="community_safety_session",
        SESSION_COOKIE_HTTPONLY=True,
        # Lax works when the widget's server and the council's pages share a site (chat.council.gov.uk on
        # www.council.gov.uk); another site needs "None" with WEB_COOKIE_SECURE=true.
        SESSION_COOKIE_SAMESITE=os.environ.get("WEB_COOKIE_SAMESITE", "Lax"),
        SESSION_COOKIE_SECURE=env_flag("WEB_COOKIE_SECURE"),
        MAX_CONTENT_LENGTH=64 * 1024,
        # Messages a minute: a resident typing fast sends a few; a script sends hundreds.
        WIDGET_RATE_PER_SESSION=parse_rate(os.environ.get("WIDGET_RATE_PER_SESSION", ""), 30),
        WIDGET_RATE_PER_ADDRESS=parse_rate(os.environ.get("WIDGET_RATE_PER_ADDRESS", ""), 300),
    )
    app.config.update(settings or {})
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = secret_key("WEB_SECRET_KEY", data_dir / "web-secret-key")
    app.register_blueprint(widget)
    app.after_request(add_security_headers)
    return app
