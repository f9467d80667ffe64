"""The staff site's Flask app, mounted at /staff by the web server. Its own session cookie
(path /staff, SameSite Strict), CSRF on every form, idle and absolute session timeouts."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from flask import Flask
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect

from community_safety.settings import settings
from community_safety.signposting import default_signposting
from community_safety.updates import delivery_words
from community_safety.wording import FILTERS
from staff.signed_in import enforce_absolute_timeout, load_staff
from web_security.headers import SessionsSecureOffLoopback, add_security_headers

PROJECT = Path(__file__).resolve().parent.parent
ASSETS = PROJECT / "build" / "staff"
IDLE_TIMEOUT = dt.timedelta(minutes=30)


def _not_kept(response):
    # Staff pages hold residents' words: no browser or proxy keeps a copy.
    response.headers["Cache-Control"] = "no-store"
    return response


def create_app(overrides: dict | None = None) -> Flask:
    from staff.views import staff

    configured = settings()
    app = Flask(__name__, static_folder=str(ASSETS), static_url_path="/assets")
    app.config.update(
        SESSION_COOKIE_NAME="staff_session",
        SESSION_COOKIE_PATH="/staff",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Strict",
        PERMANENT_SESSION_LIFETIME=IDLE_TIMEOUT,
        SESSION_REFRESH_EACH_REQUEST=True,
        WTF_CSRF_TIME_LIMIT=None,  # the session's own timeouts bound the token
        MAX_CONTENT_LENGTH=256 * 1024,
    )
    app.config.update(overrides or {})
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = configured.secret_or_kept("staff_secret_key", "staff-secret-key")
    CSRFProtect(app)
    login = LoginManager(app)
    login.session_protection = "strong"
    login.login_view = "staff.sign_in"
    login.login_message = "Sign in to see this page."
    login.user_loader(load_staff)
    app.before_request(enforce_absolute_timeout)
    app.jinja_env.filters["fromjson"] = json.loads
    app.jinja_env.filters.update(
        FILTERS, delivery_words=delivery_words, category_name=lambda value: default_signposting().category_name(value)
    )
    app.register_blueprint(staff)
    app.session_interface = SessionsSecureOffLoopback()
    app.after_request(add_security_headers)
    app.after_request(_not_kept)
    return app
