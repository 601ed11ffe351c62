"""On a 320 px phone a nurse finds a free desk in Heatons & Reddish for tomorrow morning and
books it in two taps from the results; sharing her location sorts the buildings nearest first."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, ViewportSize
from sqlalchemy import select
from sqlalchemy.orm import Session

from booking.bookings.models import Booking
from booking.catalogue.models import Neighbourhood, SpaceKind
from tests.browser.conftest import PHONE
from tests.browser.test_phone_layout import no_sideways_scrolling, sign_in, visit
from tests.factories import Factory

MONDAY = datetime(2026, 3, 2, 8, tzinfo=UTC)  # 8am in London


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    return {**app_config, "CLOCK": lambda: MONDAY, "WTF_CSRF_ENABLED": True}


@pytest.fixture
def reddish(factory: Factory) -> Neighbourhood:
    neighbourhood = factory.neighbourhood(name="Heatons & Reddish", slug="heatons-reddish")
    factory.neighbourhood(name="Marple", slug="marple")
    library = factory.building(
        name="Reddish Library",
        neighbourhood=neighbourhood,
        address="1 Gorton Road\nReddish",
        latitude=Decimal("53.4500"),
        longitude=Decimal("-2.1600"),
    )
    factory.space(library, name="Desk by the window")
    factory.space(library, name="Desk 2")
    hub = factory.building(
        name="Heaton Chapel Family Hub",
        neighbourhood=neighbourhood,
        latitude=Decimal("53.4385"),
        longitude=Decimal("-2.1600"),
    )
    factory.space(hub, name="Hub desk")
    return neighbourhood


def test_a_nurse_books_a_desk_for_tomorrow_morning_in_two_taps(
    phone: Page,
    factory: Factory,
    db_session: Session,
    reddish: Neighbourhood,
    screenshots: Path | None,
) -> None:
    nurse = factory.person(name="Priya Shah")
    sign_in(phone, nurse)
    visit(phone, "/find", screenshots, "find")
    phone.get_by_label("Neighbourhood").select_option(label="Heatons & Reddish")
    phone.get_by_role("button", name="Find a space").click()
    phone.wait_for_url("**/find?*")
    assert no_sideways_scrolling(phone)
    if screenshots:
        phone.screenshot(path=str(screenshots / "find-results.png"), full_page=True)

    phone.get_by_role("link", name="Tomorrow").click()  # first tap
    phone.wait_for_url("**date=2026-03-03*")
    assert phone.get_by_text("Desks in Heatons & Reddish, Tuesday 3 March 2026").is_visible()
    assert no_sideways_scrolling(phone)
    phone.get_by_role("button", name="Morning, 9am to 1pm (Desk by the window)").click()  # second
    phone.wait_for_url("**/bookings/*")

    assert phone.get_by_text(
        "Booked: Desk by the window, Reddish Library, Tuesday 3 March 2026, 9am to 1pm"
    ).is_visible()
    assert no_sideways_scrolling(phone)
    if screenshots:
        phone.screenshot(path=str(screenshots / "booked.png"), full_page=True)
    db_session.expire_all()
    booking = db_session.scalars(select(Booking)).one()
    library, desk = booking.space.building, booking.space
    room = factory.space(library, kind=SpaceKind.MEETING_ROOM, name="Community room")
    visit(phone, f"/buildings/{library.id}/day?date=2026-03-03", screenshots, "day")
    visit(phone, f"/spaces/{desk.id}/week?date=2026-03-02", screenshots, "week")
    visit(phone, f"/spaces/{desk.id}/book?date=2026-03-04", screenshots, "book-desk")
    visit(phone, f"/spaces/{room.id}/book?date=2026-03-04", screenshots, "book-room")
    assert booking.person_id == nurse.id
    assert (booking.starts_at, booking.ends_at) == (
        datetime(2026, 3, 3, 9, tzinfo=UTC),
        datetime(2026, 3, 3, 13, tzinfo=UTC),
    )


@pytest.fixture
def located_phone(browser: Browser, live_server: str) -> Iterator[Page]:
    """A phone that shares its position (in Reddish) when the page asks."""
    context = browser.new_context(
        viewport=ViewportSize(width=PHONE["width"], height=PHONE["height"]),
        base_url=live_server,
        is_mobile=True,
        geolocation={"latitude": 53.4480, "longitude": -2.1600},
        permissions=["geolocation"],
    )
    page = context.new_page()
    violations: list[str] = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    yield page
    context.close()
    assert violations == []


def test_sharing_the_phones_location_lists_the_nearest_building_first(
    located_phone: Page, factory: Factory, reddish: Neighbourhood, screenshots: Path | None
) -> None:
    phone = located_phone
    sign_in(phone, factory.person())
    visit(phone, "/find?neighbourhood=heatons-reddish&date=2026-03-03", screenshots, "find-by-name")
    headings = phone.locator("h3.govuk-heading-m").all_inner_texts()
    assert headings == ["Heaton Chapel Family Hub", "Reddish Library"]  # by name

    phone.get_by_role("button", name="Show nearest first").click()
    phone.wait_for_url("**lat=53.448*")

    assert phone.get_by_text("Nearest first.").is_visible()
    assert phone.locator("h3.govuk-heading-m").all_inner_texts() == [
        "Reddish Library",
        "Heaton Chapel Family Hub",
    ]
    assert phone.get_by_text("0.1 miles away").is_visible()
    assert phone.get_by_text("0.7 miles away").is_visible()
    assert no_sideways_scrolling(phone)
    if screenshots:
        phone.screenshot(path=str(screenshots / "find-nearest.png"), full_page=True)
