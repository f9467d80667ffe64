"""Reports stored for real, on SQLite and on PostgreSQL, through the Alembic migrations."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from sqlalchemy import func, inspect, select

from community_safety.case_review import CaseReviewRules
from community_safety.records import database
from community_safety.records.models import Report, Resident
from community_safety.records.reports import file_case_review_application, file_report, reports_of, standing_of

RULES = CaseReviewRules.from_file()


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request, tmp_path):
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'records.db'}"
    else:
        server = request.getfixturevalue("postgres")
        url = server.url
        # A clean schema for each test.
        with database.engine_for(url).begin() as connection:
            connection.exec_driver_sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    database.upgrade(url)
    return url


def report_fields(**overrides):
    fields = {
        "description": "Loud music from the flat upstairs",
        "location_text": "Brick Lane",
        "postcode": "E1 6AN",
        "occurred_on": dt.date.today(),
        "occurred_text": "last night",
    }
    fields.update(overrides)
    return fields


def test_migrations_create_the_tables(db):
    tables = set(inspect(database.engine_for(db)).get_table_names())
    assert {"residents", "reports", "status_changes", "case_review_applications", "alembic_version"} <= tables


def test_a_report_gets_a_reference_and_its_first_status(db):
    with database.session_scope(db) as session:
        report = file_report(
            session, channel="telegram", channel_user_id="123", submission_key="k1", fields=report_fields()
        )
        assert report.reference == f"ASB-{dt.date.today().year}-{report.id:05d}"
        assert report.status == "new" and report.history[0].to_status == "new"


def test_filing_the_same_submission_twice_stores_it_once(db):
    with database.session_scope(db) as session:
        first = file_report(
            session, channel="web", channel_user_id="abc", submission_key="same", fields=report_fields()
        )
    with database.session_scope(db) as session:
        again = file_report(
            session, channel="web", channel_user_id="abc", submission_key="same", fields=report_fields()
        )
        assert again.reference == first.reference
        assert session.execute(select(func.count(Report.id))).scalar() == 1


def test_anonymous_reports_are_not_linked_to_anyone(db):
    with database.session_scope(db) as session:
        report = file_report(
            session, channel="web", channel_user_id="abc", submission_key="anon", fields=report_fields(), anonymous=True
        )
        assert report.anonymous and report.resident_id is None
        assert reports_of(session, "web", "abc") == []


def test_separate_incidents_count_toward_the_case_review(db):
    today = dt.date.today()
    with database.session_scope(db) as session:
        for i, days_ago in enumerate((20, 10, 10, 2)):
            place = "Roman Road" if days_ago == 2 else "Brick Lane"
            file_report(
                session,
                channel="telegram",
                channel_user_id="42",
                submission_key=f"s{i}",
                fields=report_fields(
                    occurred_on=today - dt.timedelta(days=days_ago), postcode=None, location_text=place
                ),
            )
    with database.session_scope(db) as session:
        current = standing_of(session, "telegram", "42", RULES, today)
        assert current.count == 3 and current.eligible  # the incident told twice counts once
        application = file_case_review_application(
            session, channel="telegram", channel_user_id="42", submission_key="cr1", current=current
        )
        assert application.reference.startswith(f"CR-{today.year}-")
        assert len(__import__("json").loads(application.report_references)) == 3


def test_duplicate_status_is_not_counted(db):
    with database.session_scope(db) as session:
        report = file_report(session, channel="web", channel_user_id="d", submission_key="d1", fields=report_fields())
        report.status = "duplicate"
    with database.session_scope(db) as session:
        assert standing_of(session, "web", "d", RULES).count == 0


def test_two_reports_filed_at_once_by_one_resident_are_both_kept_and_counted_once_each(db):
    barrier = threading.Barrier(2)
    errors = []

    def file(key: str, place: str):
        try:
            barrier.wait()
            with database.session_scope(db) as session:
                file_report(
                    session,
                    channel="telegram",
                    channel_user_id="race",
                    submission_key=key,
                    fields=report_fields(location_text=place, postcode=None),
                )
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [
        threading.Thread(target=file, args=(f"race-{n}", place))
        for n, place in enumerate(("Bow Road", "Mile End Road"))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with database.session_scope(db) as session:
        assert session.execute(select(func.count(Resident.id))).scalar() == 1
        assert len(reports_of(session, "telegram", "race")) == 2
        assert standing_of(session, "telegram", "race", RULES).count == 2


def test_a_report_needs_a_description(db):
    with database.session_scope(db) as session, pytest.raises(ValueError, match="description"):
        file_report(
            session,
            channel="web",
            channel_user_id="x",
            submission_key="empty",
            fields=report_fields(description="  "),
        )


def test_the_default_database_is_a_sqlite_file_under_the_data_directory(tmp_path, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "data"))
    url = database.upgrade()
    assert url == f"sqlite:///{tmp_path / 'data' / 'community_safety.db'}"
    assert (tmp_path / "data" / "community_safety.db").exists()


def test_the_audit_log_refuses_changes_and_deletions(db):
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    from community_safety.records.models import AuditEvent

    with database.session_scope(db) as session:
        session.add(
            AuditEvent(
                actor="a@council.example",
                action="changed status",
                object_type="report",
                object_id="ASB-2026-00001",
                changes="{}",
            )
        )
    for statement in ("UPDATE audit_events SET actor = 'someone else'", "DELETE FROM audit_events"):
        with pytest.raises(DBAPIError, match="append-only"), database.engine_for(db).begin() as connection:
            connection.execute(text(statement))
    with database.session_scope(db) as session:
        assert session.query(AuditEvent).one().actor == "a@council.example"


def test_migrations_go_down_and_up_again(db):
    from alembic import command

    command.downgrade(database.alembic_config(db), "0001")
    database.upgrade(db)
    assert "audit_events" in inspect(database.engine_for(db)).get_table_names()


def test_a_status_change_records_who_why_and_what_the_resident_is_told(db):
    from community_safety.records.reports import change_status
    from community_safety.updates import undelivered_updates, update_message

    with database.session_scope(db) as session:
        report = file_report(session, channel="web", channel_user_id="s1", submission_key="sc1", fields=report_fields())
        assert report.ward == "Spitalfields & Banglatown" and report.due_on > report.created_at.date()
        with pytest.raises(ValueError):
            change_status(session, report, "in_progress", note=" ", by="cw@council.example")
        change = change_status(
            session,
            report,
            "in_progress",
            note="called",
            by="cw@council.example",
            resident_update="We are looking into it.",
        )
        assert report.status == "in_progress" and change.from_status == "new"
        assert undelivered_updates(session, "web", "s1") == [change]
        assert update_message(change).startswith(f"Update on your report {report.reference}: We are looking")
        # Told in the language the resident reported in; the caseworker's words as they wrote them.
        report.language = "bn"
        assert update_message(change) == (
            f"আপনার রিপোর্ট {report.reference} নিয়ে খবর: We are looking into it.\nঅবস্থা: একজন কেসওয়ার্কার বিষয়টা দেখছেন।"
        )


@pytest.fixture
def needs_file_with_fly_tipping(tmp_path, environment):
    """The needs file with one more need, fly-tipping, whose reports have a category of their own
    (FT- references) that does not count toward the ASB case review."""
    import yaml

    from community_safety.signposting import SIGNPOSTING_FILE, default_signposting

    document = yaml.safe_load(SIGNPOSTING_FILE.read_text())
    document["needs"]["fly_tipping"] = {
        "title": "Fly-tipping",
        "report": {
            "when": "incident",
            "category": {
                "name": "fly_tipping",
                "title": "Fly-tipping",
                "reference_prefix": "FT",
                "open311_service_code": "fly_tipping",
                "counts_toward_case_review": False,
            },
        },
        "intro": "Thank you for telling me.",
        "routes": [{"say": "The council's street cleaning team clears it.", "services": ["council_asb_reporting"]}],
        "next": "Tell me where it is and I'll make a report.",
        "bengali": "awaiting translation",
    }
    document["menus"]["more"].append("fly_tipping")
    path = tmp_path / "signposting.yml"
    path.write_text(yaml.safe_dump(document))
    environment(SIGNPOSTING_FILE=str(path))
    default_signposting.cache_clear()
    yield default_signposting()
    default_signposting.cache_clear()


def test_each_report_is_filed_under_its_needs_category(db, needs_file_with_fly_tipping):
    year = dt.date.today().year
    with database.session_scope(db) as session:

        def filed(key, need, **fields):
            return file_report(
                session,
                channel="web",
                channel_user_id="cat",
                submission_key=key,
                fields=report_fields(**fields),
                need=need,
            )

        today = dt.date.today()
        tipping = filed("c1", "fly_tipping", location_text="Roman Road", occurred_on=today)
        hate = filed("c2", "report_asb", hate_motivated=True, occurred_on=today - dt.timedelta(days=3))
        review = filed("c3", "community_trigger", occurred_on=today - dt.timedelta(days=6))
        menu = filed("c4", None, occurred_on=today - dt.timedelta(days=9))
        assert tipping.category == "fly_tipping" and tipping.reference.startswith(f"FT-{year}-")
        assert hate.category == "hate" and hate.reference.startswith(f"ASB-{year}-")
        assert review.category == menu.category == "asb"
    with database.session_scope(db) as session:
        # The fly-tipping report is not anti-social behaviour: the case review counts the other three.
        assert standing_of(session, "web", "cat", RULES).count == 3
    from community_safety.open311.config import Open311Config

    assert Open311Config.from_file().service_codes == {"asb": "asb", "hate": "hate", "fly_tipping": "fly_tipping"}
