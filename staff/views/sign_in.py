"""Signing in and out."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlparse

from flask import flash, redirect, render_template, request, session, url_for
from flask_login import login_user, logout_user

from community_safety.records.database import session_scope
from staff import audit
from staff.accounts import LOCKOUT, authenticate
from staff.app import SignedInStaff
from staff.forms import ConfirmForm, SignInForm
from staff.views import staff


def _safe_next(target: str | None) -> str:
    # Only a path on this site: never an open redirect to somewhere else.
    if target and target.startswith("/") and not target.startswith("//") and not urlparse(target).netloc:
        return target
    return url_for("staff.reports")


@staff.route("/sign-in", methods=["GET", "POST"])
def sign_in():
    form = SignInForm()
    error = None
    if form.validate_on_submit():
        with session_scope() as db:
            user, problem = authenticate(db, form.email.data, form.password.data)
            if user:
                audit.record(db, user.email, "signed in", "staff_user", user.id)
                signed_in = SignedInStaff(user)
            else:
                signed_in = None
        if signed_in:
            # A fresh session at sign-in: nothing set before it (session fixation) carries over.
            session.clear()
            session.permanent = True
            session["signed_in_at"] = dt.datetime.now(dt.timezone.utc).timestamp()
            login_user(signed_in)
            return redirect(_safe_next(request.args.get("next")))
        if problem == "locked":
            error = (
                f"This account is locked for {int(LOCKOUT.total_seconds() // 60)} minutes after too many "
                "wrong passwords. Try again later or ask an admin."
            )
        else:
            error = "The email address or password is not right."
    status = 200 if not form.is_submitted() else (401 if error else 400)
    return render_template("staff/sign_in.html", form=form, error=error), status


@staff.post("/sign-out")
def sign_out():
    if ConfirmForm().validate_on_submit():
        logout_user()
        session.clear()
        flash("You have signed out.")
    return redirect(url_for("staff.sign_in"))


@staff.get("/")
def home():
    return redirect(url_for("staff.reports"))
