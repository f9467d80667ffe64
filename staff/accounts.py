"""Staff accounts: argon2 password hashes, lockout after repeated failures."""

from __future__ import annotations

import contextlib
import datetime as dt

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from community_safety.records.models import ROLES, StaffUser, utcnow

MAX_FAILURES = 5
LOCKOUT = dt.timedelta(minutes=15)
MIN_PASSWORD = 12
_hasher = PasswordHasher()
# Checked when the email is unknown, so a wrong email takes as long as a wrong password.
_DUMMY_HASH = _hasher.hash("not a real password, only for timing")


class AccountError(ValueError):
    """The account cannot be made as asked; the message says why."""


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def clean_first_name(name: str | None) -> str | None:
    """What residents may see of a caseworker: one first name, letters only, or nothing."""
    name = " ".join((name or "").split())
    if not name:
        return None
    if len(name) > 60 or not all(ch.isalpha() or ch in " -'" for ch in name):
        raise AccountError("A first name is letters only (with spaces, hyphens or apostrophes), up to 60.")
    return name


def create_user(session: Session, email: str, password: str, role: str, first_name: str | None = None) -> StaffUser:
    email = normalise_email(email)
    if "@" not in email or len(email) > 254:
        raise AccountError("Give the staff member's work email address.")
    if role not in ROLES:
        raise AccountError(f"Role must be one of: {', '.join(ROLES)}.")
    if len(password or "") < MIN_PASSWORD:
        raise AccountError(f"The password must be at least {MIN_PASSWORD} characters.")
    if find_user(session, email):
        raise AccountError(f"There is already an account for {email}.")
    user = StaffUser(
        email=email, password_hash=_hasher.hash(password), role=role, first_name=clean_first_name(first_name)
    )
    session.add(user)
    session.flush()
    return user


def find_user(session: Session, email: str) -> StaffUser | None:
    return session.execute(
        select(StaffUser).where(func.lower(StaffUser.email) == normalise_email(email))
    ).scalar_one_or_none()


def active_staff(session: Session) -> list[StaffUser]:
    """Everyone a report can be assigned to, by email."""
    return list(
        session.execute(select(StaffUser).where(StaffUser.active.is_(True)).order_by(StaffUser.email)).scalars()
    )


def is_locked(user: StaffUser, now: dt.datetime | None = None) -> bool:
    return bool(user.locked_until and user.locked_until > (now or utcnow()))


def _count_failure(session: Session, user: StaffUser) -> str:
    """One more wrong password, counted by the database itself: wrong passwords sent at the same
    moment can't each read the old count and slip past the lockout."""
    session.execute(
        update(StaffUser)
        .where(StaffUser.id == user.id)
        .values(failed_logins=StaffUser.failed_logins + 1)
        .execution_options(synchronize_session=False)
    )
    session.execute(
        update(StaffUser)
        .where(StaffUser.id == user.id, StaffUser.failed_logins >= MAX_FAILURES)
        .values(failed_logins=0, locked_until=utcnow() + LOCKOUT)
        .execution_options(synchronize_session=False)
    )
    session.expire(user)
    return "locked" if is_locked(user) else "wrong"


def authenticate(session: Session, email: str, password: str) -> tuple[StaffUser | None, str | None]:
    """The user when the password is right; otherwise None and why ("locked" or "wrong")."""
    user = find_user(session, email)
    if user is None or not user.active:
        # The same work as a real check, so the answer's timing doesn't tell who has an account.
        with contextlib.suppress(VerificationError):
            _hasher.verify(_DUMMY_HASH, password or "")
        return None, "wrong"
    if is_locked(user):
        return None, "locked"
    try:
        _hasher.verify(user.password_hash, password or "")
    except (VerificationError, InvalidHashError):
        return None, _count_failure(session, user)
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = utcnow()
    return user, None
