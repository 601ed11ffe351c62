"""Every administration page is for administrators only, checked on the server."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask, url_for
from flask.testing import FlaskClient
from werkzeug.routing import Rule

from booking.accounts.models import Person, Role
from tests.factories import Factory


def _admin_rules(app: Flask) -> list[Rule]:
    return sorted(
        (rule for rule in app.url_map.iter_rules() if rule.rule.startswith("/admin")),
        key=lambda rule: rule.rule,
    )


@pytest.fixture
def urls(app: Flask, factory: Factory) -> list[tuple[str, set[str]]]:
    """Every /admin URL, its parameters filled from real rows, with the methods it accepts."""
    organisation = factory.organisation(domains=("walk.example",))
    building = factory.building()
    person = factory.building_manager(building, organisation=organisation)
    values = {
        "organisation_id": organisation.id,
        "domain_id": organisation.domains[0].id,
        "person_id": person.id,
        "grant_id": person.grants[0].id,
        "message_id": factory.outbox_message().id,
    }
    found = []
    for rule in _admin_rules(app):
        arguments = {name: values[name] for name in rule.arguments}
        found.append((url_for(rule.endpoint, **arguments), set(rule.methods or ())))
    return found


def test_the_administration_pages_are_all_found(urls: list[tuple[str, set[str]]]) -> None:
    paths = {url.removeprefix("http://localhost") for url, _ in urls}
    assert {"/admin/", "/admin/organisations", "/admin/people", "/admin/audit"} <= paths
    assert len(urls) >= 15


@pytest.mark.parametrize("who", ["staff", "building manager", "neighbourhood lead"])
def test_people_without_the_administrator_role_are_refused_everywhere(
    who: str,
    urls: list[tuple[str, set[str]]],
    factory: Factory,
    sign_in: Callable[[Person], FlaskClient],
) -> None:
    person = {
        "staff": lambda: factory.person(),
        "building manager": lambda: factory.building_manager(factory.building()),
        "neighbourhood lead": lambda: factory.neighbourhood_lead(factory.neighbourhood()),
    }[who]()
    client = sign_in(person)
    for url, methods in urls:
        if "GET" in methods:
            assert client.get(url).status_code == 403, url
        if "POST" in methods:
            assert client.post(url, data={"name": "x", "domain": "x.example"}).status_code == 403, (
                url
            )


def test_signed_out_visitors_are_sent_to_sign_in(
    app: Flask, urls: list[tuple[str, set[str]]]
) -> None:
    client = app.test_client()
    for url, methods in urls:
        for method in methods & {"GET", "POST"}:
            response = client.open(url, method=method)
            assert response.status_code == 302, (method, url)
            assert "/sign-in" in response.headers["Location"], (method, url)


def test_administrators_can_open_every_page(
    urls: list[tuple[str, set[str]]],
    factory: Factory,
    sign_in: Callable[[Person], FlaskClient],
) -> None:
    client = sign_in(factory.administrator())
    for url, methods in urls:
        if "GET" in methods:
            assert client.get(url).status_code == 200, url


def test_a_deactivated_administrator_is_refused(
    urls: list[tuple[str, set[str]]],
    factory: Factory,
    sign_in: Callable[[Person], FlaskClient],
) -> None:
    administrator = factory.person(active=False)
    factory.grant(administrator, Role.ADMINISTRATOR)
    client = sign_in(administrator)
    url, _ = urls[0]
    assert client.get(url).status_code == 302
