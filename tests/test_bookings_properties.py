"""The availability people see and the bookings the service accepts never disagree.

For random buildings (hours, advance windows, bank holidays, longest room booking), random
bookings and closures already there, a random "now" and a random proposal on one day, the
booking service accepts the proposal exactly when `day_availability` says the space is free
for it. The proposal is made by someone allowed to book in the building who holds no other
desk, in whole minutes (rooms on the quarter hour, no longer than the building allows: a free
window says when a room is free, not how long one booking of it may last).

Each example builds its data in a savepoint and rolls it back.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta

import pytest
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session

from booking.accounts.models import Person
from booking.bookings import services
from booking.bookings.availability import day_availability
from booking.bookings.errors import BookingError
from booking.bookings.models import BookingStatus
from booking.catalogue.models import (
    BankHoliday,
    BuildingAccess,
    Neighbourhood,
    Organisation,
    Space,
    SpaceKind,
)
from booking.timezones import local_day_bounds, to_local, wall_clock_to_utc
from tests.factories import Factory

DAYS = [
    date(2030, 1, 8),  # a Tuesday
    date(2030, 1, 12),  # a Saturday (closed in some buildings)
    date(2026, 3, 29),  # the clocks go forward
    date(2026, 10, 25),  # the clocks go back
    date(2027, 3, 28),
    date(2027, 10, 31),
]
HOURS = [
    (time(9), time(17)),
    (time(8, 5), time(17, 10)),  # off the quarter hour: rooms' windows shrink to the grid
    (time(0), time(23, 45)),  # through the night the clocks change
    (time(1, 30), time(23)),  # opens in the skipped or the repeated hour
    (time(7), time(21, 30)),  # longer than a room may be booked
]
STATUSES = [
    BookingStatus.ACTIVE,
    BookingStatus.ACTIVE,
    BookingStatus.CANCELLED,
    BookingStatus.NO_SHOW,
]


@dataclass(frozen=True)
class World:
    """What every example shares: organisations and people (outside the examples' savepoints)."""

    neighbourhood: Neighbourhood
    owner: Organisation
    partner: Organisation
    own_staff: Person
    partner_staff: Person
    others: list[Person]


@pytest.fixture
def world(factory: Factory) -> World:
    owner, partner = factory.organisation(), factory.organisation()
    return World(
        neighbourhood=factory.neighbourhood(),
        owner=owner,
        partner=partner,
        own_staff=factory.person(organisation=owner),
        partner_staff=factory.person(organisation=partner),
        others=[factory.person(organisation=partner) for _ in range(6)],
    )


@dataclass(frozen=True)
class Building:
    hours: tuple[time, time]
    closed_on_saturdays: bool
    on_holiday: bool
    opens_on_bank_holidays: bool
    listed_only: bool
    desk_advance_days: int
    room_advance_days: int
    owner_advance_days: int | None
    room_max_minutes: int
    bookable: bool


buildings = st.builds(
    Building,
    hours=st.sampled_from(HOURS),
    closed_on_saturdays=st.booleans(),
    on_holiday=st.sampled_from([False, False, False, True]),
    opens_on_bank_holidays=st.booleans(),
    listed_only=st.booleans(),
    desk_advance_days=st.sampled_from([1, 2, 28]),
    room_advance_days=st.sampled_from([1, 90]),
    owner_advance_days=st.sampled_from([None, 3]),
    room_max_minutes=st.sampled_from([60, 480]),
    bookable=st.sampled_from([True] * 5 + [False]),
)
kinds = st.sampled_from([SpaceKind.DESK, SpaceKind.MEETING_ROOM])
short_or_long = st.one_of(
    st.integers(min_value=1, max_value=180), st.integers(min_value=1, max_value=900)
)
Times = tuple[datetime, datetime]


@dataclass(frozen=True)
class Scenario:
    day: date
    building: Building
    bookings: list[tuple[SpaceKind, Times, BookingStatus]]
    closures: list[tuple[SpaceKind | None, Times]]
    """None: the whole building."""
    now: datetime
    by_own_staff: bool
    kind: SpaceKind
    proposal: Times


def opening(day: date, spec: Building) -> Times:
    return wall_clock_to_utc(day, spec.hours[0]), wall_clock_to_utc(day, spec.hours[1])


def lasting(
    start: st.SearchStrategy[datetime], minutes: st.SearchStrategy[int]
) -> st.SearchStrategy[Times]:
    return st.builds(lambda s, m: (s, s + timedelta(minutes=m)), start, minutes)


@st.composite
def scenarios(draw: st.DrawFn) -> Scenario:
    """Times cluster around opening time and around 01:00 UTC, when the clocks change."""
    day, spec = draw(st.sampled_from(DAYS)), draw(buildings)
    opens, closes = opening(day, spec)
    clocks_change = datetime.combine(day, time(1), tzinfo=UTC)
    span = int((closes - opens).total_seconds() // 60)

    def near(minutes: st.SearchStrategy[int]) -> st.SearchStrategy[datetime]:
        anchors = st.sampled_from([opens, clocks_change])
        return st.builds(lambda a, m: a + timedelta(minutes=m), anchors, minutes)

    kind = draw(kinds)
    if kind is SpaceKind.DESK:
        proposal = draw(lasting(near(st.integers(-30, span + 30)), short_or_long))
    else:  # London's offsets are whole hours: UTC quarter hours are the wall clock's
        on_the_grid = opens.replace(minute=opens.minute - opens.minute % 15)
        anchor = draw(st.sampled_from([on_the_grid, clocks_change]))
        start = anchor + timedelta(minutes=15 * draw(st.integers(-2, span // 15 + 2)))
        quarters = st.integers(1, spec.room_max_minutes // 15)
        proposal = draw(lasting(st.just(start), quarters.map(lambda q: 15 * q)))
    midnight, _ = local_day_bounds(day)
    now = draw(
        st.one_of(
            st.builds(lambda m: midnight + timedelta(minutes=m), st.integers(-3 * 24 * 60, 0)),
            st.builds(lambda m: midnight + timedelta(minutes=m), st.integers(0, 24 * 60)),
            st.builds(lambda m: proposal[0] + timedelta(minutes=m), st.integers(-10, 10)),
        )
    ) + timedelta(seconds=draw(st.integers(0, 59)))
    return Scenario(
        day=day,
        building=spec,
        bookings=draw(
            st.lists(
                st.tuples(
                    kinds,
                    lasting(near(st.integers(-120, 900)), short_or_long),
                    st.sampled_from(STATUSES),
                ),
                max_size=6,
            )
        ),
        closures=draw(
            st.lists(
                st.tuples(
                    st.sampled_from([None, SpaceKind.DESK, SpaceKind.MEETING_ROOM]),
                    lasting(
                        near(st.integers(-24 * 60, 900)),
                        st.one_of(short_or_long, st.integers(1, 2 * 24 * 60)),
                    ),
                ),
                max_size=2,
            )
        ),
        now=now,
        by_own_staff=draw(st.booleans()),
        kind=kind,
        proposal=proposal,
    )


def make_building(
    factory: Factory, world: World, day: date, spec: Building
) -> dict[SpaceKind, Space]:
    hours = {weekday: spec.hours for weekday in range(7)}
    if spec.closed_on_saturdays:
        del hours[5]
    if spec.on_holiday:
        factory.session.add(BankHoliday(day=day, title="A bank holiday"))
    building = factory.building(
        hours=hours,
        neighbourhood=world.neighbourhood,
        owner=world.owner,
        opens_on_bank_holidays=spec.opens_on_bank_holidays,
        access=BuildingAccess.LISTED if spec.listed_only else BuildingAccess.ALL_PARTNERS,
        allowed_organisations=[world.partner] if spec.listed_only else [],
        desk_advance_days=spec.desk_advance_days,
        room_advance_days=spec.room_advance_days,
        owner_advance_days=spec.owner_advance_days,
        room_max_minutes=spec.room_max_minutes,
    )
    return {
        SpaceKind.DESK: factory.space(building, bookable=spec.bookable),
        SpaceKind.MEETING_ROOM: factory.space(building, kind=SpaceKind.MEETING_ROOM),
    }


def utc(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=UTC)


EVERYTHING_ALLOWED = Building(
    hours=(time(0), time(23, 45)),
    closed_on_saturdays=False,
    on_holiday=False,
    opens_on_bank_holidays=False,
    listed_only=False,
    desk_advance_days=28,
    room_advance_days=90,
    owner_advance_days=None,
    room_max_minutes=480,
    bookable=True,
)
AFTER_THE_CLOCKS_GO_BACK = Scenario(
    day=date(2026, 10, 25),
    building=EVERYTHING_ALLOWED,
    bookings=[
        (
            SpaceKind.MEETING_ROOM,
            (utc(date(2026, 10, 25), 0), utc(date(2026, 10, 25), 1, 7)),
            BookingStatus.ACTIVE,
        )
    ],
    closures=[],
    now=utc(date(2026, 10, 24), 12),
    by_own_staff=False,
    kind=SpaceKind.MEETING_ROOM,
    proposal=(utc(date(2026, 10, 25), 0, 15), utc(date(2026, 10, 25), 0, 30)),
)
"""A room booked until the second 1:07am is free again from the second 1:15am, not the first."""
OPENING_IN_THE_SKIPPED_HOUR = Scenario(
    day=date(2026, 3, 29),
    building=replace(EVERYTHING_ALLOWED, hours=(time(1, 30), time(23))),
    bookings=[],
    closures=[],
    now=utc(date(2026, 3, 28), 12),
    by_own_staff=True,
    kind=SpaceKind.DESK,
    proposal=(utc(date(2026, 3, 29), 1, 30), utc(date(2026, 3, 29), 2)),
)


RULES = {
    "already passed": "in the past",
    "days ahead": "beyond the advance window",
    " is open ": "outside opening hours",
    " is closed on ": "a closed day",
    " is closed from ": "a closure",
    "just been booked": "taken",
    "cannot be booked": "not bookable",
}


def outcome(refusal: str | None) -> str:
    """A label for hypothesis's statistics (`--hypothesis-show-statistics`)."""
    if refusal is None:
        return "accepted"
    return "refused: " + next((rule for words, rule in RULES.items() if words in refusal), refusal)


def overlaps(a: tuple[datetime, datetime], b: tuple[datetime, datetime]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(scenario=scenarios())
@example(scenario=AFTER_THE_CLOCKS_GO_BACK)
@example(scenario=OPENING_IN_THE_SKIPPED_HOUR)
def test_the_service_accepts_a_booking_exactly_when_availability_shows_it_free(
    db_session: Session, factory: Factory, world: World, scenario: Scenario
) -> None:
    person = world.own_staff if scenario.by_own_staff else world.partner_staff
    starts_at, ends_at = scenario.proposal
    savepoint = db_session.begin_nested()
    try:
        spaces = make_building(factory, world, scenario.day, scenario.building)
        held: list[tuple[SpaceKind, Times]] = []
        for (kind, times, status), other in zip(scenario.bookings, world.others, strict=False):
            if status is BookingStatus.ACTIVE:
                if any(k is kind and overlaps(times, t) for k, t in held):
                    continue  # the database would refuse it
                held.append((kind, times))
            factory.booking(
                spaces[kind], other, starts_at=times[0], ends_at=times[1], status=status
            )
        for where, (start, end) in scenario.closures:
            factory.closure(
                building=None if where else spaces[SpaceKind.DESK].building,
                space=spaces[where] if where else None,
                starts_at=start,
                ends_at=end,
            )
        space = spaces[scenario.kind]

        space_day = day_availability(
            db_session, [space], to_local(starts_at).date(), now=scenario.now, person=person
        )[space.id]
        proposal = services.Proposal(space, starts_at, ends_at)
        try:
            services.check(db_session, person, proposal, now=scenario.now)
            refusal = None
        except BookingError as error:
            refusal = error.message
        event(outcome(refusal))

        assert (refusal is None) == space_day.is_free(starts_at, ends_at), (
            f"the service said {refusal or 'yes'}; availability's free windows were "
            f"{[f'{to_local(w.starts_at):%H:%M%z}-{to_local(w.ends_at):%H:%M%z}' for w in space_day.free]}"
        )
    finally:
        savepoint.rollback()
