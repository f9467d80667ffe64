"""Who is signed in to the staff site: the staff member as Flask-Login holds them, read from the
server's record of their session on every request, and the working day's limit on a session."""

from __future__ import annotations

import datetime as dt

from flask import flash, redirect, request, session, url_for
from flask_login import current_user, logout_user

from community_safety.records.database import session_scope
from community_safety.records.models import STAFF_SESSION_LONGEST, StaffUser
from staff.accounts import session_is_live

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


def enforce_absolute_timeout():
    started = session.get("signed_in_at")
    if current_user.is_authenticated and (
        not started or dt.datetime.now(dt.timezone.utc).timestamp() - started > ABSOLUTE_TIMEOUT.total_seconds()
    ):
        logout_user()
        session.clear()
        flash("You were signed out because your session ended. Sign in again.")
        return redirect(url_for("staff.sign_in", next=request.full_path))
    return None
