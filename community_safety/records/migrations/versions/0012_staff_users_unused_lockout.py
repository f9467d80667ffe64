"""staff_users: the per-account lockout columns go; sign-in throttling has its own table (0008)

failed_logins and locked_until were written by the first sign-in code and read by nothing since
sign_in_failures (per account and address, atomic) replaced them.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04 03:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # In place on SQLite (3.35 and later drop a column themselves) as on PostgreSQL: batch mode's
    # copy of the table would have to drop one that reports and audit entries refer to.
    op.drop_column("staff_users", "failed_logins")
    op.drop_column("staff_users", "locked_until")


def downgrade() -> None:
    op.add_column("staff_users", sa.Column("failed_logins", sa.Integer(), server_default="0", nullable=False))
    op.add_column("staff_users", sa.Column("locked_until", sa.DateTime(), nullable=True))
