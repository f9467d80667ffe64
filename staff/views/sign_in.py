"""Signing in and out."""

from __future__ import annotations

import datetime as dt
import threading
from urllib.parse import urlparse

from flask import current_app, flash, make_response, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user

from community_safety.records import audit
from community_safety.records.database import session_scope
from community_safety.settings import settings
from staff.accounts import LOCKOUT, MAX_FAILURES, authenticate, revoke_session, start_session
from staff.forms import ConfirmForm, SignInForm
from staff.signed_in import SESSION_TOKEN, SignedInStaff
from staff.views import staff
from web_security.limits import SlidingWindow

# At most this many password checks at once in a web server process, and sign-in attempts a minute
# from one address (nginx limits them too in the production profile).
CONCURRENT_PASSWORD_CHECKS = 2
CHECK_WAIT_SECONDS = 2
_PASSWORD_CHECKS = threading.BoundedSemaphore(CONCURRENT_PASSWORD_CHECKS)


def _sign_in_limit() -> SlidingWindow:
    limits = current_app.extensions.setdefault("sign_in_limit", {})
    if "window" not in limits:
        limits["window"] = SlidingWindow(settings().staff_sign_ins_per_minute)
    return limits["window"]


def _too_many(wait: float):
    response = make_response(
        render_template(
            "staff/sign_in.html",
            form=SignInForm(),
            error="Too many sign-in attempts just now. Wait a minute, then try again.",
        ),
        429,
    )
    response.headers["Retry-After"] = str(int(wait) + 1)
    return response


def _safe_next(target: str | None) -> str:
    # Only a path on this site: never an open redirect to somewhere else.
    if target and target.startswith("/") and not target.startswith("//") and not urlparse(target).netloc:
        return target
    return url_for("staff.reports")


@staff.route("/sign-in", methods=["GET", "POST"])
def sign_in():
    form = SignInForm()
    error = None
    if request.method == "POST":
        wait = _sign_in_limit().allow(request.remote_addr or "unknown")
        if wait:
            return _too_many(wait)
    if form.validate_on_submit():
        # Password checks are slow on purpose (argon2); only a few run at once, so a flood of
        # sign-ins can't take every thread that answers residents' chats.
        if not _PASSWORD_CHECKS.acquire(timeout=CHECK_WAIT_SECONDS):
            return _too_many(CHECK_WAIT_SECONDS)
        try:
            with session_scope() as db:
                user, problem = authenticate(db, form.email.data, form.password.data, request.remote_addr or "unknown")
                if user:
                    audit.record(db, user.email, "signed in", "staff_user", user.id)
                    signed_in, token = SignedInStaff(user), start_session(db, user.id)
                else:
                    signed_in = token = None
        finally:
            _PASSWORD_CHECKS.release()
        if signed_in:
            # A fresh session at sign-in: nothing set before it (session fixation) carries over.
            session.clear()
            session.permanent = True
            session["signed_in_at"] = dt.datetime.now(dt.timezone.utc).timestamp()
            session[SESSION_TOKEN] = token
            login_user(signed_in)
            return redirect(_safe_next(request.args.get("next")))
        # One answer for a wrong password, an unknown address and a locked account: which one it was
        # would tell an attacker whose accounts exist.
        error = (
            "The email address or password is not right, or there have been "
            f"{MAX_FAILURES} wrong tries from here: then wait {int(LOCKOUT.total_seconds() // 60)} minutes. "
            "Try again, or ask an admin."
        )
    status = 200 if not form.is_submitted() else (401 if error else 400)
    return render_template("staff/sign_in.html", form=form, error=error), status


@staff.post("/sign-out")
def sign_out():
    if ConfirmForm().validate_on_submit():
        with session_scope() as db:
            if revoke_session(db, session.get(SESSION_TOKEN)) and current_user.is_authenticated:
                audit.record(db, current_user.email, "signed out", "staff_user", current_user.id)
        logout_user()
        session.clear()
        flash("You have signed out.")
    return redirect(url_for("staff.sign_in"))


@staff.get("/")
def home():
    return redirect(url_for("staff.reports"))
