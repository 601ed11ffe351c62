"""catalogue, people, roles and audit log

Revision ID: 0001
Revises:
Create Date: 2026-11-25 09:55:35.021471
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import booking.db

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "bank_holiday",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("title", sa.String(length=120), nullable=False),
        sa.PrimaryKeyConstraint("day", name=op.f("pk_bank_holiday")),
    )
    op.create_table(
        "neighbourhood",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=60), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_neighbourhood")),
        sa.UniqueConstraint("name", name=op.f("uq_neighbourhood_name")),
        sa.UniqueConstraint("slug", name=op.f("uq_neighbourhood_slug")),
    )
    op.create_table(
        "organisation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column(
            "type",
            sa.Enum(
                "council",
                "health",
                "police",
                "vcfse",
                "leisure",
                "housing",
                "other",
                name="organisation_type",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", booking.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisation")),
        sa.UniqueConstraint("name", name=op.f("uq_organisation_name")),
    )
    op.create_table(
        "building",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("neighbourhood_id", sa.Integer(), nullable=False),
        sa.Column("address", sa.Text(), nullable=False),
        sa.Column("postcode", sa.String(length=10), nullable=False),
        sa.Column("latitude", sa.Numeric(precision=9, scale=6), nullable=True),
        sa.Column("longitude", sa.Numeric(precision=9, scale=6), nullable=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("arrival_instructions", sa.Text(), nullable=False),
        sa.Column(
            "access",
            sa.Enum(
                "all_partners",
                "listed",
                name="building_access",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("opens_on_bank_holidays", sa.Boolean(), nullable=False),
        sa.Column("has_wifi", sa.Boolean(), nullable=False),
        sa.Column("has_refreshments", sa.Boolean(), nullable=False),
        sa.Column("has_step_free", sa.Boolean(), nullable=False),
        sa.Column("has_accessible_toilet", sa.Boolean(), nullable=False),
        sa.Column("has_hearing_loop", sa.Boolean(), nullable=False),
        sa.Column("has_baby_change", sa.Boolean(), nullable=False),
        sa.Column("has_parking", sa.Boolean(), nullable=False),
        sa.Column("has_cycle_storage", sa.Boolean(), nullable=False),
        sa.Column("has_public_transport", sa.Boolean(), nullable=False),
        sa.Column("is_demo", sa.Boolean(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", booking.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", booking.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("latitude BETWEEN -90 AND 90", name=op.f("ck_building_latitude_range")),
        sa.CheckConstraint(
            "longitude BETWEEN -180 AND 180", name=op.f("ck_building_longitude_range")
        ),
        sa.ForeignKeyConstraint(
            ["neighbourhood_id"],
            ["neighbourhood.id"],
            name=op.f("fk_building_neighbourhood_id_neighbourhood"),
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["organisation.id"], name=op.f("fk_building_owner_id_organisation")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_building")),
        sa.UniqueConstraint(
            "neighbourhood_id", "name", name=op.f("uq_building_neighbourhood_id_name")
        ),
    )
    with op.batch_alter_table("building", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_building_neighbourhood_id"), ["neighbourhood_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_building_owner_id"), ["owner_id"], unique=False)

    op.create_table(
        "organisation_domain",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("domain", sa.String(length=253), nullable=False),
        sa.CheckConstraint(
            "domain = lower(domain)", name=op.f("ck_organisation_domain_domain_lower_case")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_organisation_domain_organisation_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisation_domain")),
        sa.UniqueConstraint("domain", name=op.f("uq_organisation_domain_domain")),
    )
    with op.batch_alter_table("organisation_domain", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_organisation_domain_organisation_id"), ["organisation_id"], unique=False
        )

    op.create_table(
        "person",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=True),
        sa.Column("email_verified_at", booking.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("session_version", sa.Integer(), nullable=False),
        sa.Column("created_at", booking.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_signed_in_at", booking.db.UTCDateTime(timezone=True), nullable=True),
        sa.CheckConstraint("email = lower(email)", name=op.f("ck_person_email_lower_case")),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_person_organisation_id_organisation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_person")),
    )
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_person_organisation_id"), ["organisation_id"], unique=False
        )
    # Autogenerate cannot render this functional index: email is unique case-insensitively.
    op.create_index("uq_person_email_lower", "person", [sa.text("lower(email)")], unique=True)

    op.create_table(
        "audit_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", booking.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=60), nullable=False),
        sa.Column("subject_type", sa.String(length=40), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=True),
        sa.Column("summary", sa.String(length=300), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["person.id"], name=op.f("fk_audit_entry_actor_id_person")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_entry")),
    )
    with op.batch_alter_table("audit_entry", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_entry_actor_id"), ["actor_id"], unique=False)
        batch_op.create_index("ix_audit_entry_at", ["at"], unique=False)
        batch_op.create_index(
            "ix_audit_entry_subject", ["subject_type", "subject_id"], unique=False
        )

    op.create_table(
        "building_organisation",
        sa.Column("building_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["building_id"],
            ["building.id"],
            name=op.f("fk_building_organisation_building_id_building"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_building_organisation_organisation_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "building_id", "organisation_id", name=op.f("pk_building_organisation")
        ),
    )
    op.create_table(
        "opening_hours",
        sa.Column("building_id", sa.Integer(), nullable=False),
        sa.Column("weekday", sa.Integer(), nullable=False),
        sa.Column("opens", sa.Time(), nullable=False),
        sa.Column("closes", sa.Time(), nullable=False),
        sa.CheckConstraint("opens < closes", name=op.f("ck_opening_hours_opens_before_closes")),
        sa.CheckConstraint("weekday BETWEEN 0 AND 6", name=op.f("ck_opening_hours_weekday_range")),
        sa.ForeignKeyConstraint(
            ["building_id"],
            ["building.id"],
            name=op.f("fk_opening_hours_building_id_building"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("building_id", "weekday", name=op.f("pk_opening_hours")),
    )
    op.create_table(
        "role_grant",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column(
            "role",
            sa.Enum(
                "administrator",
                "building_manager",
                "neighbourhood_lead",
                name="role",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("building_id", sa.Integer(), nullable=True),
        sa.Column("neighbourhood_id", sa.Integer(), nullable=True),
        sa.Column("granted_by_id", sa.Integer(), nullable=True),
        sa.Column("granted_at", booking.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "(role = 'administrator' AND building_id IS NULL AND neighbourhood_id IS NULL) OR (role = 'building_manager' AND building_id IS NOT NULL AND neighbourhood_id IS NULL) OR (role = 'neighbourhood_lead' AND neighbourhood_id IS NOT NULL AND building_id IS NULL)",
            name=op.f("ck_role_grant_scope_matches_role"),
        ),
        sa.ForeignKeyConstraint(
            ["building_id"],
            ["building.id"],
            name=op.f("fk_role_grant_building_id_building"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["granted_by_id"], ["person.id"], name=op.f("fk_role_grant_granted_by_id_person")
        ),
        sa.ForeignKeyConstraint(
            ["neighbourhood_id"],
            ["neighbourhood.id"],
            name=op.f("fk_role_grant_neighbourhood_id_neighbourhood"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
            name=op.f("fk_role_grant_person_id_person"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_role_grant")),
        sa.UniqueConstraint(
            "person_id",
            "role",
            "building_id",
            "neighbourhood_id",
            name=op.f("uq_role_grant_person_id_role_building_id_neighbourhood_id"),
        ),
    )
    with op.batch_alter_table("role_grant", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_role_grant_building_id"), ["building_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_role_grant_neighbourhood_id"), ["neighbourhood_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_role_grant_person_id"), ["person_id"], unique=False)

    op.create_table(
        "space",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("building_id", sa.Integer(), nullable=False),
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
            nullable=False,
        ),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("equipment", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("accessible", sa.Boolean(), nullable=False),
        sa.Column("bookable", sa.Boolean(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", booking.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", booking.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("capacity BETWEEN 1 AND 500", name=op.f("ck_space_capacity_range")),
        sa.ForeignKeyConstraint(
            ["building_id"], ["building.id"], name=op.f("fk_space_building_id_building")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_space")),
        sa.UniqueConstraint("building_id", "name", name=op.f("uq_space_building_id_name")),
    )
    with op.batch_alter_table("space", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_space_building_id"), ["building_id"], unique=False)

    op.create_table(
        "closure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("building_id", sa.Integer(), nullable=True),
        sa.Column("space_id", sa.Integer(), nullable=True),
        sa.Column("starts_at", booking.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("ends_at", booking.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.String(length=300), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", booking.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "(building_id IS NULL) <> (space_id IS NULL)", name=op.f("ck_closure_building_or_space")
        ),
        sa.CheckConstraint("starts_at < ends_at", name=op.f("ck_closure_starts_before_ends")),
        sa.ForeignKeyConstraint(
            ["building_id"], ["building.id"], name=op.f("fk_closure_building_id_building")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["person.id"], name=op.f("fk_closure_created_by_id_person")
        ),
        sa.ForeignKeyConstraint(["space_id"], ["space.id"], name=op.f("fk_closure_space_id_space")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_closure")),
    )
    with op.batch_alter_table("closure", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_closure_building_id"), ["building_id"], unique=False)
        batch_op.create_index("ix_closure_period", ["starts_at", "ends_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_closure_space_id"), ["space_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("closure", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_closure_space_id"))
        batch_op.drop_index("ix_closure_period")
        batch_op.drop_index(batch_op.f("ix_closure_building_id"))

    op.drop_table("closure")
    with op.batch_alter_table("space", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_space_building_id"))

    op.drop_table("space")
    with op.batch_alter_table("role_grant", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_role_grant_person_id"))
        batch_op.drop_index(batch_op.f("ix_role_grant_neighbourhood_id"))
        batch_op.drop_index(batch_op.f("ix_role_grant_building_id"))

    op.drop_table("role_grant")
    op.drop_table("opening_hours")
    op.drop_table("building_organisation")
    with op.batch_alter_table("audit_entry", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_entry_subject")
        batch_op.drop_index("ix_audit_entry_at")
        batch_op.drop_index(batch_op.f("ix_audit_entry_actor_id"))

    op.drop_table("audit_entry")
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_person_organisation_id"))

    op.drop_index("uq_person_email_lower", table_name="person")
    op.drop_table("person")
    with op.batch_alter_table("organisation_domain", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_organisation_domain_organisation_id"))

    op.drop_table("organisation_domain")
    with op.batch_alter_table("building", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_building_owner_id"))
        batch_op.drop_index(batch_op.f("ix_building_neighbourhood_id"))

    op.drop_table("building")
    op.drop_table("organisation")
    op.drop_table("neighbourhood")
    op.drop_table("bank_holiday")
