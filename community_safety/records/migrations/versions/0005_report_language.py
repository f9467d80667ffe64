"""the language a report was made in (English or Bengali), for caseworkers to see and filter

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28 10:05:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("reports") as batch:
        batch.add_column(sa.Column("language", sa.String(length=10), server_default="en", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("reports") as batch:
        batch.drop_column("language")
