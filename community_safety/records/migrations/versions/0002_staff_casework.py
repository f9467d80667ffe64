"""staff accounts, audit log, casework fields on reports and case-review applications

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26 14:40:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

APPEND_ONLY_SQLITE = """
CREATE TRIGGER audit_events_{verb}_refused BEFORE {verb} ON audit_events
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END
"""
APPEND_ONLY_POSTGRES = [
    """CREATE FUNCTION audit_events_append_only() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'the audit log is append-only'; END; $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events
       FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()""",
]


def upgrade() -> None:
    op.create_table(
        "staff_users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("active", sa.Boolean(), server_default="1", nullable=False),
        sa.Column("failed_logins", sa.Integer(), server_default="0", nullable=False),
        sa.Column("locked_until", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("last_login_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("email"),
    )
    op.create_table(
        "audit_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor", sa.String(length=254), nullable=False),
        sa.Column("action", sa.String(length=60), nullable=False),
        sa.Column("object_type", sa.String(length=40), nullable=False),
        sa.Column("object_id", sa.String(length=80), nullable=False),
        sa.Column("changes", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_audit_events_at", "audit_events", ["at"])
    with op.batch_alter_table("reports") as batch:
        batch.add_column(sa.Column("ward", sa.String(length=60), nullable=True))
        batch.add_column(sa.Column("priority", sa.String(length=10), server_default="normal", nullable=False))
        batch.add_column(sa.Column("assignee_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("due_on", sa.Date(), nullable=True))
        batch.create_foreign_key("fk_reports_assignee", "staff_users", ["assignee_id"], ["id"])
    with op.batch_alter_table("status_changes") as batch:
        batch.add_column(sa.Column("delivered_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("delivered_by", sa.String(length=20), nullable=True))
    with op.batch_alter_table("case_review_applications") as batch:
        batch.add_column(sa.Column("respond_by", sa.Date(), nullable=True))
        batch.add_column(sa.Column("decision", sa.String(length=30), nullable=True))
        batch.add_column(sa.Column("decision_reason", sa.Text(), nullable=True))
        batch.add_column(sa.Column("decided_by", sa.String(length=254), nullable=True))
        batch.add_column(sa.Column("decided_at", sa.DateTime(), nullable=True))
    # Reports filed before this migration: due 7 calendar days (5 working days) after filing.
    op.execute(
        "UPDATE reports SET due_on = DATE(created_at, '+7 days')"
        if op.get_bind().dialect.name == "sqlite"
        else "UPDATE reports SET due_on = (created_at + INTERVAL '7 days')::date"
    )
    if op.get_bind().dialect.name == "sqlite":
        for verb in ("UPDATE", "DELETE"):
            op.execute(APPEND_ONLY_SQLITE.format(verb=verb))
    elif op.get_bind().dialect.name == "postgresql":
        for statement in APPEND_ONLY_POSTGRES:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for verb in ("UPDATE", "DELETE"):
            op.execute(f"DROP TRIGGER audit_events_{verb}_refused")
    elif op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER audit_events_append_only ON audit_events")
        op.execute("DROP FUNCTION audit_events_append_only()")
    with op.batch_alter_table("case_review_applications") as batch:
        for column in ("decided_at", "decided_by", "decision_reason", "decision", "respond_by"):
            batch.drop_column(column)
    with op.batch_alter_table("status_changes") as batch:
        batch.drop_column("delivered_by")
        batch.drop_column("delivered_at")
    with op.batch_alter_table("reports") as batch:
        batch.drop_constraint("fk_reports_assignee", type_="foreignkey")
        for column in ("due_on", "assignee_id", "priority", "ward"):
            batch.drop_column(column)
    op.drop_index("ix_audit_events_at", "audit_events")
    op.drop_table("audit_events")
    op.drop_table("staff_users")
