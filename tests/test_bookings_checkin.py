"""Checking in: the window, the page the QR code opens, and the printable sign."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import segno
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from booking.accounts.models import Person
from booking.audit.models import AuditEntry
from booking.bookings import checkin, signs
from booking.bookings.errors import BookingError, NotYours
from booking.bookings.models import Booking, BookingStatus
from booking.catalogue.models import Space
from tests.factories import Factory

START = datetime(2030, 1, 8, 10, 0, tzinfo=UTC)  # Tuesday 8 January 2030, 10am (UK time = UTC)


class Clock:
    def __init__(self) -> None:
        self.now = START - timedelta(hours=1)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def app_config(app_config: dict[str, Any], clock: Clock) -> dict[str, Any]:
    return {**app_config, "CLOCK": clock}


@pytest.fixture
def desk(factory: Factory) -> Space:
    building = factory.building(name="Reddish Library", check_in_grace_minutes=30)
    return factory.space(building, name="Desk 4")


@pytest.fixture
def nurse(factory: Factory, desk: Space) -> Person:
    return factory.person(organisation=desk.building.owner)


@pytest.fixture
def booking(factory: Factory, desk: Space, nurse: Person) -> Booking:
    return factory.booking(desk, nurse, starts_at=START, ends_at=START + timedelta(hours=3))


@pytest.mark.parametrize(
    ("minutes", "allowed"),
    [(-16, False), (-15, True), (0, True), (29, True), (30, False)],
)
def test_check_in_opens_15_minutes_before_and_closes_after_the_grace(
    minutes: int, allowed: bool, booking: Booking, nurse: Person, db_session: Session
) -> None:
    moment = START + timedelta(minutes=minutes)
    if allowed:
        checkin.check_in(db_session, nurse, booking, moment)
        assert booking.checked_in_at == moment
    else:
        with pytest.raises(BookingError) as refused:
            checkin.check_in(db_session, nurse, booking, moment)
        assert booking.checked_in_at is None
        expected = "You can check in from 9:45am" if minutes < 0 else "closed at 10:30am"
        assert expected in refused.value.message


def test_the_window_never_outlasts_a_short_booking(
    factory: Factory, desk: Space, nurse: Person
) -> None:
    short = factory.booking(desk, nurse, starts_at=START, ends_at=START + timedelta(minutes=15))
    assert checkin.check_in_window(short) == (
        START - timedelta(minutes=15),
        START + timedelta(minutes=15),
    )


def test_checking_in_twice_is_harmless_and_recorded_once(
    booking: Booking, nurse: Person, db_session: Session
) -> None:
    checkin.check_in(db_session, nurse, booking, START)
    checkin.check_in(db_session, nurse, booking, START + timedelta(minutes=5))
    assert booking.checked_in_at == START
    entries = db_session.scalars(select(AuditEntry).where(AuditEntry.action == "booking.check_in"))
    assert len(entries.all()) == 1


def test_only_the_booker_can_check_in_to_an_active_booking(
    booking: Booking, nurse: Person, factory: Factory, db_session: Session
) -> None:
    with pytest.raises(NotYours):
        checkin.check_in(db_session, factory.person(), booking, START)
    booking.status = BookingStatus.CANCELLED
    with pytest.raises(BookingError, match="has been cancelled"):
        checkin.check_in(db_session, nurse, booking, START)
    booking.status = BookingStatus.NO_SHOW
    with pytest.raises(BookingError, match="was released"):
        checkin.check_in(db_session, nurse, booking, START)


def test_the_qr_code_page_asks_you_to_sign_in_first(client: FlaskClient, desk: Space) -> None:
    response = client.get(f"/spaces/{desk.id}/check-in")
    assert response.status_code == 302
    assert f"next=%2Fspaces%2F{desk.id}%2Fcheck-in" in response.headers["Location"]


def test_the_qr_code_page_checks_you_in_to_your_booking_of_the_space(
    booking: Booking,
    desk: Space,
    nurse: Person,
    clock: Clock,
    sign_in: Callable[[Person], FlaskClient],
    db_session: Session,
) -> None:
    client = sign_in(nurse)
    button = f'name="booking" value="{booking.id}"'
    page = client.get(f"/spaces/{desk.id}/check-in").get_data(as_text=True)
    assert "You can check in from Tuesday 8 January 2030, 9:45am" in page
    assert button not in page

    clock.now = START + timedelta(minutes=3)
    page = client.get(f"/spaces/{desk.id}/check-in").get_data(as_text=True)
    assert "Tuesday 8 January 2030, 10am to 1pm" in page and button in page
    response = client.post(f"/spaces/{desk.id}/check-in")
    assert response.headers["Location"] == f"/bookings/{booking.id}"
    db_session.expire_all()
    assert booking.checked_in_at == clock.now
    assert "You have checked in" in client.get(f"/spaces/{desk.id}/check-in").get_data(as_text=True)


def test_checking_in_too_late_says_so(
    booking: Booking,
    desk: Space,
    nurse: Person,
    clock: Clock,
    sign_in: Callable[[Person], FlaskClient],
    db_session: Session,
) -> None:
    clock.now = START + timedelta(minutes=45)
    client = sign_in(nurse)
    assert "Check-in for this booking closed at" in client.get(
        f"/spaces/{desk.id}/check-in"
    ).get_data(as_text=True)
    response = client.post(f"/spaces/{desk.id}/check-in", data={"booking": str(booking.id)})
    assert response.status_code == 422
    assert "closed at 10:30am" in response.get_data(as_text=True)
    db_session.expire_all()
    assert booking.checked_in_at is None


def test_without_a_booking_the_page_offers_to_book_the_space(
    desk: Space, nurse: Person, sign_in: Callable[[Person], FlaskClient]
) -> None:
    client = sign_in(nurse)
    page = client.get(f"/spaces/{desk.id}/check-in").get_data(as_text=True)
    assert "You have no booking for Desk 4 now" in page
    assert f'href="/spaces/{desk.id}/book"' in page
    assert client.post(f"/spaces/{desk.id}/check-in").status_code == 422


def test_my_bookings_has_a_check_in_button_while_the_window_is_open(
    booking: Booking,
    nurse: Person,
    clock: Clock,
    sign_in: Callable[[Person], FlaskClient],
    db_session: Session,
) -> None:
    client = sign_in(nurse)
    action = f'action="/spaces/{booking.space_id}/check-in"'
    assert action not in client.get("/bookings").get_data(as_text=True)
    clock.now = START - timedelta(minutes=10)
    page = client.get("/bookings").get_data(as_text=True)
    assert action in page and f'name="booking" value="{booking.id}"' in page
    assert (
        client.post(
            f"/spaces/{booking.space_id}/check-in", data={"booking": str(booking.id)}
        ).status_code
        == 302
    )
    db_session.expire_all()
    assert booking.is_checked_in
    page = client.get("/bookings").get_data(as_text=True)
    assert action not in page and "Checked in" in page


def test_nobody_checks_in_to_someone_elses_booking(
    booking: Booking,
    desk: Space,
    factory: Factory,
    clock: Clock,
    sign_in: Callable[[Person], FlaskClient],
    db_session: Session,
) -> None:
    clock.now = START
    client = sign_in(factory.person())
    response = client.post(f"/spaces/{desk.id}/check-in", data={"booking": str(booking.id)})
    assert response.status_code == 404
    other_space = factory.space(desk.building)
    response = client.post(f"/spaces/{other_space.id}/check-in", data={"booking": str(booking.id)})
    assert response.status_code == 404
    assert client.get("/spaces/999999/check-in").status_code == 404
    db_session.expire_all()
    assert booking.checked_in_at is None


def test_a_building_manager_can_print_a_sign_whose_code_opens_the_check_in_page(
    desk: Space,
    factory: Factory,
    sign_in: Callable[[Person], FlaskClient],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    client = sign_in(factory.building_manager(desk.building))
    building_page = client.get(f"/estates/buildings/{desk.building_id}").get_data(as_text=True)
    assert f'href="/spaces/{desk.id}/sign"' in building_page

    page = client.get(f"/spaces/{desk.id}/sign").get_data(as_text=True)
    url = f"http://localhost/spaces/{desk.id}/check-in"
    assert "Scan to check in" in page and "Desk 4" in page and "Reddish Library" in page
    assert f'src="/spaces/{desk.id}/sign.svg"' in page
    assert url in page

    encoded: list[str] = []
    real_make = segno.make

    def spy(content: str, **options: Any) -> segno.QRCode:
        encoded.append(content)
        return real_make(content, **options)

    monkeypatch.setattr(segno, "make", spy)
    response = client.get(f"/spaces/{desk.id}/sign.svg")
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    assert response.data.lstrip().startswith(b"<?xml") and b"<svg" in response.data
    assert encoded == [url]


def test_the_sign_uses_the_public_address_not_the_request_host(
    app_config: dict[str, Any], desk: Space
) -> None:
    from booking import create_app

    app = create_app({**app_config, "BASE_URL": "https://spaces.example/booking"})
    with app.app_context():
        assert signs.check_in_url(desk) == (
            f"https://spaces.example/booking/spaces/{desk.id}/check-in"
        )


def test_only_the_buildings_managers_get_its_signs(
    desk: Space, nurse: Person, factory: Factory, sign_in: Callable[[Person], FlaskClient]
) -> None:
    for person in (nurse, factory.building_manager(factory.building())):
        client = sign_in(person)
        assert client.get(f"/spaces/{desk.id}/sign").status_code == 403
        assert client.get(f"/spaces/{desk.id}/sign.svg").status_code == 403
