"""Each request has its own database session and its own signed-in person, as in production."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask, g
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from booking import db
from booking.accounts.models import Person
from tests.factories import Factory


def test_requests_do_not_share_a_database_session(app: Flask, client: FlaskClient) -> None:
    sessions: list[int] = []

    @app.get("/__session")
    def record_session() -> str:
        sessions.append(id(db.session()))
        assert g.db_session is db.session()
        return "ok"

    client.get("/__session")
    client.get("/__session")
    assert len(set(sessions)) == 2


def test_a_signed_in_person_is_loaded_afresh_for_every_request(
    factory: Factory, sign_in: Callable[[Person], FlaskClient], db_session: Session
) -> None:
    person = factory.person()
    client = sign_in(person)
    assert client.get("/").status_code == 200
    person.session_version += 1
    db_session.flush()
    assert client.get("/").status_code == 302
