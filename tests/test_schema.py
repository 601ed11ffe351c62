"""The schema: the migrations build it from empty, match the models, and step down cleanly."""

from __future__ import annotations

from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection, Engine, inspect
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from booking.models import Base
from tests.factories import Factory

# Reflection cannot see expression indexes; they are checked by behaviour below instead.
EXPRESSION_INDEXES = {"uq_person_email_lower"}


def _compared(obj: Any, name: str | None, type_: str, *_: Any) -> bool:
    return not (type_ == "index" and name in EXPRESSION_INDEXES)


@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index")
@pytest.mark.filterwarnings("ignore:autogenerate skipping metadata-specified expression-based")
def test_migrations_match_the_models(connection: Connection) -> None:
    context = MigrationContext.configure(
        connection,
        opts={"compare_type": True, "render_as_batch": True, "include_object": _compared},
    )
    differences = compare_metadata(context, Base.metadata)
    assert differences == []


def test_every_model_table_exists_after_migrating(engine: Engine) -> None:
    tables = set(inspect(engine).get_table_names())
    assert set(Base.metadata.tables) <= tables
    assert "alembic_version" in tables


def test_an_email_address_belongs_to_one_person(factory: Factory, db_session: Session) -> None:
    organisation = factory.organisation()
    factory.person("sam@example.org", organisation=organisation)
    with pytest.raises(IntegrityError), db_session.begin_nested():
        factory.person("sam@example.org", organisation=organisation)


def test_email_addresses_are_stored_in_lower_case(factory: Factory, db_session: Session) -> None:
    person = factory.person("alex@example.org")
    person.email = "Alex@Example.org"
    with pytest.raises(IntegrityError), db_session.begin_nested():
        db_session.flush()
