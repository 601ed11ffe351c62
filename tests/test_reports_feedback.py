"""Feedback in the usage report: ratings and problems for the report's period, scope and
filters, on the page and as downloads."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from flask.testing import FlaskClient
from openpyxl import load_workbook
from sqlalchemy.orm import Session

from booking.accounts.models import Person
from booking.catalogue.models import Building, SpaceKind
from booking.feedback.summary import rating_words
from booking.reports.tables import NOTHING
from tests.factories import Factory
from tests.test_feedback_summary import Feedbacks

NOW = datetime(2026, 7, 15, 12, tzinfo=UTC)
JUNE = {"period": "month", "date": "2026-06-01"}

SignIn = Callable[[Person], FlaskClient]


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    return {**app_config, "CLOCK": lambda: NOW}


@pytest.fixture
def library(factory: Factory) -> Building:
    return factory.building(name="Reddish Library")


@pytest.fixture
def hall(factory: Factory) -> Building:
    return factory.building(name="Brinnington Hall")


@pytest.fixture
def feedback(factory: Factory, db_session: Session, library: Building, hall: Building) -> None:
    """June 2026. Reddish Library: Desk 1 good, good, poor, two problems open and one fixed;
    Room 1 (a meeting room) OK. Brinnington Hall: Desk A poor, one problem open. Plus a
    rating in May and a problem in July, outside June."""
    desk = factory.space(library, name="Desk 1")
    room = factory.space(library, name="Room 1", kind=SpaceKind.MEETING_ROOM)
    hall_desk = factory.space(hall, name="Desk A")
    given = Feedbacks(factory, db_session)
    for rating in (3, 3, 1):
        given.rating(desk, rating)
    given.rating(room, 2)
    given.rating(hall_desk, 1)
    given.rating(hall_desk, 3, at=datetime(2026, 5, 20, 9, tzinfo=UTC))
    given.problem(desk)
    given.problem(desk)
    given.problem(desk, fixed=True)
    given.problem(hall_desk)
    given.problem(hall_desk, at=datetime(2026, 7, 1, 9, tzinfo=UTC))


def headline(html: str, key: str) -> str:
    """The value beside `key` in the page's summary lists."""
    found = re.search(rf">\s*{key}\s*</dt>\s*<dd[^>]*>\s*(.*?)\s*</dd>", html, re.S)
    assert found, key
    return found.group(1)


def feedback_section(html: str) -> str:
    return html.split('id="heading-feedback"')[1].split("</section>")[0]


def table_row(html: str, name: str) -> list[str]:
    """The cells of the feedback table's row headed `name`, as text."""
    found = re.search(
        rf"<tr[^>]*>\s*<th[^>]*>\s*{name}\s*</th>(.*?)</tr>", feedback_section(html), re.S
    )
    assert found, name
    return [cell.strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", found.group(1), re.S)]


@pytest.mark.usefixtures("feedback")
def test_an_administrator_sees_every_buildings_feedback(sign_in: SignIn, factory: Factory) -> None:
    html = sign_in(factory.administrator()).get("/reports/", query_string=JUNE).get_data(True)

    # Ratings 3, 3, 1, 2 and 1: 10 / 5.
    assert headline(html, "Ratings given") == "5"
    assert headline(html, "Average rating") == "2.00 (OK) on a scale of 1 (poor) to 3 (good)"
    assert headline(html, "Problems reported") == "4"
    assert headline(html, "Still open") == "3"
    assert table_row(html, "Brinnington Hall") == ["1.00 (Poor)", "1", "1", "1"]
    assert table_row(html, "Reddish Library") == ["2.25 (OK)", "4", "3", "2"]
    assert 'href="/estates/problems"' in html


@pytest.mark.usefixtures("feedback")
def test_a_building_manager_never_sees_another_buildings_feedback(
    sign_in: SignIn, factory: Factory, library: Building
) -> None:
    client = sign_in(factory.building_manager(library))

    html = client.get("/reports/", query_string=JUNE).get_data(as_text=True)
    download = client.get("/reports/feedback.csv", query_string=JUNE).get_data(as_text=True)

    assert headline(html, "Ratings given") == "4"
    assert headline(html, "Average rating").startswith("2.25 (OK)")
    assert headline(html, "Problems reported") == "3"
    assert headline(html, "Still open") == "2"
    assert "Brinnington" not in html and "Desk A" not in html
    assert "Reddish Library" in download and "Brinnington" not in download


@pytest.mark.usefixtures("feedback")
def test_a_report_on_one_building_shows_its_spaces_and_links_to_its_problems(
    sign_in: SignIn, factory: Factory, library: Building
) -> None:
    client = sign_in(factory.building_manager(library))

    html = client.get("/reports/", query_string={**JUNE, "building": library.id}).get_data(True)

    assert "Ratings and problems by space" in html
    assert table_row(html, "Desk 1") == ["2.33 (OK)", "3", "3", "2"]
    assert table_row(html, "Room 1") == ["2.00 (OK)", "1", "0", "0"]
    assert f'href="/estates/problems?building={library.id}"' in html


@pytest.mark.usefixtures("feedback")
def test_a_neighbourhood_lead_gets_no_link_to_the_estates_problems(
    sign_in: SignIn, factory: Factory, library: Building
) -> None:
    client = sign_in(factory.neighbourhood_lead(library.neighbourhood))

    html = client.get("/reports/", query_string=JUNE).get_data(as_text=True)

    assert headline(html, "Ratings given") != NOTHING
    assert "/estates/problems" not in html


@pytest.mark.usefixtures("feedback")
def test_the_type_of_space_and_booking_organisation_filters_apply(
    sign_in: SignIn, factory: Factory, hall: Building
) -> None:
    client = sign_in(factory.administrator())

    desks = client.get("/reports/", query_string={**JUNE, "kind": "desk"}).get_data(True)
    # The factory's bookers belong to the organisation that owns the building.
    hall_staff = client.get(
        "/reports/", query_string={**JUNE, "organisation": hall.owner.id}
    ).get_data(as_text=True)

    # Desk 1's 3, 3, 1 and Desk A's 1: 8 / 4; Room 1 is a meeting room.
    assert headline(desks, "Ratings given") == "4"
    assert headline(desks, "Average rating").startswith("2.00 (OK)")
    assert headline(hall_staff, "Ratings given") == "1"
    assert headline(hall_staff, "Problems reported") == "1"
    assert "Reddish Library" not in feedback_section(hall_staff)


@pytest.mark.usefixtures("feedback")
def test_the_feedback_downloads_as_csv_named_after_its_filters(
    sign_in: SignIn, factory: Factory
) -> None:
    client = sign_in(factory.administrator())

    response = client.get("/reports/feedback.csv", query_string={**JUNE, "kind": "desk"})

    assert response.status_code == 200 and response.mimetype == "text/csv"
    disposition = response.headers["Content-Disposition"]
    assert disposition == 'attachment; filename="feedback-2026-06-desk.csv"'
    lines = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert lines[0] == ["Ratings and problems by building: June 2026"]
    assert lines[1] == ["Desks"]
    assert lines[3:] == [
        [
            "Building",
            "Average rating (1 poor, 2 OK, 3 good)",
            "Ratings",
            "Problems reported",
            "Still open",
        ],
        ["Brinnington Hall", "1.0", "1", "1", "1"],
        ["Reddish Library", "2.33", "3", "3", "2"],
    ]


@pytest.mark.usefixtures("feedback")
def test_the_feedback_downloads_as_a_workbook_of_numbers(
    sign_in: SignIn, factory: Factory, library: Building
) -> None:
    client = sign_in(factory.administrator())

    response = client.get("/reports/feedback.xlsx", query_string={**JUNE, "building": library.id})

    disposition = response.headers["Content-Disposition"]
    assert disposition == 'attachment; filename="feedback-2026-06-reddish-library.xlsx"'
    sheet = load_workbook(io.BytesIO(response.data)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Ratings and problems by space: June 2026"
    assert rows[3] == ("Space", "Average rating", "Ratings", "Problems reported", "Still open")
    assert rows[4:] == [("Desk 1", 2.33, 3, 3, 2), ("Room 1", 2.0, 1, 0, 0)]
    assert sheet.cell(5, 2).number_format == "0.00"


@pytest.mark.usefixtures("feedback")
def test_a_period_without_feedback_shows_dashes_not_errors(
    sign_in: SignIn, factory: Factory
) -> None:
    client = sign_in(factory.administrator())

    response = client.get("/reports/", query_string={"period": "month", "date": "2026-08-01"})
    download = client.get(
        "/reports/feedback.csv", query_string={"period": "month", "date": "2026-08-01"}
    )

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert headline(html, "Ratings given") == "0"
    assert headline(html, "Average rating") == NOTHING
    assert headline(html, "Still open") == "0"
    assert "Nobody rated a space or reported a problem in August 2026" in html
    assert download.status_code == 200
    assert len(list(csv.reader(io.StringIO(download.get_data(as_text=True))))) == 4


@pytest.mark.parametrize(
    ("average", "words"),
    [(1.0, "Poor"), (1.49, "Poor"), (1.5, "OK"), (2.49, "OK"), (2.5, "Good"), (3.0, "Good")],
)
def test_an_average_rating_reads_as_the_nearest_rating(average: float, words: str) -> None:
    assert rating_words(average) == words
