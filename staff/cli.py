"""``staff-admin``: what council IT does on the command line.

staff-admin create-user --email E --role admin|caseworker   (password from STAFF_PASSWORD, or asked)
staff-admin set-first-name --email E --name N                (shown to residents in a live chat)
staff-admin purge [--dry-run]                                (retention now, as the scheduler does hourly)
staff-admin send-reports                                     (Open311: send what is due now)
staff-admin fetch-updates                                    (Open311: the casework system's changes)
staff-admin check-open311                                    (Open311: every service code is known)
"""

from __future__ import annotations

import argparse
import getpass
import sys

from community_safety.casework import default_casework
from community_safety.jobs.privacy import purge_conversation_store, purge_records, scrub
from community_safety.records import audit
from community_safety.records.conversations import ConversationStoreMissing
from community_safety.records.database import session_scope, upgrade
from community_safety.records.models import ROLES, utcnow
from community_safety.settings import SettingsError, secret, settings
from staff.accounts import AccountError, clean_first_name, create_user, find_user


def _password() -> str:
    password = secret(settings().staff_password)
    if password:
        return password
    if not sys.stdin.isatty():
        raise AccountError("Set STAFF_PASSWORD, or run this in a terminal to be asked for the password.")
    first = getpass.getpass("Password (at least 12 characters): ")
    if first != getpass.getpass("Same password again: "):
        raise AccountError("The two passwords were not the same.")
    return first


def create_user_command(args) -> int:
    upgrade()
    try:
        with session_scope() as db:
            user = create_user(db, args.email, _password(), args.role, args.first_name)
            audit.record(db, "system", "created staff account", "staff_user", user.id, {"role": (None, args.role)})
            email = user.email
    except AccountError as error:
        print(f"Account not made: {error}", file=sys.stderr)
        return 1
    print(f"Made {'an' if args.role[0] in 'aeiou' else 'a'} {args.role} account for {email}.")
    return 0


def set_first_name_command(args) -> int:
    """The name residents see when this caseworker joins a live chat (data/live_chat.yml decides
    whether it is shown)."""
    upgrade()
    try:
        with session_scope() as db:
            user = find_user(db, args.email)
            if user is None:
                raise AccountError(f"There is no account for {args.email}.")
            before, user.first_name = user.first_name, clean_first_name(args.name)
            audit.record(
                db, "system", "changed first name", "staff_user", user.id, {"first_name": (before, user.first_name)}
            )
    except AccountError as error:
        print(f"Not changed: {error}", file=sys.stderr)
        return 1
    print(f"Residents will see {args.name.strip() or 'only the role'} when {args.email} joins a live chat.")
    return 0


def purge_command(args) -> int:
    """What the scheduler's retention and scrub jobs do (community_safety/jobs/), at once."""
    upgrade()
    casework = default_casework()
    now = utcnow()
    removed = purge_records(now, dry_run=args.dry_run, actor="system")
    try:
        events = purge_conversation_store(now, dry_run=args.dry_run)
        scrubbed, _ = scrub(now, dry_run=args.dry_run)
    except ConversationStoreMissing as error:
        print(f"{error}: no conversations were purged. Set TRACKER_DATABASE_URL to Rasa's store.", file=sys.stderr)
        events = scrubbed = 0
    words = ("Would close", "Would remove", "Would take") if args.dry_run else ("Closed", "Removed", "Took")
    closed, gone, took = words
    print(
        f"{closed} {removed['stale_reports_closed']} open reports and {removed['undecided_applications_closed']} "
        f"undecided case review applications with no change for {casework.open_records_months} months."
    )
    print(
        f"{gone} {removed['reports']} closed reports and {removed['case_review_applications']} decided case "
        f"review applications older than {casework.closed_reports_months} months, "
        f"{removed['residents']} residents with nothing left, "
        f"{events} conversation events from sessions older than {casework.conversations_days} days, "
        f"{removed['live_chats']} live chats and {removed['callback_requests']} call-back requests dealt with by then, "
        f"and {removed['audit_events']} audit entries older than {casework.audit_log_months} months."
    )
    print(f"{took} the words out of {scrubbed} conversation events that went into anonymous reports.")
    return 0


def _open311():
    """The configured client and file, or a message saying why there are none."""
    from community_safety.open311.client import Open311Client
    from community_safety.open311.config import default_config

    try:
        client = Open311Client.from_settings()
    except SettingsError as error:
        print(str(error), file=sys.stderr)
        return None, None
    if client is None:
        print("OPEN311_ENDPOINT is not set: there is no casework system to send to.", file=sys.stderr)
        return None, None
    return client, default_config()


def send_reports_command(args) -> int:
    from community_safety.open311.outbox import send_due

    upgrade()
    client, config = _open311()
    if client is None:
        return 1
    outcomes = send_due(client, config, limit=args.limit)
    words = {"sent": "sent", "awaiting_id": "taken (reference to come)", "retry": "to retry", "refused": "refused"}
    done = ", ".join(f"{outcomes[key]} {word}" for key, word in words.items() if outcomes[key])
    print(f"Reports due for the casework system at {client.endpoint}: {done or 'none'}.")
    return 0


def fetch_updates_command(args) -> int:
    from community_safety.open311.updates import fetch_updates

    upgrade()
    client, config = _open311()
    if client is None:
        return 1
    print(f"Updates from the casework system at {client.endpoint}: {fetch_updates(client, config)}.")
    return 0


def check_open311_command(args) -> int:
    from community_safety.open311.client import Open311Error
    from community_safety.open311.service_codes import missing_service_codes

    client, config = _open311()
    if client is None:
        return 1
    try:
        offered = sorted(str(s.get("service_code")) for s in client.services())
        missing = missing_service_codes(client, config)
    except Open311Error as error:
        print(f"Could not ask the casework system at {client.endpoint} for its services: {error}", file=sys.stderr)
        return 1
    if missing:
        print(
            f"The casework system at {client.endpoint} has no service for: {', '.join(missing)}. "
            f"Its service codes: {', '.join(offered) or 'none'}. Change data/open311.yml.",
            file=sys.stderr,
        )
        return 1
    print(f"Every category has a service the casework system at {client.endpoint} knows.")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="staff-admin", description="Staff accounts, data retention, and sending reports to the casework system."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    make = commands.add_parser("create-user", help="make a staff account")
    make.add_argument("--email", required=True)
    make.add_argument("--role", required=True, choices=ROLES)
    make.add_argument("--first-name", help="what residents see when they join a live chat (optional)")
    make.set_defaults(run=create_user_command)
    name = commands.add_parser("set-first-name", help="the first name residents see in a live chat")
    name.add_argument("--email", required=True)
    name.add_argument("--name", required=True, help='a first name, or "" for the role only')
    name.set_defaults(run=set_first_name_command)
    purge = commands.add_parser("purge", help="remove records older than the retention periods")
    purge.add_argument("--dry-run", action="store_true", help="count, change nothing")
    purge.set_defaults(run=purge_command)
    send = commands.add_parser("send-reports", help="send reports due to the casework system (Open311) now")
    send.add_argument("--limit", type=int, default=500, help="at most this many in one go")
    send.set_defaults(run=send_reports_command)
    fetch = commands.add_parser("fetch-updates", help="fetch the casework system's changes to sent reports")
    fetch.set_defaults(run=fetch_updates_command)
    check = commands.add_parser("check-open311", help="check every category's service code with the casework system")
    check.set_defaults(run=check_open311_command)
    args = parser.parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
