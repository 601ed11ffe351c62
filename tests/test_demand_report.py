"""The unmet demand report: searches that found nothing, grouped by neighbourhood, time of day
and kind of space (in SQL), and who may see which neighbourhoods."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import openpyxl
import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from booking.accounts.models import Person
from booking.catalogue.models import Facility, Neighbourhood, SpaceKind
from booking.demand.models import SearchSource, TimeOfDay, UnmetSearch
from booking.demand.services import UnmetDemand, Wanted, unmet_demand
from tests.factories import Factory

SignIn = Callable[[Person], FlaskClient]
NOW = datetime(2026, 3, 10, 12, tzinfo=UTC)
MARCH = {"start": date(2026, 3, 1), "end": date(2026, 3, 31)}


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    return {**app_config, "CLOCK": lambda: NOW}


@pytest.fixture
def bramhall(factory: Factory) -> Neighbourhood:
    return factory.neighbourhood(name="Bramhall & Cheadle Hulme South", slug="bramhall")


@pytest.fixture
def reddish(factory: Factory) -> Neighbourhood:
    return factory.neighbourhood(name="Heatons & Reddish", slug="reddish")


@pytest.fixture
def searches(db_session: Session, bramhall: Neighbourhood, reddish: Neighbourhood) -> None:
    """Ten searches that found nothing: eight in March (two of them at its edges), two not."""
    desk, room, quiet = SpaceKind.DESK, SpaceKind.MEETING_ROOM, SpaceKind.QUIET_ROOM
    wifi, step_free = Facility.WIFI, Facility.STEP_FREE
    wanted = [
        Wanted(reddish.id, date(2026, 3, 3), time(9), time(12), desk, 1, frozenset({step_free})),
        Wanted(
            reddish.id, date(2026, 3, 3), time(10), time(11), desk, 1, frozenset({step_free, wifi})
        ),
        Wanted(reddish.id, date(2026, 3, 4), time(9, 30), None, desk),
        Wanted(reddish.id, date(2026, 3, 6), time(11), time(12), room, 4),
        Wanted(reddish.id, date(2026, 3, 3), time(14), time(15), room, 6),
        Wanted(reddish.id, date(2026, 3, 5), time(13), time(16), room, 10, frozenset({wifi})),
        Wanted(reddish.id, date(2026, 3, 3), source=SearchSource.API),
        Wanted(bramhall.id, date(2026, 3, 1), time(17, 30), time(19), quiet, 2),
        Wanted(bramhall.id, date(2026, 3, 31), time(18), time(19), quiet, 1),
        Wanted(bramhall.id, date(2026, 2, 28), time(18), time(19), quiet, 3),  # February
        Wanted(bramhall.id, date(2026, 4, 1), time(18), time(19), quiet, 3),  # April
    ]
    for minutes, search in enumerate(wanted):
        at = datetime(2026, 2, 27, 9, tzinfo=UTC) + timedelta(minutes=minutes)
        db_session.add(UnmetSearch(searched_at=at, **search.columns()))
    db_session.flush()


@pytest.mark.usefixtures("searches")
def test_searches_are_grouped_by_neighbourhood_time_of_day_and_kind(
    db_session: Session, bramhall: Neighbourhood, reddish: Neighbourhood
) -> None:
    rows = unmet_demand(db_session, **MARCH, neighbourhood_ids=None)

    assert rows == [
        UnmetDemand(
            bramhall.id, bramhall.name, TimeOfDay.EVENING, SpaceKind.QUIET_ROOM, 2, 2, 2, {}
        ),
        UnmetDemand(
            reddish.id,
            reddish.name,
            TimeOfDay.MORNING,
            SpaceKind.DESK,
            searches=3,
            days=2,
            largest_group=1,
            facilities={Facility.STEP_FREE: 2, Facility.WIFI: 1},
        ),
        UnmetDemand(
            reddish.id, reddish.name, TimeOfDay.MORNING, SpaceKind.MEETING_ROOM, 1, 1, 4, {}
        ),
        UnmetDemand(
            reddish.id,
            reddish.name,
            TimeOfDay.AFTERNOON,
            SpaceKind.MEETING_ROOM,
            searches=2,
            days=2,
            largest_group=10,
            facilities={Facility.WIFI: 1},
        ),
        UnmetDemand(reddish.id, reddish.name, TimeOfDay.ANY_TIME, None, 1, 1, 1, {}),
    ]


@pytest.mark.usefixtures("searches")
def test_the_report_can_be_limited_to_some_neighbourhoods_and_days(
    db_session: Session, bramhall: Neighbourhood
) -> None:
    rows = unmet_demand(
        db_session, start=date(2026, 2, 1), end=date(2026, 3, 1), neighbourhood_ids=[bramhall.id]
    )

    assert [(r.neighbourhood_id, r.searches, r.days, r.largest_group) for r in rows] == [
        (bramhall.id, 2, 2, 3)
    ]


def test_an_empty_period_has_no_rows(db_session: Session) -> None:
    assert unmet_demand(db_session, **MARCH, neighbourhood_ids=None) == []


# The page.


def page_text(client: FlaskClient, status: int = 200, **arguments: Any) -> str:
    response = client.get("/reports/unmet-demand", query_string=arguments)
    html = response.get_data(as_text=True)
    assert response.status_code == status, html
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


@pytest.mark.usefixtures("searches")
def test_administrators_see_every_neighbourhood_for_this_month_by_default(
    factory: Factory, sign_in: SignIn
) -> None:
    words = page_text(sign_in(factory.administrator()))

    assert "9 searches found nothing, Sunday 1 March 2026 to Tuesday 31 March 2026" in words
    assert (
        "Bramhall &amp; Cheadle Hulme South Evening Quiet room 2 2 2 Nothing in particular" in words
    )
    assert "Heatons &amp; Reddish Morning Desk 3 2 1 Wi-Fi (1), Step-free access (2)" in words
    assert "Heatons &amp; Reddish Any time that day Any 1 1 1" in words


@pytest.mark.usefixtures("searches")
def test_neighbourhood_leads_see_only_their_neighbourhoods(
    factory: Factory, sign_in: SignIn, reddish: Neighbourhood
) -> None:
    client = sign_in(factory.neighbourhood_lead(reddish))

    words = page_text(client)
    assert "7 searches found nothing," in words
    assert "Bramhall" not in words

    page_text(client, 422, neighbourhood="bramhall")


@pytest.mark.usefixtures("searches")
def test_building_managers_see_the_neighbourhoods_of_their_buildings(
    factory: Factory, sign_in: SignIn, bramhall: Neighbourhood
) -> None:
    manager = factory.building_manager(factory.building(neighbourhood=bramhall))

    words = page_text(sign_in(manager))

    assert "2 searches found nothing," in words
    assert "Reddish" not in words


def test_other_staff_may_not_see_the_report(
    factory: Factory, sign_in: SignIn, reddish: Neighbourhood
) -> None:
    client = sign_in(factory.person())

    assert client.get("/reports/unmet-demand").status_code == 403
    assert client.get("/reports/unmet-demand.csv").status_code == 403


def test_a_period_ending_before_it_starts_is_a_mistake_shown_in_the_error_summary(
    factory: Factory, sign_in: SignIn, reddish: Neighbourhood
) -> None:
    words = page_text(sign_in(factory.administrator()), 422, start="2026-03-10", end="2026-03-01")

    assert "Error:" in words and "There is a problem" in words
    assert "The end date must be on or after the start date" in words


@pytest.mark.usefixtures("searches")
def test_the_table_downloads_as_csv_named_after_its_filters(
    factory: Factory, sign_in: SignIn
) -> None:
    response = sign_in(factory.administrator()).get(
        "/reports/unmet-demand.csv",
        query_string={"start": "2026-03-01", "end": "2026-03-31", "neighbourhood": "reddish"},
    )

    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == (
        "attachment; filename=unmet-demand-2026-03-01-to-2026-03-31-reddish.csv"
    )
    header, *rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert header[:6] == [
        "Neighbourhood",
        "Time of day",
        "Type of space",
        "Searches",
        "Days",
        "Largest group",
    ]
    wifi, step_free = header.index("Asked for Wi-Fi"), header.index("Asked for Step-free access")
    assert [row[:6] for row in rows] == [
        ["Heatons & Reddish", "Morning", "Desk", "3", "2", "1"],
        ["Heatons & Reddish", "Morning", "Meeting room", "1", "1", "4"],
        ["Heatons & Reddish", "Afternoon", "Meeting room", "2", "2", "10"],
        ["Heatons & Reddish", "Any time that day", "Any", "1", "1", "1"],
    ]
    assert (rows[0][wifi], rows[0][step_free]) == ("1", "2")


@pytest.mark.usefixtures("searches")
def test_the_table_downloads_as_an_excel_workbook_with_the_same_rows(
    factory: Factory, sign_in: SignIn
) -> None:
    client = sign_in(factory.administrator())
    filters = {"start": "2026-03-01", "end": "2026-03-31", "neighbourhood": "reddish"}

    response = client.get("/reports/unmet-demand.xlsx", query_string=filters)

    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == (
        "attachment; filename=unmet-demand-2026-03-01-to-2026-03-31-reddish.xlsx"
    )
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
    assert sheet is not None
    as_text = [[str(value) for value in row] for row in sheet.iter_rows(values_only=True)]
    from_csv = client.get("/reports/unmet-demand.csv", query_string=filters)
    assert as_text == list(csv.reader(io.StringIO(from_csv.get_data(as_text=True))))
