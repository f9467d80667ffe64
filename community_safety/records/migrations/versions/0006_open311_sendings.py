"""the Open311 outbox: each report's sending to the council's casework system, and its updates back

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-28 11:45:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "open311_sendings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("endpoint", sa.String(length=500), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(), nullable=False),
        sa.Column("last_attempt_at", sa.DateTime(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("claimed_by", sa.String(length=80), nullable=True),
        sa.Column("claimed_until", sa.DateTime(), nullable=True),
        sa.Column("token", sa.String(length=200), nullable=True),
        sa.Column("service_request_id", sa.String(length=200), nullable=True),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.Column("remote_status", sa.String(length=40), nullable=True),
        sa.Column("remote_notes", sa.Text(), nullable=True),
        sa.Column("remote_updated", sa.String(length=40), nullable=True),
        sa.Column("checked_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["report_id"], ["reports.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("report_id"),
    )
    op.create_index("ix_open311_sendings_state", "open311_sendings", ["state"])
    op.create_index("ix_open311_sendings_next_attempt_at", "open311_sendings", ["next_attempt_at"])


def downgrade() -> None:
    op.drop_index("ix_open311_sendings_next_attempt_at", table_name="open311_sendings")
    op.drop_index("ix_open311_sendings_state", table_name="open311_sendings")
    op.drop_table("open311_sendings")
