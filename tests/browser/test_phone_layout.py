"""On a 320 px phone every page reads without sideways scrolling, and the scripts run."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page

from booking.accounts.models import Person
from booking.catalogue.models import Facility, SpaceKind
from tests.factories import PASSWORD, Factory


def no_sideways_scrolling(page: Page) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


def visit(page: Page, path: str, screenshots: Path | None, name: str) -> None:
    response = page.goto(path)
    assert response is not None and response.ok, path
    assert no_sideways_scrolling(page), f"{path} scrolls sideways at 320 px"
    if screenshots:
        screenshots.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(screenshots / f"{name}.png"), full_page=True)


def sign_in(page: Page, person: Person) -> None:
    page.goto("/sign-in")
    page.get_by_label("Email address").fill(person.email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/")


def test_a_partner_browses_the_catalogue_on_a_phone(
    phone: Page, factory: Factory, screenshots: Path | None
) -> None:
    neighbourhood = factory.neighbourhood(name="Heatons & Reddish", slug="heatons-reddish")
    building = factory.building(
        name="Reddish Library",
        neighbourhood=neighbourhood,
        address="1 Gorton Road, Reddish, Stockport",
        arrival_instructions="Go to the library counter and ask for the drop-down area.",
        **{f.column: True for f in (Facility.WIFI, Facility.STEP_FREE, Facility.REFRESHMENTS)},
    )
    space = factory.space(building, name="Desk by the window with a rather long name")
    factory.space(building, kind=SpaceKind.MEETING_ROOM, name="Community room", capacity=12)
    person = factory.person()

    visit(phone, "/sign-in", screenshots, "sign-in")
    sign_in(phone, person)
    assert "govuk-frontend-supported" in (phone.get_attribute("body", "class") or "")
    visit(phone, "/", screenshots, "neighbourhoods")
    phone.get_by_role("link", name="Heatons & Reddish").click()
    assert no_sideways_scrolling(phone)
    visit(phone, f"/neighbourhoods/{neighbourhood.slug}?facilities=wifi", screenshots, "buildings")
    phone.get_by_role("link", name="Reddish Library").click()
    assert phone.get_by_role("heading", name="Reddish Library", level=1).is_visible()
    visit(phone, f"/buildings/{building.id}", screenshots, "building")
    visit(phone, f"/spaces/{space.id}", screenshots, "space")
    visit(phone, "/account", screenshots, "account")


def test_an_estates_manager_can_use_the_estates_pages_on_a_phone(
    phone: Page, factory: Factory, screenshots: Path | None
) -> None:
    building = factory.building(name="Offerton Family Hub")
    factory.space(building, name="Desk 1")
    manager = factory.building_manager(building)

    sign_in(phone, manager)
    visit(phone, "/estates/", screenshots, "estates-dashboard")
    visit(phone, f"/estates/buildings/{building.id}", screenshots, "estates-building")
    visit(phone, f"/estates/buildings/{building.id}/edit", screenshots, "estates-building-edit")
    visit(phone, f"/estates/buildings/{building.id}/hours", screenshots, "estates-hours")
    visit(phone, f"/estates/buildings/{building.id}/closures/new", screenshots, "estates-closure")
    visit(phone, "/estates/import", screenshots, "estates-import")


def test_an_administrator_can_use_the_admin_pages_on_a_phone(
    phone: Page, factory: Factory, screenshots: Path | None
) -> None:
    admin = factory.administrator(name="Ada Admin")
    sign_in(phone, admin)
    visit(phone, "/admin/", screenshots, "admin")
    visit(phone, "/admin/people", screenshots, "admin-people")
    visit(phone, f"/admin/people/{admin.id}", screenshots, "admin-person")
    visit(phone, "/admin/organisations", screenshots, "admin-organisations")
    visit(phone, "/admin/audit", screenshots, "admin-audit")
