"""series sequence

The iCalendar SEQUENCE of a recurring booking, bumped whenever any occurrence changes.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25 12:48:45.317928
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("booking_series", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sequence", sa.Integer(), server_default="0", nullable=False))


def downgrade() -> None:
    # SQLite 3.35+ drops a column in place; rebuilding the table is not needed.
    with op.batch_alter_table("booking_series", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("sequence")
