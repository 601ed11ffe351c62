"""feedback and unmet demand

Searches that found no free space (what was wanted, never who wanted it), one-tap ratings of
a booked space, and problems reported with a space until its managers fix them.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25 13:21:02.419590
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import booking.db

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "unmet_search",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("searched_at", booking.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("neighbourhood_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("starts_at_time", sa.Time(), nullable=True),
        sa.Column("ends_at_time", sa.Time(), nullable=True),
        sa.Column(
            "time_of_day",
            sa.Enum(
                "morning",
                "afternoon",
                "evening",
                "any_time",
                name="time_of_day",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column(
            "kind",
            sa.Enum(
                "desk",
                "meeting_room",
                "quiet_room",
                name="space_kind",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=True,
        ),
        sa.Column("min_capacity", sa.Integer(), nullable=False),
        sa.Column("wants_wifi", sa.Boolean(), nullable=False),
        sa.Column("wants_refreshments", sa.Boolean(), nullable=False),
        sa.Column("wants_step_free", sa.Boolean(), nullable=False),
        sa.Column("wants_accessible_toilet", sa.Boolean(), nullable=False),
        sa.Column("wants_hearing_loop", sa.Boolean(), nullable=False),
        sa.Column("wants_baby_change", sa.Boolean(), nullable=False),
        sa.Column("wants_parking", sa.Boolean(), nullable=False),
        sa.Column("wants_cycle_storage", sa.Boolean(), nullable=False),
        sa.Column("wants_public_transport", sa.Boolean(), nullable=False),
        sa.Column(
            "source",
            sa.Enum(
                "web",
                "api",
                name="search_source",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.CheckConstraint(
            "min_capacity BETWEEN 1 AND 500", name=op.f("ck_unmet_search_min_capacity_range")
        ),
        sa.ForeignKeyConstraint(
            ["neighbourhood_id"],
            ["neighbourhood.id"],
            name=op.f("fk_unmet_search_neighbourhood_id_neighbourhood"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_unmet_search")),
    )
    with op.batch_alter_table("unmet_search", schema=None) as batch_op:
        batch_op.create_index(
            "ix_unmet_search_neighbourhood_day", ["neighbourhood_id", "day"], unique=False
        )

    op.create_table(
        "problem_report",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("booking_id", sa.Integer(), nullable=False),
        sa.Column("space_id", sa.Integer(), nullable=False),
        sa.Column("building_id", sa.Integer(), nullable=False),
        sa.Column(
            "category",
            sa.Enum(
                "wifi",
                "heating",
                "access",
                "cleanliness",
                "equipment",
                "other",
                name="problem_category",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("reported_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", booking.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "open",
                "fixed",
                name="problem_status",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("fixed_at", booking.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("fixed_by_id", sa.Integer(), nullable=True),
        sa.Column("fix_note", sa.Text(), nullable=False),
        sa.CheckConstraint(
            "(status = 'fixed') = (fixed_at IS NOT NULL)",
            name=op.f("ck_problem_report_fixed_when_fixed_at"),
        ),
        sa.ForeignKeyConstraint(
            ["booking_id"], ["booking.id"], name=op.f("fk_problem_report_booking_id_booking")
        ),
        sa.ForeignKeyConstraint(
            ["building_id"], ["building.id"], name=op.f("fk_problem_report_building_id_building")
        ),
        sa.ForeignKeyConstraint(
            ["fixed_by_id"], ["person.id"], name=op.f("fk_problem_report_fixed_by_id_person")
        ),
        sa.ForeignKeyConstraint(
            ["reported_by_id"], ["person.id"], name=op.f("fk_problem_report_reported_by_id_person")
        ),
        sa.ForeignKeyConstraint(
            ["space_id"], ["space.id"], name=op.f("fk_problem_report_space_id_space")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_problem_report")),
    )
    with op.batch_alter_table("problem_report", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_problem_report_booking_id"), ["booking_id"], unique=False
        )
        batch_op.create_index(
            "ix_problem_report_building_status", ["building_id", "status"], unique=False
        )
        batch_op.create_index(
            "ix_problem_report_space_created", ["space_id", "created_at"], unique=False
        )

    op.create_table(
        "space_rating",
        sa.Column("booking_id", sa.Integer(), nullable=False),
        sa.Column("space_id", sa.Integer(), nullable=False),
        sa.Column("rating", sa.SmallInteger(), nullable=False),
        sa.Column("created_at", booking.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", booking.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("rating BETWEEN 1 AND 3", name=op.f("ck_space_rating_rating_range")),
        sa.ForeignKeyConstraint(
            ["booking_id"], ["booking.id"], name=op.f("fk_space_rating_booking_id_booking")
        ),
        sa.ForeignKeyConstraint(
            ["space_id"], ["space.id"], name=op.f("fk_space_rating_space_id_space")
        ),
        sa.PrimaryKeyConstraint("booking_id", name=op.f("pk_space_rating")),
    )
    with op.batch_alter_table("space_rating", schema=None) as batch_op:
        batch_op.create_index(
            "ix_space_rating_space_created", ["space_id", "created_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("space_rating", schema=None) as batch_op:
        batch_op.drop_index("ix_space_rating_space_created")

    op.drop_table("space_rating")
    with op.batch_alter_table("problem_report", schema=None) as batch_op:
        batch_op.drop_index("ix_problem_report_space_created")
        batch_op.drop_index("ix_problem_report_building_status")
        batch_op.drop_index(batch_op.f("ix_problem_report_booking_id"))

    op.drop_table("problem_report")
    with op.batch_alter_table("unmet_search", schema=None) as batch_op:
        batch_op.drop_index("ix_unmet_search_neighbourhood_day")

    op.drop_table("unmet_search")
