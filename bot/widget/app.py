"""The widget's Flask app (the web server mounts it at the root)."""

from __future__ import annotations

import datetime as dt

from flask import Flask

from community_safety.settings import settings
from web_security.headers import SessionsSecureOffLoopback, add_security_headers


def create_app(overrides: dict | None = None) -> Flask:
    from bot.widget import widget

    app = Flask(__name__)
    configured = settings()
    app.config.update(
        RASA_URL=configured.rasa_url,
        WIDGET_ALLOWED_ORIGINS=list(configured.widget_allowed_origins),
        WIDGET_EXIT_URL=configured.widget_exit_url,
        SESSION_COOKIE_NAME="community_safety_session",
        SESSION_COOKIE_HTTPONLY=True,
        # Lax works when the widget's server and the council's pages share a site (chat.council.gov.uk on
        # www.council.gov.uk); another site needs "None" with WEB_COOKIE_SECURE=true.
        SESSION_COOKIE_SAMESITE=configured.web_cookie_samesite,
        # The cookie's signature is dated and renewed with each message: idle longer than this, it is refused.
        PERMANENT_SESSION_LIFETIME=dt.timedelta(minutes=configured.widget_idle_minutes),
        SESSION_REFRESH_EACH_REQUEST=True,
        MAX_CONTENT_LENGTH=64 * 1024,
        # Messages a minute: a resident typing fast sends a few; a script sends hundreds.
        WIDGET_RATE_PER_SESSION=configured.widget_rate_per_session,
        WIDGET_RATE_PER_ADDRESS=configured.widget_rate_per_address,
    )
    app.config.update(overrides or {})
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = configured.secret_or_kept("web_secret_key", "web-secret-key")
    app.register_blueprint(widget)
    app.session_interface = SessionsSecureOffLoopback()
    app.after_request(add_security_headers)
    return app
