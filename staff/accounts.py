"""Staff accounts: argon2 password hashes, sign-in throttled by account and address, sessions kept
on the server so signing out revokes them."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import case, delete, func, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from community_safety.records.models import ROLES, SignInFailure, StaffSession, StaffUser, utcnow
from community_safety.settings import settings

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


def _keyed(kind: str, value: str) -> str:
    """An account or address as a keyed hash: the table says nothing by itself about who tried."""
    key = settings().secret_or_kept("staff_secret_key", "staff-secret-key").encode()
    return hmac.new(key, f"{kind}:{value}".encode(), "sha256").hexdigest()


def _waiting(session: Session, account: str, address: str, now: dt.datetime) -> bool:
    row = session.get(SignInFailure, (account, address))
    return bool(row and row.blocked_until and row.blocked_until > now)


def _count_failure(session: Session, account: str, address: str, now: dt.datetime) -> str:
    """One more wrong password for this account from this address, counted by the database itself
    (wrong passwords sent at the same moment can't each read the old count); a count older than
    LOCKOUT starts again."""
    table = SignInFailure.__table__
    insert = postgresql_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    stale = table.c.first_at < now - LOCKOUT
    session.execute(
        insert(table)
        .values(account_key=account, address_key=address, failures=1, first_at=now)
        .on_conflict_do_update(
            index_elements=[table.c.account_key, table.c.address_key],
            set_={
                "failures": case((stale, 1), else_=table.c.failures + 1),
                "first_at": case((stale, now), else_=table.c.first_at),
            },
        )
    )
    session.execute(
        update(table)
        .where(table.c.account_key == account, table.c.address_key == address, table.c.failures >= MAX_FAILURES)
        .values(failures=0, first_at=now, blocked_until=now + LOCKOUT)
    )
    return "locked" if _waiting(session, account, address, now) else "wrong"


def authenticate(
    session: Session, email: str, password: str, address: str = "unknown", now: dt.datetime | None = None
) -> tuple[StaffUser | None, str | None]:
    """The user when the password is right; otherwise None and why ("locked" or "wrong").

    Every path does the same work, one password check, so timing tells nothing about whether an
    account exists or must wait. Wrong passwords count against the account from this address only:
    after MAX_FAILURES that address waits LOCKOUT for that account, while its owner, elsewhere, can
    still sign in; a right password clears only its own address's count."""
    now = now or utcnow()
    user = find_user(session, email)
    known = user is not None and bool(user.active)
    try:
        right = _hasher.verify(user.password_hash if known else _DUMMY_HASH, password or "") and known
    except (VerificationError, InvalidHashError):
        right = False
    account, place = _keyed("account", normalise_email(email)), _keyed("address", address)
    if _waiting(session, account, place, now):
        return None, "locked"
    if not right:
        return None, _count_failure(session, account, place, now)
    session.execute(
        delete(SignInFailure).where(SignInFailure.account_key == account, SignInFailure.address_key == place)
    )
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    user.last_login_at = now
    return user, None


# --- sessions kept on the server ----------------------------------------------------------------


def start_session(session: Session, staff_user_id: int, now: dt.datetime | None = None) -> str:
    """A new session's token, for the cookie; only its hash is kept."""
    token = secrets.token_urlsafe(32)
    session.add(StaffSession(key=_token_key(token), staff_user_id=staff_user_id, created_at=now or utcnow()))
    return token


def _token_key(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _session_row(session: Session, token: object) -> StaffSession | None:
    """The session a cookie's token names, if it names one (a cookie can hold anything)."""
    if not isinstance(token, str) or not token:
        return None
    return session.get(StaffSession, _token_key(token))


def session_is_live(session: Session, token: object, staff_user_id: int, longest: dt.timedelta) -> bool:
    row = _session_row(session, token)
    return bool(
        row and row.staff_user_id == staff_user_id and row.revoked_at is None and row.created_at > utcnow() - longest
    )


def revoke_session(session: Session, token: object) -> bool:
    row = _session_row(session, token)
    if row is None or row.revoked_at is not None:
        return False
    row.revoked_at = utcnow()
    return True
