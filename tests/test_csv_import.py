"""Importing buildings and spaces from CSV: preview first, then every row or none; export."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.test import TestResponse

from booking import ROOT
from booking.accounts.models import Person, Role, RoleGrant
from booking.audit.models import AuditEntry
from booking.catalogue.csv_import import COLUMNS
from booking.catalogue.imports import CatalogueImport, ImportStatus
from booking.catalogue.models import (
    Building,
    BuildingAccess,
    Facility,
    Neighbourhood,
    Organisation,
    Space,
    SpaceKind,
)
from tests.factories import Factory

BUILDING = {
    "building_name": "Central Library",
    "neighbourhood": "Central",
    "owner_organisation": "Stockport Council",
    "address": "Wellington Road South",
    "postcode": "SK1 3RS",
    "latitude": "53.408300",
    "longitude": "-2.149400",
    "access": "all_partners",
    "allowed_organisations": "",
    "opens_on_bank_holidays": "no",
    "facilities": "wifi;step_free",
    **dict.fromkeys(["monday", "tuesday", "wednesday", "thursday", "friday"], "09:00-17:00"),
    "saturday": "closed",
    "sunday": "closed",
    "arrival_instructions": "Ask at the front desk",
    "building_active": "yes",
}
SPACE = {
    "space_name": "Desk 1",
    "space_kind": "desk",
    "capacity": "1",
    "equipment": "",
    "accessible": "yes",
    "bookable": "yes",
    "space_active": "yes",
}
NO_SPACE = dict.fromkeys(SPACE, "")


def row(**cells: str) -> dict[str, str]:
    return {**BUILDING, **SPACE, **cells}


def csv_bytes(rows: list[dict[str, str]], columns: list[str] | None = None) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns or list(COLUMNS), extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


@pytest.fixture
def central(factory: Factory) -> Neighbourhood:
    return factory.neighbourhood(name="Central", slug="central")


@pytest.fixture
def council(factory: Factory) -> Organisation:
    return factory.organisation(name="Stockport Council")


@pytest.fixture
def admin(factory: Factory) -> Person:
    return factory.administrator()


def upload(client: FlaskClient, content: bytes, filename: str = "catalogue.csv") -> TestResponse:
    """Post the file as a browser would.

    The body is built here rather than by Werkzeug's test client, which spools a big body to a
    temporary file it never closes when the app does not read it.
    """
    boundary = "estates-test-boundary"
    body = (
        (
            f"--{boundary}\r\n"
            f'Content-Disposition: form-data; name="file"; filename="{filename}"\r\n'
            "Content-Type: text/csv\r\n\r\n"
        ).encode()
        + content
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return client.post(
        "/estates/import",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )


def staged_id(response: TestResponse) -> int:
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(response.headers["Location"].rsplit("/", 1)[1])


def confirm(client: FlaskClient, import_id: int) -> TestResponse:
    return client.post("/estates/import/confirm", data={"import_id": str(import_id)})


def count(db_session: Session, model: type[Any]) -> int:
    return db_session.scalar(select(func.count()).select_from(model)) or 0


def test_a_good_file_is_previewed_then_imported(
    central: Neighbourhood,
    council: Organisation,
    admin: Person,
    sign_in: Callable[[Person], FlaskClient],
    db_session: Session,
) -> None:
    client = sign_in(admin)
    content = csv_bytes(
        [
            row(),
            row(space_name="Riverside room", space_kind="meeting_room", capacity="8"),
            row(building_name="Family Hub", **NO_SPACE),
        ]
    )
    import_id = staged_id(upload(client, content))
    page = client.get(f"/estates/import/{import_id}").get_data(as_text=True)
    assert "2 buildings to add, 0 to change, 2 spaces to add, 0 to change, 0 rows unchanged" in page
    assert count(db_session, Building) == 0, "nothing is written before the confirmation"

    response = confirm(client, import_id)
    assert response.headers["Location"] == "/estates/"
    assert "2 buildings added, 0 changed, 2 spaces added, 0 changed, 0 rows unchanged" in (
        client.get("/estates/").get_data(as_text=True)
    )
    library = db_session.scalars(select(Building).where(Building.name == "Central Library")).one()
    assert library.postcode == "SK1 3RS" and library.longitude == Decimal("-2.1494")
    assert library.facilities() == [Facility.WIFI, Facility.STEP_FREE]
    assert [(h.weekday, h.opens, h.closes) for h in library.opening_hours] == [
        (day, time(9), time(17)) for day in range(5)
    ]
    assert {(s.name, s.kind, s.capacity) for s in library.spaces} == {
        ("Desk 1", SpaceKind.DESK, 1),
        ("Riverside room", SpaceKind.MEETING_ROOM, 8),
    }
    hub = db_session.scalars(select(Building).where(Building.name == "Family Hub")).one()
    assert hub.spaces == []
    [entry] = db_session.scalars(select(AuditEntry).where(AuditEntry.action == "catalogue.import"))
    assert entry.changes == {
        "filename": "catalogue.csv",
        "buildings_added": 2,
        "buildings_changed": 0,
        "spaces_added": 2,
        "spaces_changed": 0,
        "rows_unchanged": 0,
    }
    creations = db_session.scalars(select(AuditEntry).where(AuditEntry.action == "building.create"))
    assert len(list(creations)) == 2
    assert db_session.get(CatalogueImport, import_id).status is ImportStatus.APPLIED  # type: ignore[union-attr]


def test_a_good_file_changes_existing_buildings_and_spaces(
    central: Neighbourhood,
    council: Organisation,
    factory: Factory,
    sign_in: Callable[[Person], FlaskClient],
    db_session: Session,
) -> None:
    library = factory.building(
        name="Central Library",
        neighbourhood=central,
        owner=council,
        address="Wellington Road South",
        postcode="SK1 3RS",
        latitude=Decimal("53.4083"),
        longitude=Decimal("-2.1494"),
        has_wifi=True,
        has_step_free=True,
        arrival_instructions="Ask at the front desk",
        description="Kept: the file has no descriptions",
    )
    factory.space(library, name="Desk 1", accessible=True)
    factory.space(
        library, name="Room 2", kind=SpaceKind.MEETING_ROOM, capacity=6, description="Kept"
    )
    client = sign_in(factory.building_manager(library))
    content = csv_bytes(
        [
            row(building_name="central library", neighbourhood="central", postcode="sk1 3rt"),
            row(
                building_name="central library",
                neighbourhood="central",
                postcode="sk1 3rt",
                space_name="Room 2",
                space_kind="meeting_room",
                capacity="10",
                accessible="no",
            ),
            row(
                building_name="central library",
                neighbourhood="central",
                postcode="sk1 3rt",
                space_name="Desk 2",
            ),
        ]
    )
    import_id = staged_id(upload(client, content))
    page = client.get(f"/estates/import/{import_id}").get_data(as_text=True)
    assert "0 buildings to add, 1 to change, 1 space to add, 1 to change, 0 rows unchanged" in page
    confirm(client, import_id)
    db_session.expire_all()
    assert library.name == "central library", "matched case-insensitively; the file's spelling wins"
    assert library.postcode == "SK1 3RT"
    assert library.description == "Kept: the file has no descriptions"
    spaces = {s.name: s for s in library.spaces}
    assert spaces["Room 2"].capacity == 10 and spaces["Room 2"].description == "Kept"
    assert "Desk 2" in spaces
    [update] = db_session.scalars(select(AuditEntry).where(AuditEntry.action == "building.update"))
    assert update.changes == {
        "name": ["Central Library", "central library"],
        "postcode": ["SK1 3RS", "SK1 3RT"],
    }


def test_a_file_with_bad_rows_imports_nothing_and_lists_each_bad_row(
    central: Neighbourhood,
    council: Organisation,
    admin: Person,
    sign_in: Callable[[Person], FlaskClient],
    db_session: Session,
) -> None:
    content = csv_bytes(
        [
            row(),  # row 2: fine
            row(space_name="Desk 2", capacity="lots"),
            row(building_name="Hub", postcode="nowhere", monday="9-5"),
            row(building_name="Other", neighbourhood="Atlantis", **NO_SPACE),
            row(space_name="Desk 3", capacity="3"),  # a desk is for one person
            row(space_name="Desk 4", postcode="SK1 1AA"),  # disagrees with row 2
            row(space_name="desk 1"),  # Desk 1 again
            row(building_name="Listed", access="listed", **NO_SPACE),
            row(building_name="Lone", space_name="", capacity="4"),
            row(building_name="Odd", owner_organisation="Nobody Ltd", **NO_SPACE),
        ]
    )
    response = upload(sign_in(admin), content)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    for message in [
        "Row 3: capacity must be a whole number from 1 to 500",
        "Row 4: postcode must be a UK postcode, like SK1 3XE",
        "Row 4: monday must be opening hours like 09:00-17:00, or closed",
        "Row 5: neighbourhood must be one of Central (or its short name)",
        "Row 6: A desk is for one person: its capacity must be 1",
        "Row 7: the building&#39;s columns differ from row 2, which is about the same building (postcode)",
        "Row 8: space “desk 1” is already on row 2",
        "Row 9: allowed_organisations must name an organisation when access is listed",
        "Row 10: space_name is empty, so the other space columns must be empty too",
        "Row 11: owner_organisation: there is no organisation called “Nobody Ltd”",
    ]:
        assert message in page
    assert "Row 2:" not in page
    assert "10 problems in the file: nothing has been imported" in page
    assert count(db_session, Building) == 0
    assert count(db_session, CatalogueImport) == 0
    assert count(db_session, AuditEntry) == 0


@pytest.mark.parametrize(
    ("columns", "message"),
    [
        (
            [c for c in COLUMNS if c not in ("capacity", "postcode")] + ["colour"],
            "The columns are not right (missing postcode, capacity; unknown colour)",
        ),
        ([*COLUMNS, "space_name"], "The columns are not right (repeated space_name)"),
    ],
)
def test_a_file_with_the_wrong_columns_is_refused_with_one_clear_error(
    columns: list[str],
    message: str,
    central: Neighbourhood,
    council: Organisation,
    admin: Person,
    sign_in: Callable[[Person], FlaskClient],
) -> None:
    response = upload(sign_in(admin), csv_bytes([row()], columns))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page
    assert page.count("The columns are not right") == 2  # the summary and the field


def test_a_file_over_the_size_limit_is_a_form_error(
    admin: Person, sign_in: Callable[[Person], FlaskClient]
) -> None:
    response = upload(sign_in(admin), b"x" * (2 * 1024 * 1024 + 1))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "The selected file must be smaller than 2MB" in page
    assert 'href="#file"' in page


def test_a_file_over_the_row_limit_is_refused(
    app: Flask,
    central: Neighbourhood,
    council: Organisation,
    admin: Person,
    sign_in: Callable[[Person], FlaskClient],
) -> None:
    app.config["CSV_IMPORT_MAX_ROWS"] = 3
    content = csv_bytes([row(space_name=f"Desk {n}") for n in range(4)])
    response = upload(sign_in(admin), content)
    assert response.status_code == 422
    assert "The selected file has more than 3 rows" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("content", "filename", "message"),
    [
        (
            "building_name\nCaf\xe9".encode("cp1252"),
            "catalogue.csv",
            "The selected file must be saved as CSV UTF-8 (in Excel: File &gt; Save as &gt; CSV UTF-8)",
        ),
        (b"", "catalogue.csv", "The selected file is empty"),
        (b"\xef\xbb\xbf \r\n", "catalogue.csv", "The selected file is empty"),
        (
            ",".join(COLUMNS).encode(),
            "catalogue.csv",
            "The selected file has no buildings or spaces below its column names",
        ),
        (b"a,b", "catalogue.xlsx", "The selected file must be a CSV"),
    ],
)
def test_an_unreadable_file_is_refused_with_a_clear_error(
    content: bytes,
    filename: str,
    message: str,
    admin: Person,
    sign_in: Callable[[Person], FlaskClient],
) -> None:
    response = upload(sign_in(admin), content, filename)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)


def test_no_file_chosen_is_an_error(
    admin: Person, sign_in: Callable[[Person], FlaskClient]
) -> None:
    response = sign_in(admin).post("/estates/import", data={})
    assert response.status_code == 422
    assert "Select a CSV file" in response.get_data(as_text=True)


def test_rows_for_buildings_the_importer_does_not_manage_are_errors(
    central: Neighbourhood,
    council: Organisation,
    factory: Factory,
    sign_in: Callable[[Person], FlaskClient],
    db_session: Session,
) -> None:
    theirs = factory.building(name="Their Hub", neighbourhood=central, owner=council)
    mine = factory.building(name="My Hub", neighbourhood=central, owner=council)
    content = csv_bytes(
        [
            row(building_name="My Hub"),
            row(building_name="Their Hub"),
            row(building_name="Their Hub", space_name="Desk 2"),
        ]
    )
    response = upload(sign_in(factory.building_manager(mine)), content)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Row 3: you do not manage Their Hub, so its 2 rows cannot be imported" in page
    assert "Row 2:" not in page
    db_session.expire_all()
    assert theirs.spaces == [] and mine.spaces == []


def test_a_manager_who_imports_a_new_building_becomes_its_manager(
    central: Neighbourhood,
    council: Organisation,
    factory: Factory,
    sign_in: Callable[[Person], FlaskClient],
    db_session: Session,
) -> None:
    manager = factory.building_manager(factory.building())
    client = sign_in(manager)
    confirm(client, staged_id(upload(client, csv_bytes([row()]))))
    library = db_session.scalars(select(Building).where(Building.name == "Central Library")).one()
    grant = db_session.scalars(
        select(RoleGrant).where(RoleGrant.person_id == manager.id, RoleGrant.building == library)
    ).one()
    assert grant.role is Role.BUILDING_MANAGER


def test_someone_elses_import_cannot_be_confirmed(
    central: Neighbourhood,
    council: Organisation,
    admin: Person,
    factory: Factory,
    client: FlaskClient,
    sign_in: Callable[[Person], FlaskClient],
    db_session: Session,
) -> None:
    import_id = staged_id(upload(sign_in(admin), csv_bytes([row()])))
    other = sign_in(factory.administrator())
    assert other.get(f"/estates/import/{import_id}").status_code == 404
    assert confirm(other, import_id).status_code == 404
    assert confirm(other, 999999).status_code == 404
    assert count(db_session, Building) == 0


def test_confirming_twice_imports_once(
    central: Neighbourhood,
    council: Organisation,
    admin: Person,
    sign_in: Callable[[Person], FlaskClient],
    db_session: Session,
) -> None:
    client = sign_in(admin)
    import_id = staged_id(upload(client, csv_bytes([row()])))
    confirm(client, import_id)
    response = confirm(client, import_id)
    assert response.headers["Location"] == "/estates/"
    assert "catalogue.csv has already been imported" in client.get("/estates/").get_data(
        as_text=True
    )
    assert count(db_session, Building) == 1 and count(db_session, Space) == 1
    imports = db_session.scalars(select(AuditEntry).where(AuditEntry.action == "catalogue.import"))
    assert len(list(imports)) == 1


def test_an_upload_can_only_be_confirmed_within_the_hour(
    central: Neighbourhood,
    council: Organisation,
    admin: Person,
    sign_in: Callable[[Person], FlaskClient],
    db_session: Session,
) -> None:
    client = sign_in(admin)
    import_id = staged_id(upload(client, csv_bytes([row()])))
    staged = db_session.get(CatalogueImport, import_id)
    assert staged is not None
    staged.created_at = datetime.now(UTC) - timedelta(minutes=61)
    db_session.flush()
    response = confirm(client, import_id)
    assert response.headers["Location"] == "/estates/import"
    assert "has expired" in client.get("/estates/import").get_data(as_text=True)
    assert count(db_session, Building) == 0


def test_a_file_that_no_longer_fits_the_catalogue_at_confirmation_imports_nothing(
    central: Neighbourhood,
    council: Organisation,
    admin: Person,
    sign_in: Callable[[Person], FlaskClient],
    db_session: Session,
) -> None:
    client = sign_in(admin)
    import_id = staged_id(upload(client, csv_bytes([row(), row(building_name="Hub")])))
    council.name = "Stockport Metropolitan Borough Council"
    db_session.flush()
    response = confirm(client, import_id)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "The catalogue has changed since the file was uploaded" in page
    assert "Row 2: owner_organisation: there is no organisation called “Stockport Council”" in page
    db_session.expire_all()
    assert count(db_session, Building) == 0
    assert db_session.get(CatalogueImport, import_id).status is ImportStatus.READY  # type: ignore[union-attr]


def test_the_export_imports_back_as_no_change(
    central: Neighbourhood,
    council: Organisation,
    admin: Person,
    factory: Factory,
    sign_in: Callable[[Person], FlaskClient],
    db_session: Session,
) -> None:
    nhs = factory.organisation(name="NHS; Stockport")
    listed = factory.building(
        name='=HYPERLINK("http://evil.example")',
        neighbourhood=central,
        owner=council,
        address="1 High Street\nReddish",
        access=BuildingAccess.LISTED,
        allowed_organisations=[factory.organisation(name="Age UK"), council],
        has_parking=True,
        opens_on_bank_holidays=True,
        arrival_instructions="-Ring the bell",
        hours={0: (time(8, 30), time(12)), 5: (time(10), time(16))},
        latitude=None,
        longitude=None,
    )
    factory.space(listed, name="@Desk", equipment="+screen")
    factory.space(
        listed, name="Room", kind=SpaceKind.QUIET_ROOM, capacity=2, bookable=False, active=False
    )
    factory.building(name="Empty Hub", neighbourhood=central, owner=nhs, active=False)
    client = sign_in(admin)

    response = client.get("/estates/export.csv")
    assert response.mimetype == "text/csv"
    today = datetime.now(UTC).astimezone().date()
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment; filename=shared-spaces-catalogue-")
    assert disposition.endswith(".csv") and str(today.year) in disposition
    content = response.get_data()
    assert content.startswith(b"\xef\xbb\xbf" + ",".join(COLUMNS).encode())
    records = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))
    assert [r["building_name"] for r in records] == ['\'=HYPERLINK("http://evil.example")'] * 2 + [
        "Empty Hub"
    ]
    desk, room, empty = records
    assert empty["space_name"] == "" and empty["building_active"] == "no"
    assert empty["longitude"] == "-2.149000", "a negative number is not taken for a formula"
    assert desk["space_name"] == "'@Desk" and desk["equipment"] == "'+screen"
    assert room["space_kind"] == "quiet_room" and room["space_active"] == "no"
    assert desk["arrival_instructions"] == "'-Ring the bell"
    assert desk["address"] == "1 High Street\nReddish"
    assert desk["monday"] == "08:30-12:00" and desk["sunday"] == "closed"
    assert desk["allowed_organisations"] == "Age UK;Stockport Council"
    assert desk["latitude"] == "" and desk["opens_on_bank_holidays"] == "yes"

    response = upload(client, content)
    import_id = staged_id(response)
    page = client.get(f"/estates/import/{import_id}").get_data(as_text=True)
    assert "0 buildings to add, 0 to change, 0 spaces to add, 0 to change, 3 rows unchanged" in page
    assert "There is nothing to import" in page


def test_the_export_holds_only_the_buildings_a_manager_manages(
    central: Neighbourhood,
    council: Organisation,
    factory: Factory,
    sign_in: Callable[[Person], FlaskClient],
) -> None:
    mine = factory.building(name="My Hub", neighbourhood=central, owner=council)
    factory.building(name="Their Hub", neighbourhood=central, owner=council)
    content = (
        sign_in(factory.building_manager(mine)).get("/estates/export.csv").get_data(as_text=True)
    )
    assert "My Hub" in content and "Their Hub" not in content


class TestWithCsrfProtection:
    @pytest.fixture
    def app_config(self, app_config: dict[str, Any]) -> dict[str, Any]:
        return {**app_config, "WTF_CSRF_ENABLED": True}

    def test_a_file_over_the_size_limit_is_still_a_form_error(
        self, admin: Person, sign_in: Callable[[Person], FlaskClient]
    ) -> None:
        response = upload(sign_in(admin), b"x" * (2 * 1024 * 1024 + 1))
        assert response.status_code == 422
        assert "The selected file must be smaller than 2MB" in response.get_data(as_text=True)

    def test_an_upload_without_the_token_is_refused(
        self,
        central: Neighbourhood,
        council: Organisation,
        admin: Person,
        sign_in: Callable[[Person], FlaskClient],
        db_session: Session,
    ) -> None:
        response = upload(sign_in(admin), csv_bytes([row()]))
        assert response.status_code == 400
        assert count(db_session, CatalogueImport) == 0


def test_a_row_with_too_few_cells_is_a_row_error(
    central: Neighbourhood,
    council: Organisation,
    admin: Person,
    sign_in: Callable[[Person], FlaskClient],
) -> None:
    content = csv_bytes([row()]) + b"Central Library,Central\r\n"
    response = upload(sign_in(admin), content)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert f"Row 3: it has 2 cells but the first row names {len(COLUMNS)} columns" in page


def test_the_import_page_and_docs_describe_every_column(
    admin: Person, sign_in: Callable[[Person], FlaskClient]
) -> None:
    page = sign_in(admin).get("/estates/import").get_data(as_text=True)
    docs = (ROOT / "docs" / "CSV.md").read_text()
    for column in COLUMNS:
        if column in ("tuesday", "wednesday", "thursday", "friday", "saturday"):
            continue
        assert f"`{column}`" in docs, column
        assert column in page, column
