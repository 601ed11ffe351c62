"""The feedback figures for the reports: ratings and problems per space and per building,
counted by the database, for a period of UK days."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy.orm import Session

from booking.catalogue.models import Building, Space
from booking.feedback.models import ProblemCategory, ProblemReport, ProblemStatus, SpaceRating
from booking.feedback.summary import Feedback, FeedbackSummary, feedback_summary
from tests.factories import Factory

JUNE = {"start": date(2026, 6, 1), "end": date(2026, 6, 30)}
"""British Summer Time: UK midnight is 11pm UTC the day before."""
IN_JUNE = datetime(2026, 6, 10, 12, tzinfo=UTC)
_days = itertools.count()


class Feedbacks:
    """Ratings and problems for past bookings, each on a booking of its own."""

    def __init__(self, factory: Factory, db_session: Session) -> None:
        self.factory, self.session = factory, db_session

    def _booking_of(self, space: Space) -> int:
        starts_at = datetime(2026, 5, 1, 9, tzinfo=UTC) + timedelta(days=next(_days))
        return self.factory.booking(space, starts_at=starts_at).id

    def rating(self, space: Space, rating: int, at: datetime = IN_JUNE) -> None:
        self.session.add(
            SpaceRating(
                booking_id=self._booking_of(space),
                space_id=space.id,
                rating=rating,
                created_at=at,
                updated_at=at,
            )
        )
        self.session.flush()

    def problem(self, space: Space, *, fixed: bool = False, at: datetime = IN_JUNE) -> None:
        booking_id = self._booking_of(space)
        self.session.add(
            ProblemReport(
                booking_id=booking_id,
                space_id=space.id,
                building_id=space.building_id,
                category=ProblemCategory.WIFI,
                reported_by_id=self.factory.person().id,
                created_at=at,
                status=ProblemStatus.FIXED if fixed else ProblemStatus.OPEN,
                fixed_at=at if fixed else None,
            )
        )
        self.session.flush()


@pytest.fixture
def library(factory: Factory) -> Building:
    return factory.building(name="Reddish Library")


@pytest.fixture
def hall(factory: Factory) -> Building:
    return factory.building(name="Brinnington Hall")


@pytest.fixture
def spaces(factory: Factory, library: Building, hall: Building) -> dict[str, Space]:
    return {
        "desk": factory.space(library, name="Desk 1"),
        "room": factory.space(library, name="Room 1"),
        "hall desk": factory.space(hall, name="Desk A"),
    }


@pytest.fixture
def summary_data(factory: Factory, db_session: Session, spaces: dict[str, Space]) -> None:
    """Desk 1: good, good, poor and two problems open, one fixed. Room 1: ok. Desk A: one
    problem open, one fixed. Around June's edges: one of each in May and July."""
    given = Feedbacks(factory, db_session)
    desk, room, hall_desk = spaces["desk"], spaces["room"], spaces["hall desk"]
    given.rating(desk, 3, at=datetime(2026, 5, 31, 23, 30, tzinfo=UTC))  # 12:30am, 1 June
    given.rating(desk, 3)
    given.rating(desk, 1, at=datetime(2026, 6, 30, 22, 59, tzinfo=UTC))  # 11:59pm, 30 June
    given.rating(room, 2)
    given.rating(room, 1, at=datetime(2026, 5, 31, 22, 59, tzinfo=UTC))  # 11:59pm, 31 May
    given.rating(hall_desk, 3, at=datetime(2026, 6, 30, 23, 0, tzinfo=UTC))  # midnight, July
    given.problem(desk)
    given.problem(desk)
    given.problem(desk, fixed=True)
    given.problem(hall_desk)
    given.problem(hall_desk, fixed=True)
    given.problem(room, at=datetime(2026, 7, 1, 9, tzinfo=UTC))


@pytest.mark.usefixtures("summary_data")
def test_every_space_and_building_with_feedback_in_the_period(
    db_session: Session, spaces: dict[str, Space], library: Building, hall: Building
) -> None:
    summary = feedback_summary(db_session, **JUNE)

    assert summary == FeedbackSummary(
        spaces={
            spaces["desk"].id: Feedback(3, 2.33, open_problems=2, fixed_problems=1),
            spaces["room"].id: Feedback(1, 2.0),
            spaces["hall desk"].id: Feedback(0, None, open_problems=1, fixed_problems=1),
        },
        buildings={
            library.id: Feedback(4, 2.25, open_problems=2, fixed_problems=1),
            hall.id: Feedback(0, None, open_problems=1, fixed_problems=1),
        },
    )


@pytest.mark.usefixtures("summary_data")
def test_the_summary_for_some_spaces_only(
    db_session: Session, spaces: dict[str, Space], library: Building
) -> None:
    summary = feedback_summary(db_session, **JUNE, space_ids=[spaces["room"].id])

    assert summary.spaces == {spaces["room"].id: Feedback(1, 2.0)}
    assert summary.buildings == {library.id: Feedback(1, 2.0)}


@pytest.mark.usefixtures("summary_data")
def test_the_summary_for_some_buildings_only(
    db_session: Session, spaces: dict[str, Space], hall: Building
) -> None:
    summary = feedback_summary(db_session, **JUNE, building_ids=[hall.id])

    assert summary.spaces == {spaces["hall desk"].id: Feedback(0, None, 1, 1)}
    assert summary.buildings == {hall.id: Feedback(0, None, 1, 1)}


@pytest.mark.usefixtures("summary_data")
def test_a_period_without_feedback_is_empty(db_session: Session) -> None:
    summary = feedback_summary(db_session, start=date(2026, 8, 1), end=date(2026, 8, 31))

    assert summary == FeedbackSummary(spaces={}, buildings={})


def test_july_starts_at_uk_midnight(
    factory: Factory, db_session: Session, spaces: dict[str, Space], hall: Building
) -> None:
    Feedbacks(factory, db_session).rating(
        spaces["hall desk"], 3, at=datetime(2026, 6, 30, 23, 0, tzinfo=UTC)
    )

    summary = feedback_summary(db_session, start=date(2026, 7, 1), end=date(2026, 7, 31))

    assert summary.buildings == {hall.id: Feedback(1, 3.0)}
