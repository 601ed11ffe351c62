"""Estates: a building's weekly opening hours."""

from __future__ import annotations

from collections.abc import Callable
from datetime import time
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from booking.accounts.models import Person
from booking.audit.models import AuditEntry
from booking.catalogue.services import DAY_NAMES
from tests.factories import Factory


def week(**days: tuple[str, str] | None) -> dict[str, Any]:
    """Form data: Monday to Friday 9am to 5pm and the weekend closed, unless `days` says."""
    data: dict[str, Any] = {}
    for index, name in enumerate(DAY_NAMES):
        hours = days.get(name, ("09:00", "17:00") if index < 5 else None)
        if hours is None:
            data[f"{name}_closed"] = "y"
        else:
            data[f"{name}_opens"], data[f"{name}_closes"] = hours
    return data


def test_saving_the_week_replaces_the_hours_and_records_before_and_after(
    factory: Factory, sign_in: Callable[[Person], FlaskClient], db_session: Session
) -> None:
    building = factory.building()  # Monday to Friday, 9am to 5pm
    client = sign_in(factory.building_manager(building))
    page = client.get(f"/estates/buildings/{building.id}/hours").get_data(as_text=True)
    assert 'type="time"' in page and 'value="09:00"' in page
    response = client.post(
        f"/estates/buildings/{building.id}/hours",
        data=week(friday=None, saturday=("10:00", "13:30")),
    )
    assert response.status_code == 302
    db_session.expire_all()
    hours = {row.weekday: (row.opens, row.closes) for row in building.opening_hours}
    assert 4 not in hours and 6 not in hours
    assert hours[5] == (time(10), time(13, 30))
    assert hours[0] == (time(9), time(17))
    [entry] = db_session.scalars(select(AuditEntry).where(AuditEntry.action == "building.hours"))
    assert entry.subject_type == "building" and entry.subject_id == building.id
    assert entry.changes == {
        "friday": ["09:00-17:00", "closed"],
        "saturday": ["closed", "10:00-13:30"],
    }


def test_saving_the_same_hours_records_nothing(
    factory: Factory, sign_in: Callable[[Person], FlaskClient], db_session: Session
) -> None:
    building = factory.building()
    client = sign_in(factory.building_manager(building))
    assert client.post(f"/estates/buildings/{building.id}/hours", data=week()).status_code == 302
    assert not db_session.scalars(
        select(AuditEntry).where(AuditEntry.action == "building.hours")
    ).all()


def test_a_day_must_close_after_it_opens(
    factory: Factory, sign_in: Callable[[Person], FlaskClient], db_session: Session
) -> None:
    building = factory.building()
    client = sign_in(factory.building_manager(building))
    response = client.post(
        f"/estates/buildings/{building.id}/hours", data=week(tuesday=("17:00", "09:00"))
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Tuesday&#39;s closing time must be after its opening time" in page
    assert 'href="#tuesday_closes"' in page
    db_session.expire_all()
    assert len(building.opening_hours) == 5


def test_an_open_day_needs_both_times_and_real_ones(
    factory: Factory, sign_in: Callable[[Person], FlaskClient]
) -> None:
    building = factory.building()
    client = sign_in(factory.building_manager(building))
    data = week(wednesday=("", "17:00"), thursday=("25:00", "17:00"))
    response = client.post(f"/estates/buildings/{building.id}/hours", data=data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Enter the time the building opens on Wednesday, or tick Closed" in page
    assert "Enter the time the building opens on Thursday as a time, like 09:00" in page


def test_times_need_not_be_on_the_quarter_hour(
    factory: Factory, sign_in: Callable[[Person], FlaskClient], db_session: Session
) -> None:
    building = factory.building()
    client = sign_in(factory.building_manager(building))
    data = week(monday=("08:07", "16:53"))
    assert client.post(f"/estates/buildings/{building.id}/hours", data=data).status_code == 302
    db_session.expire_all()
    assert (building.opening_hours[0].opens, building.opening_hours[0].closes) == (
        time(8, 7),
        time(16, 53),
    )
