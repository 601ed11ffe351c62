"""reports

An index on booking.starts_at, for reports: they read one period's bookings across every space.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-25 14:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("booking", schema=None) as batch_op:
        batch_op.create_index("ix_booking_starts_at", ["starts_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("booking", schema=None) as batch_op:
        batch_op.drop_index("ix_booking_starts_at")
