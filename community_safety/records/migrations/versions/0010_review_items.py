"""messages to review: residents' messages the bot was unsure of, redacted, and caseworkers' labels

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03 11:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "review_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conversation_key", sa.String(length=64), nullable=True),
        sa.Column("sent_at", sa.Float(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("redacted", sa.String(length=200), nullable=True),
        sa.Column("channel", sa.String(length=20), nullable=True),
        sa.Column("language", sa.String(length=10), nullable=True),
        sa.Column("bot_need", sa.String(length=80), nullable=True),
        sa.Column("bot_confidence", sa.Float(), nullable=True),
        sa.Column("bot_reply", sa.Text(), nullable=True),
        sa.Column("reasons", sa.String(length=300), nullable=False),
        sa.Column("collected_at", sa.DateTime(), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("agreed_needs", sa.String(length=300), nullable=True),
        sa.Column("agreed_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("conversation_key", "sent_at", name="uq_review_item_message"),
    )
    op.create_index("ix_review_items_state", "review_items", ["state"])
    op.create_index("ix_review_items_conversation_key", "review_items", ["conversation_key"])
    op.create_table(
        "review_labels",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("review_item_id", sa.Integer(), nullable=False),
        sa.Column("staff_email", sa.String(length=254), nullable=False),
        sa.Column("staff_role", sa.String(length=20), nullable=False),
        sa.Column("needs", sa.String(length=300), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["review_item_id"], ["review_items.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("review_item_id", "staff_email", name="uq_review_label_staff"),
    )
    op.create_index("ix_review_labels_review_item_id", "review_labels", ["review_item_id"])


def downgrade() -> None:
    op.drop_index("ix_review_labels_review_item_id", table_name="review_labels")
    op.drop_table("review_labels")
    op.drop_index("ix_review_items_conversation_key", table_name="review_items")
    op.drop_index("ix_review_items_state", table_name="review_items")
    op.drop_table("review_items")
