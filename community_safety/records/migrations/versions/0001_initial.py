"""residents, reports, status history, case-review applications

Revision ID: 0001
Revises:
Create Date: 2026-11-26 12:03:52.600140
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "residents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("channel_user_id", sa.String(length=128), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=True),
        sa.Column("phone", sa.String(length=40), nullable=True),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("contact_consent", sa.Boolean(), nullable=False),
        sa.Column("consented_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("channel", "channel_user_id", name="uq_resident_channel_user"),
    )
    op.create_table(
        "case_review_applications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=20), nullable=True),
        sa.Column("submission_key", sa.String(length=128), nullable=False),
        sa.Column("resident_id", sa.Integer(), nullable=False),
        sa.Column("on_behalf_of", sa.String(length=200), nullable=True),
        sa.Column("report_references", sa.Text(), nullable=False),
        sa.Column("standing_reason", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=30), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["resident_id"],
            ["residents.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("reference"),
        sa.UniqueConstraint("submission_key"),
    )
    op.create_table(
        "reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=20), nullable=True),
        sa.Column("submission_key", sa.String(length=128), nullable=False),
        sa.Column("resident_id", sa.Integer(), nullable=True),
        sa.Column("anonymous", sa.Boolean(), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("category", sa.String(length=40), nullable=False),
        sa.Column("asb_type", sa.String(length=60), nullable=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("location_text", sa.String(length=500), nullable=True),
        sa.Column("postcode", sa.String(length=10), nullable=True),
        sa.Column("occurred_on", sa.Date(), nullable=True),
        sa.Column("occurred_text", sa.String(length=200), nullable=True),
        sa.Column("ongoing", sa.Boolean(), nullable=True),
        sa.Column("frequency", sa.String(length=200), nullable=True),
        sa.Column("people_involved", sa.Text(), nullable=True),
        sa.Column("feels_targeted", sa.Boolean(), nullable=True),
        sa.Column("hate_motivated", sa.Boolean(), nullable=True),
        sa.Column("health_affected", sa.Boolean(), nullable=True),
        sa.Column("children_in_home", sa.Boolean(), nullable=True),
        sa.Column("feels_safe_at_home", sa.Boolean(), nullable=True),
        sa.Column("other_agencies", sa.Text(), nullable=True),
        sa.Column("agency_references", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=30), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["resident_id"],
            ["residents.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("reference"),
        sa.UniqueConstraint("submission_key"),
    )
    op.create_table(
        "status_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("from_status", sa.String(length=30), nullable=True),
        sa.Column("to_status", sa.String(length=30), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("resident_update", sa.Text(), nullable=True),
        sa.Column("changed_by", sa.String(length=254), nullable=False),
        sa.Column("changed_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["reports.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )


def downgrade() -> None:
    op.drop_table("status_changes")
    op.drop_table("reports")
    op.drop_table("case_review_applications")
    op.drop_table("residents")
