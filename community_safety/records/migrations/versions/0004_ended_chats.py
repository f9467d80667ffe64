"""web chats ended by the resident, so a copied cookie can't read them

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28 06:40:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ended_chats",
        sa.Column("chat_key", sa.String(length=64), nullable=False),
        sa.Column("ended_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("chat_key"),
    )
    op.create_index("ix_ended_chats_ended_at", "ended_chats", ["ended_at"])


def downgrade() -> None:
    op.drop_index("ix_ended_chats_ended_at", table_name="ended_chats")
    op.drop_table("ended_chats")
