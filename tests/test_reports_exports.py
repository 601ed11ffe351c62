"""Every report table downloads as CSV and XLSX, named after its filters; formulas never run."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from flask.testing import FlaskClient
from openpyxl import load_workbook

from booking.accounts.models import Person
from booking.bookings.models import BookingStatus
from booking.catalogue.models import Building, SpaceKind
from booking.reports.exports import safe
from tests.factories import Factory

NOW = datetime(2030, 1, 20, 12, tzinfo=UTC)
OCTOBER = {"period": "month", "date": "2029-10-15"}

SignIn = Callable[[Person], FlaskClient]


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    return {**app_config, "CLOCK": lambda: NOW}


@pytest.fixture
def reddish(factory: Factory) -> Building:
    hood = factory.neighbourhood(name="Heatons & Reddish", slug="heatons-reddish")
    building = factory.building(name="Reddish Library", neighbourhood=hood)
    desk = factory.space(building, name="=HYPERLINK(1)")
    factory.space(building, name="Room 1", kind=SpaceKind.MEETING_ROOM)
    # Tuesday 8 October 2029, 9am to 5pm BST: a whole day of the desk.
    factory.booking(
        desk,
        starts_at=datetime(2029, 10, 8, 8, tzinfo=UTC),
        ends_at=datetime(2029, 10, 8, 16, tzinfo=UTC),
        checked_in_at=datetime(2029, 10, 8, 8, tzinfo=UTC),
    )
    factory.booking(
        desk,
        starts_at=datetime(2029, 10, 9, 8, tzinfo=UTC),
        status=BookingStatus.CANCELLED,
        cancelled_at=datetime(2029, 10, 1, 8, tzinfo=UTC),
    )
    return building


@pytest.fixture
def admin(sign_in: SignIn, factory: Factory) -> FlaskClient:
    return sign_in(factory.administrator())


def file_name(response: Any) -> str:
    disposition: str = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    return disposition.split("filename=")[1].strip('"')


def test_a_table_downloads_as_csv_named_after_its_filters(
    admin: FlaskClient, reddish: Building
) -> None:
    response = admin.get(
        "/reports/spaces.csv",
        query_string={**OCTOBER, "neighbourhood": "heatons-reddish", "kind": "desk"},
    )

    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert file_name(response) == "spaces-2029-10-heatons-reddish-desk.csv"
    lines = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert lines[0] == ["Spaces, busiest first: October 2029"]
    assert lines[1] == ["Heatons & Reddish, Desks"]
    assert lines[3][:4] == ["Name", "Building", "Available hours", "Booked hours"]
    # 23 weekdays of 8 hours; 8 booked and checked in: 4.3%.
    assert lines[4] == [
        "'=HYPERLINK(1)",
        "Reddish Library",
        "184.0",
        "8.0",
        "8.0",
        "4.3",
        "4.3",
        "1",
    ]
    assert len(lines) == 5


def test_a_table_downloads_as_xlsx_that_reads_back(admin: FlaskClient, reddish: Building) -> None:
    response = admin.get(
        "/reports/buildings.xlsx", query_string={**OCTOBER, "building": reddish.id}
    )

    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    assert file_name(response) == "buildings-2029-10-reddish-library.xlsx"
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Buildings, busiest first: October 2029"
    assert rows[3][:5] == (
        "Name",
        "Neighbourhood",
        "Available hours",
        "Booked hours",
        "Checked-in hours",
    )
    assert rows[4][:3] == ("Reddish Library", "Heatons & Reddish", 368)
    assert rows[4][6] == pytest.approx(8 / 368)  # occupancy, a number formatted as a percentage
    assert sheet.cell(row=5, column=7).number_format == "0%"


@pytest.mark.parametrize(
    "name",
    ["summary", "neighbourhoods", "buildings", "spaces", "peak-times", "days", "organisations"],
)
@pytest.mark.parametrize("extension", ["csv", "xlsx"])
def test_every_table_downloads_in_both_formats(
    admin: FlaskClient, reddish: Building, name: str, extension: str
) -> None:
    response = admin.get(f"/reports/{name}.{extension}", query_string=OCTOBER)

    assert response.status_code == 200
    assert file_name(response) == f"{name}-2029-10.{extension}"
    if extension == "xlsx":
        assert load_workbook(io.BytesIO(response.data)).active.max_row >= 4


def test_the_week_quarter_and_custom_periods_name_their_files(
    admin: FlaskClient, reddish: Building
) -> None:
    names = [
        file_name(admin.get("/reports/summary.csv", query_string=arguments))
        for arguments in (
            {"period": "week", "date": "2029-10-10"},
            {"period": "quarter", "date": "2029-10-10"},
            {"period": "custom", "from": "2029-10-01", "to": "2029-10-15"},
        )
    ]

    assert names == [
        "summary-2029-w41.csv",
        "summary-2029-q4.csv",
        "summary-2029-10-01-to-2029-10-15.csv",
    ]


def test_every_booking_downloads_without_who_booked_it(
    admin: FlaskClient, reddish: Building
) -> None:
    response = admin.get("/reports/bookings.csv", query_string=OCTOBER)

    assert file_name(response) == "bookings-2029-10.csv"
    lines = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert lines[3][:3] == ["Booking", "Space", "Type of space"]
    first, second = lines[4], lines[5]
    assert first[1:9] == [
        "'=HYPERLINK(1)",
        "Desk",
        "Reddish Library",
        "Heatons & Reddish",
        reddish.spaces[0].building.owner.name,
        "2029-10-08 09:00",
        "2029-10-08 17:00",
        "active",
    ]
    assert first[9] == "2029-10-08 09:00" and second[8] == "cancelled"
    assert "@" not in response.get_data(as_text=True)


def test_every_booking_downloads_as_xlsx(admin: FlaskClient, reddish: Building) -> None:
    with admin.get("/reports/bookings.xlsx", query_string=OCTOBER) as response:
        rows = list(load_workbook(io.BytesIO(response.data)).active.iter_rows(values_only=True))
        assert file_name(response) == "bookings-2029-10.xlsx"
    assert [row[8] for row in rows[4:]] == ["active", "cancelled"]
    assert rows[4][6] == "2029-10-08 09:00"


def test_bad_filters_on_a_download_show_the_form_with_its_errors(admin: FlaskClient) -> None:
    response = admin.get("/reports/spaces.csv", query_string={"period": "custom"})

    assert response.status_code == 422 and response.mimetype == "text/html"


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("=1+1", "'=1+1"),
        ("+44 161", "'+44 161"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tTab", "'\tTab"),
        ("Reddish Library", "Reddish Library"),
        (-2, -2),
        (None, None),
    ],
)
def test_cells_a_spreadsheet_would_run_are_made_harmless(value: Any, written: Any) -> None:
    assert safe(value) == written
