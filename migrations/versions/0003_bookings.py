"""bookings, recurring series, attendees, access tokens, booking rules per building

No double booking is enforced here, in SQL, by hand (autogenerate renders exclusion
constraints wrongly and knows nothing of triggers):
- PostgreSQL: exclusion constraints (btree_gist) over (space, [starts_at, ends_at)) for active
  bookings, and over (person, [starts_at, ends_at)) for active desk bookings. Their violation is
  SQLSTATE 23P01.
- SQLite: BEFORE INSERT/UPDATE triggers raising the same two refusals; the booking service also
  runs every write in BEGIN IMMEDIATE, which SQLite serialises.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 10:33:53.602499
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import booking.db

POSTGRESQL_CONSTRAINTS = [
    """ALTER TABLE booking ADD CONSTRAINT ex_booking_space_overlap
       EXCLUDE USING gist (space_id WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&)
       WHERE (status = 'active')""",
    """ALTER TABLE booking ADD CONSTRAINT ex_booking_person_desk_overlap
       EXCLUDE USING gist (person_id WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&)
       WHERE (status = 'active' AND is_desk)""",
]

_SPACE_OVERLAP = """
    NEW.status = 'active' AND EXISTS (
        SELECT 1 FROM booking AS other
        WHERE other.space_id = NEW.space_id AND other.status = 'active' AND other.id IS NOT NEW.id
          AND other.starts_at > datetime(NEW.starts_at, '-1 day')
          AND other.starts_at < NEW.ends_at AND other.ends_at > NEW.starts_at)"""
_PERSON_DESK_OVERLAP = """
    NEW.status = 'active' AND NEW.is_desk AND EXISTS (
        SELECT 1 FROM booking AS other
        WHERE other.person_id = NEW.person_id AND other.status = 'active' AND other.is_desk
          AND other.id IS NOT NEW.id AND other.starts_at > datetime(NEW.starts_at, '-1 day')
          AND other.starts_at < NEW.ends_at AND other.ends_at > NEW.starts_at)"""

SQLITE_TRIGGERS = [
    f"""CREATE TRIGGER booking_{name} BEFORE {event} ON booking WHEN {condition}
        BEGIN SELECT RAISE(ABORT, '{message}'); END"""
    for name, event, condition, message in [
        ("space_overlap_insert", "INSERT", _SPACE_OVERLAP, "ex_booking_space_overlap"),
        ("space_overlap_update", "UPDATE", _SPACE_OVERLAP, "ex_booking_space_overlap"),
        ("person_desk_insert", "INSERT", _PERSON_DESK_OVERLAP, "ex_booking_person_desk_overlap"),
        ("person_desk_update", "UPDATE", _PERSON_DESK_OVERLAP, "ex_booking_person_desk_overlap"),
    ]
]
"""SQLite's backstop: the same refusals as PostgreSQL's constraints, named the same.

No booking is longer than a day, so only bookings starting in the day before can overlap: the
lower bound keeps each check to a short range of the (space_id, starts_at) index."""

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "access_token",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("prefix", sa.String(length=12), nullable=False),
        sa.Column("created_at", booking.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_used_at", booking.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", booking.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
            name=op.f("fk_access_token_person_id_person"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_access_token")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_access_token_token_hash")),
    )
    with op.batch_alter_table("access_token", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_access_token_person_id"), ["person_id"], unique=False)

    op.create_table(
        "booking_series",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("space_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column(
            "frequency",
            sa.Enum(
                "daily",
                "weekly",
                name="frequency",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("weekdays", sa.String(length=13), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("start_time", sa.Time(), nullable=False),
        sa.Column("duration_minutes", sa.Integer(), nullable=False),
        sa.Column("until", sa.Date(), nullable=True),
        sa.Column("count", sa.Integer(), nullable=True),
        sa.Column("created_at", booking.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "(until IS NULL) <> (count IS NULL)", name=op.f("ck_booking_series_until_or_count")
        ),
        sa.CheckConstraint(
            "count IS NULL OR count BETWEEN 1 AND 52", name=op.f("ck_booking_series_count_range")
        ),
        sa.CheckConstraint(
            "duration_minutes BETWEEN 15 AND 1440", name=op.f("ck_booking_series_duration_range")
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_booking_series_person_id_person")
        ),
        sa.ForeignKeyConstraint(
            ["space_id"], ["space.id"], name=op.f("fk_booking_series_space_id_space")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_booking_series")),
    )
    with op.batch_alter_table("booking_series", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_booking_series_person_id"), ["person_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_booking_series_space_id"), ["space_id"], unique=False)

    op.create_table(
        "booking",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("space_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("starts_at", booking.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("ends_at", booking.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("is_desk", sa.Boolean(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "active",
                "cancelled",
                "no_show",
                name="booking_status",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("series_id", sa.Integer(), nullable=True),
        sa.Column("occurrence_date", sa.Date(), nullable=True),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("checked_in_at", booking.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("cancelled_at", booking.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("cancelled_by_id", sa.Integer(), nullable=True),
        sa.Column("cancellation_reason", sa.String(length=300), nullable=False),
        sa.Column("released_at", booking.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", booking.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", booking.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("starts_at < ends_at", name=op.f("ck_booking_starts_before_ends")),
        sa.ForeignKeyConstraint(
            ["cancelled_by_id"], ["person.id"], name=op.f("fk_booking_cancelled_by_id_person")
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_booking_person_id_person")
        ),
        sa.ForeignKeyConstraint(
            ["series_id"], ["booking_series.id"], name=op.f("fk_booking_series_id_booking_series")
        ),
        sa.ForeignKeyConstraint(["space_id"], ["space.id"], name=op.f("fk_booking_space_id_space")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_booking")),
    )
    with op.batch_alter_table("booking", schema=None) as batch_op:
        batch_op.create_index("ix_booking_person_starts", ["person_id", "starts_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_booking_series_id"), ["series_id"], unique=False)
        batch_op.create_index("ix_booking_space_starts", ["space_id", "starts_at"], unique=False)
        batch_op.create_index(
            "ix_booking_unchecked_starts",
            ["starts_at"],
            unique=False,
            postgresql_where=sa.text("status = 'active' AND checked_in_at IS NULL"),
            sqlite_where=sa.text("status = 'active' AND checked_in_at IS NULL"),
        )

    op.create_table(
        "booking_attendee",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("booking_id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["booking_id"],
            ["booking.id"],
            name=op.f("fk_booking_attendee_booking_id_booking"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_booking_attendee_person_id_person")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_booking_attendee")),
        sa.UniqueConstraint(
            "booking_id", "email", name=op.f("uq_booking_attendee_booking_id_email")
        ),
    )
    with op.batch_alter_table("building", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("desk_advance_days", sa.Integer(), server_default="28", nullable=False)
        )
        batch_op.add_column(
            sa.Column("room_advance_days", sa.Integer(), server_default="90", nullable=False)
        )
        batch_op.add_column(sa.Column("owner_advance_days", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("room_max_minutes", sa.Integer(), server_default="480", nullable=False)
        )
        batch_op.add_column(
            sa.Column("check_in_grace_minutes", sa.Integer(), server_default="30", nullable=False)
        )
        batch_op.create_check_constraint(
            "advance_days_range",
            "desk_advance_days BETWEEN 1 AND 366 AND room_advance_days BETWEEN 1 AND 366"
            " AND (owner_advance_days IS NULL OR owner_advance_days BETWEEN 1 AND 732)",
        )
        batch_op.create_check_constraint(
            "room_max_minutes_range", "room_max_minutes BETWEEN 15 AND 1440"
        )
        batch_op.create_check_constraint("grace_range", "check_in_grace_minutes BETWEEN 5 AND 240")

    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
        for statement in POSTGRESQL_CONSTRAINTS:
            op.execute(statement)
    else:
        for statement in SQLITE_TRIGGERS:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE booking DROP CONSTRAINT ex_booking_space_overlap")
        op.execute("ALTER TABLE booking DROP CONSTRAINT ex_booking_person_desk_overlap")
    else:
        for name in (
            "space_overlap_insert",
            "space_overlap_update",
            "person_desk_insert",
            "person_desk_update",
        ):
            op.execute(f"DROP TRIGGER IF EXISTS booking_{name}")
    with op.batch_alter_table("building", schema=None) as batch_op:
        for name in ("advance_days_range", "room_max_minutes_range", "grace_range"):
            batch_op.drop_constraint(batch_op.f(f"ck_building_{name}"), type_="check")
        batch_op.drop_column("check_in_grace_minutes")
        batch_op.drop_column("room_max_minutes")
        batch_op.drop_column("owner_advance_days")
        batch_op.drop_column("room_advance_days")
        batch_op.drop_column("desk_advance_days")

    op.drop_table("booking_attendee")
    with op.batch_alter_table("booking", schema=None) as batch_op:
        batch_op.drop_index("ix_booking_unchecked_starts")
        batch_op.drop_index("ix_booking_space_starts")
        batch_op.drop_index(batch_op.f("ix_booking_series_id"))
        batch_op.drop_index("ix_booking_person_starts")

    op.drop_table("booking")
    with op.batch_alter_table("booking_series", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_booking_series_space_id"))
        batch_op.drop_index(batch_op.f("ix_booking_series_person_id"))

    op.drop_table("booking_series")
    with op.batch_alter_table("access_token", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_access_token_person_id"))

    op.drop_table("access_token")
