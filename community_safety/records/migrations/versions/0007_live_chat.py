"""live chat: a resident handed to a caseworker, their messages, call-back requests, who is available

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 19:20:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

OPEN = "state IN ('waiting', 'active')"


def upgrade() -> None:
    with op.batch_alter_table("staff_users") as batch:
        batch.add_column(sa.Column("first_name", sa.String(length=60), nullable=True))
    op.create_table(
        "live_chats",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("resident_id", sa.Integer(), nullable=False),
        sa.Column("sender", sa.String(length=160), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("need", sa.String(length=40), nullable=True),
        sa.Column("language", sa.String(length=10), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("caseworker_id", sa.Integer(), nullable=True),
        sa.Column("requested_at", sa.DateTime(), nullable=False),
        sa.Column("taken_at", sa.DateTime(), nullable=True),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.Column("callback_offered_at", sa.DateTime(), nullable=True),
        sa.Column("danger_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["resident_id"], ["residents.id"]),
        sa.ForeignKeyConstraint(["caseworker_id"], ["staff_users.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_live_chats_sender", "live_chats", ["sender"])
    op.create_index("ix_live_chats_state", "live_chats", ["state"])
    op.create_index(
        "uq_live_chats_open_sender",
        "live_chats",
        ["sender"],
        unique=True,
        sqlite_where=sa.text(OPEN),
        postgresql_where=sa.text(OPEN),
    )
    op.create_table(
        "live_chat_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("live_chat_id", sa.Integer(), nullable=False),
        sa.Column("author", sa.String(length=20), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("buttons", sa.Text(), nullable=True),
        sa.Column("staff_user_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("delivered_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["live_chat_id"], ["live_chats.id"]),
        sa.ForeignKeyConstraint(["staff_user_id"], ["staff_users.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_live_chat_messages_live_chat_id", "live_chat_messages", ["live_chat_id"])
    op.create_table(
        "callback_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=20), nullable=True),
        sa.Column("submission_key", sa.String(length=128), nullable=False),
        sa.Column("resident_id", sa.Integer(), nullable=False),
        sa.Column("sender", sa.String(length=160), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("need", sa.String(length=40), nullable=True),
        sa.Column("language", sa.String(length=10), nullable=False),
        sa.Column("phone", sa.String(length=40), nullable=False),
        sa.Column("safe_time", sa.String(length=200), nullable=False),
        sa.Column("consented_at", sa.DateTime(), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("outcome_note", sa.Text(), nullable=True),
        sa.Column("handled_by", sa.String(length=254), nullable=True),
        sa.Column("handled_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["resident_id"], ["residents.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("reference"),
        sa.UniqueConstraint("submission_key"),
    )
    op.create_index("ix_callback_requests_sender", "callback_requests", ["sender"])
    op.create_index("ix_callback_requests_state", "callback_requests", ["state"])
    op.create_table(
        "staff_presence",
        sa.Column("staff_user_id", sa.Integer(), nullable=False),
        sa.Column("available", sa.Boolean(), nullable=False),
        sa.Column("seen_at", sa.DateTime(), nullable=False),
        sa.Column("active_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["staff_user_id"], ["staff_users.id"]),
        sa.PrimaryKeyConstraint("staff_user_id"),
    )


def downgrade() -> None:
    op.drop_table("staff_presence")
    op.drop_index("ix_callback_requests_state", table_name="callback_requests")
    op.drop_index("ix_callback_requests_sender", table_name="callback_requests")
    op.drop_table("callback_requests")
    op.drop_index("ix_live_chat_messages_live_chat_id", table_name="live_chat_messages")
    op.drop_table("live_chat_messages")
    op.drop_index("uq_live_chats_open_sender", table_name="live_chats")
    op.drop_index("ix_live_chats_state", table_name="live_chats")
    op.drop_index("ix_live_chats_sender", table_name="live_chats")
    op.drop_table("live_chats")
    with op.batch_alter_table("staff_users") as batch:
        batch.drop_column("first_name")
