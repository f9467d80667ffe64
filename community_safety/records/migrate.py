"""``python -m community_safety.records.migrate``: bring the records database up to date, write the
audit log's retention into it and, on PostgreSQL, grant the services' and the scheduler's roles what
each may do. Run as the database's owner, at every start (`make run` and `make run-prod` do)."""

from __future__ import annotations

from community_safety.casework import default_casework, months
from community_safety.records.database import session_scope, upgrade
from community_safety.records.retention import set_audit_log_retention
from community_safety.records.roles import RoleError, grant_conversations, grant_records
from community_safety.settings import settings


def set_audit_retention(url: str) -> int:
    """Write data/casework.yml's audit_log_months into the database (as the owner): the database
    then refuses to delete any younger audit entry."""
    days = months(default_casework().audit_log_months).days
    with session_scope(url) as session:
        set_audit_log_retention(session, days)
    return days


def main(argv: list[str] | None = None) -> None:
    """`python -m community_safety.records.migrate`: bring the database up to date and set the audit
    log's retention. Run as the owner; with ``--services-role ROLE`` (PostgreSQL) also let that role
    use the records and conversations but not alter the audit log, and with ``--jobs-role ROLE``
    let the scheduler's role do that and what its jobs need besides (community_safety/records/roles.py)."""
    import argparse

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--services-role", metavar="ROLE", help="the PostgreSQL role the services connect as")
    parser.add_argument("--jobs-role", metavar="ROLE", help="the PostgreSQL role the scheduler connects as")
    args = parser.parse_args(argv)
    url = upgrade()
    days = set_audit_retention(url)
    print(f"Database is up to date ({url.split('@')[-1]}); audit entries are kept {days} days")
    if args.services_role or args.jobs_role:
        if not url.startswith("postgresql"):
            raise SystemExit("--services-role and --jobs-role need PostgreSQL: SQLite has no roles.")
        try:
            for role, scheduler in ((args.services_role, False), (args.jobs_role, True)):
                if role:
                    grant_records(url, role, scheduler=scheduler)
                    grant_conversations(settings().conversations_database_url, role, scheduler=scheduler)
                    print(f"{role} may use the records and conversations; only the owner can alter the audit log")
        except RoleError as error:
            raise SystemExit(str(error)) from error


if __name__ == "__main__":
    main()
