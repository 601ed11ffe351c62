"""Alternatives when the wanted space or time is taken: another space in the building, the next
free time, the nearest other building in the neighbourhood."""

from __future__ import annotations

from datetime import UTC, datetime, time
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy.orm import Session

from booking.accounts.models import Person
from booking.bookings.search import Alternative, Origin, alternatives, distance_text, miles_between
from booking.catalogue.models import Building, BuildingAccess, Neighbourhood, Space, SpaceKind
from tests.factories import Factory

NOW = datetime(2026, 3, 2, 8, tzinfo=UTC)  # Monday, 8am in London (GMT)


def at(hour: int, minute: int = 0, day: int = 3) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=UTC)


@pytest.fixture
def reddish(factory: Factory) -> Neighbourhood:
    return factory.neighbourhood(name="Heatons & Reddish")


def building(
    factory: Factory, reddish: Neighbourhood, name: str, lat: str, **fields: Any
) -> Building:
    return factory.building(
        name=name,
        neighbourhood=reddish,
        latitude=Decimal(lat),
        longitude=Decimal("-2.16"),
        **fields,
    )


@pytest.fixture
def library(factory: Factory, reddish: Neighbourhood) -> Building:
    return building(factory, reddish, "Reddish Library", "53.4330")


@pytest.fixture
def person(factory: Factory) -> Person:
    return factory.person()


def offered(found: list[Alternative]) -> list[tuple[str, str, str, str]]:
    return [
        (a.kind, a.space.name, f"{a.starts_at:%d %H:%M}", f"{a.ends_at:%d %H:%M}") for a in found
    ]


def test_another_space_of_the_same_kind_in_the_building_is_offered_first(
    db_session: Session, factory: Factory, library: Building, person: Person
) -> None:
    wanted = factory.space(library, name="Desk 1")
    factory.space(library, kind=SpaceKind.MEETING_ROOM, name="Room")
    factory.space(library, name="Desk 2")
    factory.booking(wanted, starts_at=at(9), ends_at=at(17))

    found = alternatives(db_session, person, wanted, at(10), at(12), NOW)

    assert offered(found)[0] == ("space", "Desk 2", "03 10:00", "03 12:00")


def test_the_next_free_time_is_later_the_same_day(
    db_session: Session, factory: Factory, library: Building, person: Person
) -> None:
    room = factory.space(library, kind=SpaceKind.MEETING_ROOM, name="Board room")
    factory.booking(room, starts_at=at(10), ends_at=at(11, 15))

    found = alternatives(db_session, person, room, at(10), at(11), NOW)

    assert offered(found) == [("time", "Board room", "03 11:15", "03 12:15")]


def test_the_next_free_time_may_be_the_same_time_on_the_next_open_day(
    db_session: Session, factory: Factory, library: Building, person: Person
) -> None:
    room = factory.space(library, kind=SpaceKind.MEETING_ROOM, name="Board room")
    factory.booking(room, starts_at=at(13, day=6), ends_at=at(17, day=6))  # Friday afternoon

    found = alternatives(db_session, person, room, at(15, day=6), at(16, day=6), NOW)

    assert offered(found) == [("time", "Board room", "09 15:00", "09 16:00")]  # Monday


def test_a_later_day_without_room_at_that_time_offers_its_earliest_free_time(
    db_session: Session, factory: Factory, reddish: Neighbourhood, person: Person
) -> None:
    hub = building(
        factory, reddish, "Hub", "53.4330", hours={1: (time(9), time(17)), 2: (time(9), time(12))}
    )
    room = factory.space(hub, kind=SpaceKind.MEETING_ROOM, name="Board room")
    factory.booking(room, starts_at=at(13), ends_at=at(17))

    found = alternatives(db_session, person, room, at(14), at(15), NOW)

    assert offered(found) == [("time", "Board room", "04 09:00", "04 10:00")]


def test_the_nearest_other_building_in_the_neighbourhood_is_offered(
    db_session: Session, factory: Factory, reddish: Neighbourhood, library: Building, person: Person
) -> None:
    wanted = factory.space(library, name="Library desk")
    factory.booking(wanted, starts_at=at(9), ends_at=at(17))
    far = building(factory, reddish, "A Far Centre", "53.4600")
    factory.space(far, name="Far desk")
    near = building(factory, reddish, "B Near Hub", "53.4390")
    factory.space(near, name="Near desk")
    busy = building(factory, reddish, "C Busy Hub", "53.4331")
    factory.booking(factory.space(busy, name="Busy desk"), starts_at=at(9), ends_at=at(17))
    other = factory.neighbourhood()
    factory.space(
        factory.building(neighbourhood=other, latitude=Decimal("53.433")), name="Elsewhere"
    )

    found = alternatives(db_session, person, wanted, at(10), at(12), NOW)

    kinds = {a.kind: a for a in found}
    assert offered([kinds["building"]]) == [("building", "Near desk", "03 10:00", "03 12:00")]
    assert kinds["building"].miles is not None
    assert distance_text(kinds["building"].miles) == "0.4 miles away"
    assert "space" not in kinds


def test_rooms_too_small_for_the_people_invited_are_not_offered(
    db_session: Session, factory: Factory, library: Building, person: Person
) -> None:
    wanted = factory.space(library, kind=SpaceKind.MEETING_ROOM, name="Big room", capacity=10)
    factory.space(library, kind=SpaceKind.MEETING_ROOM, name="Small room", capacity=4)
    factory.booking(wanted, starts_at=at(9), ends_at=at(17))

    found = alternatives(db_session, person, wanted, at(10), at(11), NOW, min_capacity=6)

    assert all(a.space.name != "Small room" for a in found)


def test_buildings_the_person_may_not_book_in_are_not_offered(
    db_session: Session, factory: Factory, reddish: Neighbourhood, library: Building, person: Person
) -> None:
    wanted = factory.space(library, name="Library desk")
    factory.booking(wanted, starts_at=at(9), ends_at=at(17))
    station = building(factory, reddish, "Police Station", "53.4331", access=BuildingAccess.LISTED)
    factory.space(station, name="Station desk")

    found = alternatives(db_session, person, wanted, at(10), at(12), NOW)

    assert all(a.space.name != "Station desk" for a in found)


def test_nothing_is_offered_when_nothing_is_free(
    db_session: Session, factory: Factory, library: Building, person: Person
) -> None:
    wanted: Space = factory.space(library, name="Desk 1")
    for day in range(3, 14):
        factory.booking(wanted, starts_at=at(9, day=day), ends_at=at(17, day=day))

    assert alternatives(db_session, person, wanted, at(10), at(12), NOW) == []


def test_distances_are_great_circle_miles() -> None:
    stockport = Origin(53.4083, -2.1494)
    manchester = Origin(53.4794, -2.2453)

    assert round(miles_between(stockport, manchester), 1) == 6.3
    assert distance_text(0.04) == "Less than 0.1 miles away"
    assert distance_text(1.02) == "1 mile away"
    assert distance_text(12.4) == "12 miles away"
