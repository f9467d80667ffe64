"""the scheduler's runs (shown to admins), and the audit log's own retention: old entries may be
deleted once past it, recent ones never

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 22:40:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

# Until `python -m community_safety.records.migrate` writes casework.yml's value, 6 years.
DEFAULT_AUDIT_DAYS = 2191

# The database itself keeps the audit log's guard: an entry younger than the retention in
# audit_log_retention (which only the owner can change) can't be deleted by anyone, and no entry
# can be changed. With no retention row, nothing can be deleted.
SQLITE_DELETE_GUARD = """
CREATE TRIGGER audit_events_DELETE_refused BEFORE DELETE ON audit_events
WHEN OLD.at >= datetime('now', '-' || COALESCE((SELECT days FROM audit_log_retention WHERE id = 1), 36500) || ' days')
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only: only entries past its retention may go'); END
"""
POSTGRES_GUARD = """
CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'DELETE' AND OLD.at < (now() AT TIME ZONE 'utc') - make_interval(
       days => COALESCE((SELECT days FROM audit_log_retention WHERE id = 1), 36500)) THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'the audit log is append-only: only entries past its retention may go';
END; $$ LANGUAGE plpgsql
"""
POSTGRES_APPEND_ONLY = """
CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger AS $$
BEGIN RAISE EXCEPTION 'the audit log is append-only'; END; $$ LANGUAGE plpgsql
"""


def upgrade() -> None:
    op.create_table(
        "job_runs",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=True),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.Column("outcome", sa.String(length=120), nullable=True),
        sa.Column("summary", sa.Text(), nullable=True),
        sa.Column("last_success_at", sa.DateTime(), nullable=True),
        sa.Column("every_seconds", sa.Integer(), nullable=True),
        sa.Column("watermark", sa.Float(), nullable=True),
        sa.PrimaryKeyConstraint("name"),
    )
    op.create_table(
        "audit_log_retention",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("days", sa.Integer(), nullable=False),
        sa.CheckConstraint("id = 1", name="ck_audit_log_retention_one_row"),
        sa.CheckConstraint("days >= 365", name="ck_audit_log_retention_a_year_at_least"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.execute(f"INSERT INTO audit_log_retention (id, days) VALUES (1, {DEFAULT_AUDIT_DAYS})")
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER audit_events_DELETE_refused")
        op.execute(SQLITE_DELETE_GUARD)
    elif op.get_bind().dialect.name == "postgresql":
        op.execute(POSTGRES_GUARD)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER audit_events_DELETE_refused")
        op.execute(
            "CREATE TRIGGER audit_events_DELETE_refused BEFORE DELETE ON audit_events "
            "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END"
        )
    elif op.get_bind().dialect.name == "postgresql":
        op.execute(POSTGRES_APPEND_ONLY)
    op.drop_table("audit_log_retention")
    op.drop_table("job_runs")
