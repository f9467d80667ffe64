"""when an incident happened, as a range of days when the resident's words don't name one

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28 06:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("reports") as batch:
        batch.add_column(sa.Column("occurred_from", sa.Date(), nullable=True))
        batch.add_column(sa.Column("occurred_to", sa.Date(), nullable=True))
        batch.add_column(sa.Column("occurred_approximate", sa.Boolean(), server_default=sa.false(), nullable=False))
    # Reports made before: their one day is their range.
    op.execute(
        "UPDATE reports SET occurred_from = occurred_on, occurred_to = occurred_on WHERE occurred_on IS NOT NULL"
    )


def downgrade() -> None:
    with op.batch_alter_table("reports") as batch:
        batch.drop_column("occurred_approximate")
        batch.drop_column("occurred_to")
        batch.drop_column("occurred_from")
