"""Every estates page checks the grant on the server, for reading and for changing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask, url_for
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from booking.accounts.models import Person
from booking.catalogue.imports import CatalogueImport
from booking.catalogue.models import Building
from booking.feedback.models import ProblemCategory, ProblemReport
from tests.factories import Factory

SCOPED = {"building_id", "space_id", "closure_id"}
"""Rules about one building (directly, or through its space or closure)."""


@pytest.fixture
def building_b(factory: Factory) -> Building:
    return factory.building(name="Building B")


@pytest.fixture
def urls(
    app: Flask, factory: Factory, db_session: Session, building_b: Building
) -> list[tuple[str, set[str], bool]]:
    """Every /estates URL, filled in with building B's rows: (url, methods, about building B)."""
    space = factory.space(building_b)
    closure = factory.closure(space=space)
    uploader = factory.administrator()
    staged = CatalogueImport(uploaded_by=uploader, filename="b.csv", content="x")
    booking = factory.booking(space)
    problem = ProblemReport(
        booking=booking,
        space_id=space.id,
        building_id=building_b.id,
        category=ProblemCategory.WIFI,
        reported_by=booking.person,
    )
    db_session.add_all([staged, problem])
    db_session.flush()
    values = {
        "building_id": building_b.id,
        "space_id": space.id,
        "closure_id": closure.id,
        "import_id": staged.id,
        "problem_id": problem.id,
    }
    found = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda rule: rule.rule):
        if not rule.rule.startswith("/estates"):
            continue
        arguments: dict[str, Any] = {name: values[name] for name in rule.arguments}
        url = url_for(rule.endpoint, _external=False, **arguments)
        methods = set(rule.methods or ()) & {"GET", "POST"}
        found.append((url, methods, bool(SCOPED & rule.arguments)))
    return found


def test_the_estates_pages_are_all_walked(urls: list[tuple[str, set[str], bool]]) -> None:
    paths = {url for url, _, _ in urls}
    assert {
        "/estates/",
        "/estates/buildings/new",
        "/estates/import",
        "/estates/export.csv",
    } <= paths
    assert len(urls) >= 20


def test_staff_without_a_grant_are_refused_everywhere(
    urls: list[tuple[str, set[str], bool]],
    factory: Factory,
    sign_in: Callable[[Person], FlaskClient],
) -> None:
    client = sign_in(factory.person())
    for url, methods, _ in urls:
        for method in methods:
            response = client.open(url, method=method)
            assert response.status_code == 403, (method, url)


def test_signed_out_visitors_are_sent_to_sign_in(
    urls: list[tuple[str, set[str], bool]], client: FlaskClient
) -> None:
    for url, methods, _ in urls:
        for method in methods:
            response = client.open(url, method=method)
            assert response.status_code == 302, (method, url)
            assert "/sign-in" in response.headers["Location"], (method, url)


def test_a_manager_of_another_building_is_refused_on_its_pages(
    urls: list[tuple[str, set[str], bool]],
    factory: Factory,
    sign_in: Callable[[Person], FlaskClient],
    db_session: Session,
) -> None:
    building_a = factory.building(name="Building A")
    client = sign_in(factory.building_manager(building_a))
    scoped = [(url, methods) for url, methods, about_b in urls if about_b]
    assert len(scoped) >= 14
    for url, methods in scoped:
        for method in methods:
            response = client.open(url, method=method)
            assert response.status_code == 403, (method, url)
    db_session.expire_all()
    assert db_session.get(Building, building_a.id) is not None


def test_someone_elses_upload_is_not_found(
    urls: list[tuple[str, set[str], bool]],
    factory: Factory,
    sign_in: Callable[[Person], FlaskClient],
) -> None:
    client = sign_in(factory.building_manager(factory.building()))
    preview = next(
        url for url, _, _ in urls if url.startswith("/estates/import/") and url[-1].isdigit()
    )
    import_id = preview.rsplit("/", 1)[1]
    assert client.get(preview).status_code == 404
    assert client.post("/estates/import/confirm", data={"import_id": import_id}).status_code == 404


def test_a_manager_can_use_the_pages_of_their_own_building(
    factory: Factory, sign_in: Callable[[Person], FlaskClient]
) -> None:
    building = factory.building()
    space = factory.space(building)
    closure = factory.closure(building=building)
    client = sign_in(factory.building_manager(building))
    for url in [
        "/estates/",
        f"/estates/buildings/{building.id}",
        f"/estates/buildings/{building.id}/edit",
        f"/estates/buildings/{building.id}/hours",
        f"/estates/buildings/{building.id}/closures",
        f"/estates/buildings/{building.id}/closures/new",
        f"/estates/buildings/{building.id}/spaces/new",
        f"/estates/buildings/{building.id}/deactivate",
        f"/estates/buildings/{building.id}/delete",
        f"/estates/spaces/{space.id}/edit",
        f"/estates/spaces/{space.id}/delete",
        f"/estates/closures/{closure.id}/remove",
        "/estates/buildings/new",
        "/estates/import",
        "/estates/export.csv",
    ]:
        response = client.get(url)
        response.get_data()  # the export streams: read it to the end, as a server would
        assert response.status_code == 200, url
