"""Signing in: argon2 hashes, wrong tries throttled by account and address (never a lock anyone can
set off), the same work on every path, a fresh session kept on the server, timeouts, no caching."""

from __future__ import annotations

import datetime as dt
import re

from community_safety.records.database import session_scope
from community_safety.records.models import AuditEvent, SignInFailure, StaffUser
from staff.accounts import MAX_FAILURES, find_user
from staff.app import create_app as create_staff_app
from tests.staff.conftest import CASEWORKER, PASSWORD, csrf_token, sign_in


def attempt(client, password, email=CASEWORKER, address="127.0.0.1"):
    return client.post(
        "/staff/sign-in",
        data={"email": email, "password": password, "csrf_token": csrf_token(client)},
        environ_base={"REMOTE_ADDR": address},
    )


def test_passwords_are_stored_as_argon2_hashes(data):
    with session_scope() as db:
        user = find_user(db, CASEWORKER)
        assert user.password_hash.startswith("$argon2id$") and PASSWORD not in user.password_hash


def test_a_wrong_password_says_so_without_saying_which_part(client):
    response = attempt(client, "not the password")
    assert response.status_code == 401
    assert "The email address or password is not right" in response.get_data(as_text=True)
    unknown = attempt(client, PASSWORD, email="nobody@council.example")
    assert unknown.status_code == 401 and "not right" in unknown.get_data(as_text=True)


def test_repeated_failures_make_that_address_wait_not_the_accounts_owner(client):
    for _ in range(MAX_FAILURES):
        response = attempt(client, "guess")
    assert "wrong tries from here" in response.get_data(as_text=True)
    # The right password from the same address waits too: guessing from there has stopped.
    assert attempt(client, PASSWORD).status_code == 401
    # The caseworker, at their own desk, is not locked out by someone else's guesses.
    assert attempt(client, PASSWORD, address="10.20.30.40").status_code == 302
    with session_scope() as db:
        for row in db.query(SignInFailure):
            row.blocked_until = dt.datetime.utcnow() - dt.timedelta(seconds=1)
    assert attempt(client, PASSWORD).status_code == 302


def test_signing_in_elsewhere_does_not_clear_another_addresss_wait(app):
    guesser, owner = app.test_client(), app.test_client()
    for _ in range(MAX_FAILURES):
        attempt(guesser, "guess")
    assert attempt(owner, PASSWORD, address="10.20.30.40").status_code == 302
    assert attempt(guesser, PASSWORD).status_code == 401


def test_every_path_does_the_same_password_work(data, monkeypatch):
    from staff import accounts

    checks = []

    class Counting:
        def __init__(self, real):
            self.real = real

        def verify(self, stored, given):
            checks.append(1)
            return self.real.verify(stored, given)

        def __getattr__(self, name):
            return getattr(self.real, name)

    monkeypatch.setattr(accounts, "_hasher", Counting(accounts._hasher))
    with session_scope() as db:
        for _ in range(MAX_FAILURES):
            accounts.authenticate(db, CASEWORKER, "guess", "192.0.2.1")
    for email, password in [(CASEWORKER, PASSWORD), ("nobody@council.example", "guess"), (CASEWORKER, "guess")]:
        checks.clear()
        with session_scope() as db:
            user, problem = accounts.authenticate(db, email, password, "192.0.2.1")
        assert user is None and checks == [1], (email, problem)  # waiting, unknown, wrong: one check each


def test_signing_in_starts_a_fresh_session_and_is_audited(client):
    client.get("/staff/sign-in")
    before = client.get_cookie("staff_session", path="/staff").value
    sign_in(client)
    after = client.get_cookie("staff_session", path="/staff").value
    assert before != after
    with session_scope() as db:
        assert db.query(AuditEvent).filter_by(actor=CASEWORKER, action="signed in").count() == 1


def test_the_session_cookie_is_kept_to_the_staff_site(client):
    sign_in(client)
    cookie = client.get_cookie("staff_session", path="/staff")
    assert cookie.http_only and cookie.same_site == "Strict" and cookie.path == "/staff"


def test_a_session_past_its_working_day_is_signed_out(client):
    sign_in(client)
    # Rewrite the signed cookie as the staff app would, ten hours older.
    staff_app = create_staff_app()
    serializer = staff_app.session_interface.get_signing_serializer(staff_app)
    session = serializer.loads(client.get_cookie("staff_session", path="/staff").value)
    session["signed_in_at"] = (dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=10)).timestamp()
    client.set_cookie("staff_session", serializer.dumps(session), path="/staff")
    assert client.get("/staff/overview").status_code == 302
    response = client.get("/staff/reports")
    assert response.status_code == 302 and response.headers["Location"].startswith("/staff/sign-in")


def test_signing_out(client):
    sign_in(client)
    client.post("/staff/sign-out", data={"csrf_token": csrf_token(client, "/staff/reports")})
    assert client.get("/staff/reports").status_code == 302


def test_no_open_redirect_after_signing_in(client):
    response = client.post(
        "/staff/sign-in?next=//evil.example/",
        data={"email": CASEWORKER, "password": PASSWORD, "csrf_token": csrf_token(client)},
    )
    assert response.headers["Location"] == "/staff/reports"


def test_deactivated_accounts_cannot_sign_in(client):
    with session_scope() as db:
        db.query(StaffUser).filter_by(email=CASEWORKER).one().active = False
    assert attempt(client, PASSWORD).status_code == 401


def test_a_locked_account_and_an_unknown_address_get_the_same_answer(client):
    for _ in range(MAX_FAILURES):
        attempt(client, "guess")
    locked = attempt(client, PASSWORD)
    unknown = attempt(client, PASSWORD, email="nobody@council.example")
    assert locked.status_code == unknown.status_code == 401
    # Each page's CSRF token carries the second it was made: only that may differ.
    assert without_csrf_token(locked.get_data(as_text=True)) == without_csrf_token(
        unknown.get_data(as_text=True).replace('value="nobody@council.example"', f'value="{CASEWORKER}"')
    )


def without_csrf_token(page: str) -> str:
    page = re.sub(r'(name="csrf_token"[^>]*value=")[^"]+"', r'\1"', page)
    return re.sub(r'(name="csrf-token" content=")[^"]+"', r'\1"', page)  # the page head's copy


def test_wrong_passwords_at_the_same_moment_are_all_counted(data):
    import threading

    from staff.accounts import authenticate

    start = threading.Barrier(12)

    def wrong():
        start.wait()
        with session_scope() as db:
            authenticate(db, CASEWORKER, "guess", "192.0.2.7")

    threads = [threading.Thread(target=wrong) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with session_scope() as db:
        [row] = db.query(SignInFailure).all()
        assert row.blocked_until is not None and row.blocked_until > dt.datetime.utcnow()


def test_staff_pages_are_not_kept_by_browsers_or_proxies(client):
    assert client.get("/staff/sign-in").headers["Cache-Control"] == "no-store"
    sign_in(client)
    assert client.get("/staff/reports").headers["Cache-Control"] == "no-store"


def test_signing_out_revokes_the_session_so_a_copied_cookie_stops_working(app):
    caseworker, thief = app.test_client(), app.test_client()
    sign_in(caseworker)
    copied = caseworker.get_cookie("staff_session", path="/staff").value
    thief.set_cookie("staff_session", copied, path="/staff")
    assert thief.get("/staff/reports").status_code == 200  # a copy works while the session lives...
    caseworker.post("/staff/sign-out", data={"csrf_token": csrf_token(caseworker, "/staff/reports")})
    assert thief.get("/staff/reports").status_code == 302  # ...and not once it is signed out
    with session_scope() as db:
        assert db.query(AuditEvent).filter_by(actor=CASEWORKER, action="signed out").count() == 1


def test_sign_in_attempts_from_one_address_are_limited(client):
    answers = [attempt(client, "guess", email=f"nobody{n}@council.example").status_code for n in range(12)]
    assert answers[:10] == [401] * 10 and answers[10:] == [429, 429]
