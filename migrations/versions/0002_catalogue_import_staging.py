"""catalogue import staging: validated CSV uploads waiting for confirmation

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 10:03:56.379470
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import booking.db

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "catalogue_import",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", booking.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "ready",
                "applied",
                name="import_status",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by_id"],
            ["person.id"],
            name=op.f("fk_catalogue_import_uploaded_by_id_person"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_catalogue_import")),
    )
    with op.batch_alter_table("catalogue_import", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_catalogue_import_uploaded_by_id"), ["uploaded_by_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("catalogue_import", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_catalogue_import_uploaded_by_id"))

    op.drop_table("catalogue_import")
