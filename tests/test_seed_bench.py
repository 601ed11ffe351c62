"""`seed-bench` loads borough-scale data by bulk inserts, keeping every database rule."""

from __future__ import annotations

from flask.testing import FlaskCliRunner
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from booking.bookings.models import Booking, BookingStatus
from booking.catalogue.models import Building, Space


def test_seed_bench_loads_three_thousand_spaces_and_the_bookings_asked_for_once(
    runner: FlaskCliRunner, db_session: Session
) -> None:
    result = runner.invoke(args=["seed-bench", "--bookings", "3000", "--people", "200"])
    assert result.exit_code == 0, result.output
    assert "3000 spaces" in result.output and "3000 bookings" in result.output

    bench_spaces = db_session.scalar(
        select(func.count(Space.id)).join(Building).where(Building.name.like("Bench building %"))
    )
    assert bench_spaces == 3000
    assert db_session.scalar(select(func.count(Booking.id))) == 3000
    first, last = db_session.execute(
        select(func.min(Booking.starts_at), func.max(Booking.starts_at))
    ).one()
    assert (last - first).days > 300
    statuses = set(db_session.scalars(select(Booking.status).distinct()))
    assert statuses == {BookingStatus.ACTIVE, BookingStatus.CANCELLED, BookingStatus.NO_SHOW}

    again = runner.invoke(args=["seed-bench", "--bookings", "10", "--people", "50"])
    assert again.exit_code != 0
    assert "already loaded" in again.output
