"""The staff site's Flask app, mounted at /staff by the web server. Its own session cookie
(path /staff, SameSite Strict), CSRF on every form, idle and absolute session timeouts."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from flask import Flask, flash, redirect, request, session, url_for
from flask_login import LoginManager, current_user, logout_user
from flask_wtf.csrf import CSRFProtect

from community_safety.records.database import session_scope
from community_safety.records.models import STAFF_SESSION_LONGEST, StaffUser
from community_safety.settings import settings
from community_safety.updates import delivery_words
from community_safety.wording import FILTERS
from staff.accounts import session_is_live
from webserver.security import SessionsSecureOffLoopback, add_security_headers

PROJECT = Path(__file__).resolve().parent.parent
ASSETS = PROJECT / "build" / "staff"
IDLE_TIMEOUT = dt.timedelta(minutes=30)
ABSOLUTE_TIMEOUT = STAFF_SESSION_LONGEST  # a working day; then sign in again
SESSION_TOKEN = "sid"  # in the signed cookie: the session's token, checked against the server's record


class SignedInStaff:
    """The signed-in staff member as Flask-Login needs them: read once per request, detached
    from the database session."""

    def __init__(self, user: StaffUser):
        self.id, self.email, self.role = user.id, user.email, user.role
        self.is_authenticated, self.is_active, self.is_anonymous = True, bool(user.active), False

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    def get_id(self) -> str:
        return str(self.id)


def load_staff(user_id: str) -> SignedInStaff | None:
    """The staff member, while their session is live on the server (signing out revokes it there,
    so a copy of the cookie stops working too)."""
    if not (user_id.isascii() and user_id.isdigit()):
        return None
    with session_scope() as db:
        user = db.get(StaffUser, int(user_id))
        if not (user and user.active and session_is_live(db, session.get(SESSION_TOKEN), user.id, ABSOLUTE_TIMEOUT)):
            return None
        return SignedInStaff(user)


def _not_kept(response):
    # Staff pages hold residents' words: no browser or proxy keeps a copy.
    response.headers["Cache-Control"] = "no-store"
    return response


def _enforce_absolute_timeout():
    started = session.get("signed_in_at")
    if current_user.is_authenticated and (
        not started or dt.datetime.now(dt.timezone.utc).timestamp() - started > ABSOLUTE_TIMEOUT.total_seconds()
    ):
        logout_user()
        session.clear()
        flash("You were signed out because your session ended. Sign in again.")
        return redirect(url_for("staff.sign_in", next=request.full_path))
    return None


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
    app.before_request(_enforce_absolute_timeout)
    app.jinja_env.filters["fromjson"] = json.loads
    app.jinja_env.filters.update(FILTERS, delivery_words=delivery_words)
    app.register_blueprint(staff)
    app.session_interface = SessionsSecureOffLoopback()
    app.after_request(add_security_headers)
    app.after_request(_not_kept)
    return app
