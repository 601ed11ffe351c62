"""Booking, moving and cancelling at random, against a model simple enough to be obviously right.

The model is a set of bookings in quarter hours of one day. After every step the database's
active bookings are the model's, no space and no person's desks are double booked, and the
free time availability shows is exactly the opening hours minus the model's bookings. Each run
of the machine works in a savepoint that is rolled back at its end.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    invariant,
    multiple,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from booking.bookings import services
from booking.bookings.availability import Window, day_availability
from booking.bookings.errors import BookingError, DeskAlreadyHeld, NotYours, SpaceTaken
from booking.bookings.models import Booking, BookingStatus
from booking.catalogue.models import SpaceKind
from booking.timezones import local_day_bounds, local_to_utc
from tests.factories import Factory

pytestmark = pytest.mark.usefixtures("app")  # the service sends calendar invites

DAYS = [date(2030, 1, 8), date(2026, 3, 29), date(2026, 10, 25)]
OPENS, CLOSES = time(8), time(18)
QUARTERS = 40
"""Quarter hours from 8am to 6pm: the day is ten hours long even when the clocks change."""
QUARTER = timedelta(minutes=15)
starts = st.integers(0, QUARTERS // 2)
"""Mostly in the morning, so that bookings meet; they may still run to closing time."""
someone_else = st.sampled_from([False, False, False, True])
"""Mostly the booker; sometimes another member of staff, who may not touch the booking."""


@dataclass
class Held:
    """A booking in the model: quarter hours [start, end) of the day."""

    space: int
    person: int
    start: int
    end: int
    active: bool = True


def overlap(a: Held, b: Held) -> bool:
    return a.start < b.end and b.start < a.end


def test_booking_moving_and_cancelling_keep_the_model(
    db_session: Session, factory: Factory
) -> None:
    building = factory.building(hours={weekday: (OPENS, CLOSES) for weekday in range(7)})
    spaces = [
        factory.space(building, name="Desk A"),
        factory.space(building, name="Desk B"),
        factory.space(building, kind=SpaceKind.MEETING_ROOM, name="Room"),
    ]
    people = [factory.person() for _ in range(3)]

    class Bookings(RuleBasedStateMachine):
        booked = Bundle("booked")

        def __init__(self) -> None:
            super().__init__()
            self.savepoint = db_session.begin_nested()
            self.model: dict[int, Held] = {}
            self.choose_the_day(DAYS[0])

        @initialize(day=st.sampled_from(DAYS))
        def choose_the_day(self, day: date) -> None:
            self.day = day
            self.opens = local_to_utc(day, OPENS)
            self.now = local_day_bounds(day)[0] - timedelta(days=1)

        def instant(self, quarter: int) -> datetime:
            return self.opens + quarter * QUARTER

        def expected(self, wanted: Held, replacing: int | None = None) -> str:
            """What the service should answer, in the order it checks."""
            others = [h for i, h in self.model.items() if h.active and i != replacing]
            if any(h.space == wanted.space and overlap(h, wanted) for h in others):
                return "taken"
            if spaces[wanted.space].kind is SpaceKind.DESK and any(
                h.person == wanted.person
                and spaces[h.space].kind is SpaceKind.DESK
                and overlap(h, wanted)
                for h in others
            ):
                return "desk held"
            return "ok"

        def attempt(self, action: Callable[[], object]) -> str:
            """What the service answered to `action`, in a word."""
            try:
                action()
                outcome = "ok"
            except SpaceTaken:
                outcome = "taken"
            except DeskAlreadyHeld:
                outcome = "desk held"
            except NotYours:
                outcome = "not yours"
            except BookingError as error:
                outcome = error.message
            return outcome

        def proposal(self, wanted: Held) -> services.Proposal:
            return services.Proposal(
                spaces[wanted.space], self.instant(wanted.start), self.instant(wanted.end)
            )

        @rule(
            target=booked,
            person=st.integers(0, 2),
            space=st.integers(0, 2),
            start=starts,
            length=st.integers(1, 12),
        )
        def book(self, person: int, space: int, start: int, length: int) -> object:
            wanted = Held(space, person, start, min(start + length, QUARTERS))
            made: list[Booking] = []
            outcome = self.attempt(
                lambda: made.append(
                    services.book(db_session, people[person], self.proposal(wanted), now=self.now)
                ),
            )
            assert outcome == self.expected(wanted)
            if not made:
                return multiple()
            self.model[made[0].id] = wanted
            return made[0].id

        @rule(
            booking_id=booked,
            by_someone_else=someone_else,
            space=st.integers(0, 2),
            start=starts,
            length=st.integers(1, 12),
        )
        def move(
            self, booking_id: int, by_someone_else: bool, space: int, start: int, length: int
        ) -> None:
            held = self.model[booking_id]
            mover = (held.person + by_someone_else) % len(people)
            wanted = Held(space, held.person, start, min(start + length, QUARTERS))
            booking = db_session.get_one(Booking, booking_id)
            outcome = self.attempt(
                lambda: services.change(
                    db_session, people[mover], booking, self.proposal(wanted), now=self.now
                ),
            )
            if by_someone_else:
                assert outcome == "not yours"
            elif not held.active:
                assert outcome == "Only upcoming bookings can be changed"
            else:
                assert outcome == self.expected(wanted, replacing=booking_id)
                if outcome == "ok":
                    self.model[booking_id] = wanted

        @rule(booking_id=booked, by_someone_else=someone_else)
        def cancel(self, booking_id: int, by_someone_else: bool) -> None:
            held = self.model[booking_id]
            canceller = (held.person + by_someone_else) % len(people)
            booking = db_session.get_one(Booking, booking_id)
            outcome = self.attempt(
                lambda: services.cancel(db_session, people[canceller], booking, now=self.now),
            )
            if by_someone_else:
                assert outcome == "not yours"
            elif not held.active:
                assert outcome == "This booking is already cancelled"
            else:
                assert outcome == "ok"
                held.active = False

        @invariant()
        def the_database_holds_the_models_bookings(self) -> None:
            rows = db_session.execute(
                select(
                    Booking.id,
                    Booking.space_id,
                    Booking.person_id,
                    Booking.starts_at,
                    Booking.ends_at,
                ).where(Booking.status == BookingStatus.ACTIVE)
            ).all()
            assert {tuple(row) for row in rows} == {
                (
                    i,
                    spaces[h.space].id,
                    people[h.person].id,
                    self.instant(h.start),
                    self.instant(h.end),
                )
                for i, h in self.model.items()
                if h.active
            }

        @invariant()
        def nothing_is_double_booked(self) -> None:
            one, other = aliased(Booking), aliased(Booking)
            clashes = (
                select(func.count())
                .select_from(one)
                .join(other, one.id < other.id)
                .where(
                    one.status == BookingStatus.ACTIVE,
                    other.status == BookingStatus.ACTIVE,
                    one.starts_at < other.ends_at,
                    other.starts_at < one.ends_at,
                )
            )
            same_space = clashes.where(one.space_id == other.space_id)
            same_persons_desks = clashes.where(
                one.person_id == other.person_id, one.is_desk, other.is_desk
            )
            assert db_session.scalar(same_space) == 0
            assert db_session.scalar(same_persons_desks) == 0

        @invariant()
        def free_time_is_opening_hours_minus_the_models_bookings(self) -> None:
            days = day_availability(db_session, spaces, self.day, now=self.now)
            for index, space in enumerate(spaces):
                taken = {
                    quarter
                    for h in self.model.values()
                    if h.active and h.space == index
                    for quarter in range(h.start, h.end)
                }
                assert days[space.id].free == self.free_windows(taken)

        def free_windows(self, taken: set[int]) -> list[Window]:
            windows: list[Window] = []
            for quarter in range(QUARTERS):
                if quarter in taken:
                    continue
                start, end = self.instant(quarter), self.instant(quarter + 1)
                if windows and windows[-1].ends_at == start:
                    windows[-1] = Window(windows[-1].starts_at, end)
                else:
                    windows.append(Window(start, end))
            return windows

        def teardown(self) -> None:
            self.savepoint.rollback()

    run_state_machine_as_test(
        Bookings,
        settings=settings(
            max_examples=30,
            stateful_step_count=12,
            deadline=None,
            suppress_health_check=[HealthCheck.function_scoped_fixture],
        ),
    )
