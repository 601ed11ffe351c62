"""Report tables as CSV and XLSX, and every booking of a period as a CSV that streams.

Spreadsheets run formulas: a cell that starts with =, +, - or @ (or a tab or carriage return)
is written with a leading apostrophe, so a space or organisation name can never become one
(CSV injection). Numbers stay numbers.

The bookings export reads its rows in batches (`yield_per`, a server-side cursor on
PostgreSQL) and writes each batch as it goes, with its own database session, so a year of the
borough's bookings (a million rows) streams in flat memory.
"""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterator
from datetime import date, datetime
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from sqlalchemy import Select, select
from sqlalchemy.orm import Session, aliased, sessionmaker

from booking.accounts.models import Person
from booking.bookings.models import Booking
from booking.catalogue.models import Building, Neighbourhood, Organisation, Space
from booking.reports.filters import ReportQuery
from booking.reports.tables import Kind, Table, Value
from booking.timezones import to_local

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BATCH = 2_000
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def safe(value: Value) -> Value:
    """The value, with text that a spreadsheet would run as a formula made harmless."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _csv_value(value: Value, kind: Kind) -> Value:
    if value is None:
        return ""
    if kind in (Kind.SHARE, Kind.CHANGE) and isinstance(value, float):
        return round(value * 100, 1)
    if isinstance(value, date):
        return value.isoformat()
    return safe(value)


def _header(column_header: str, kind: Kind) -> str:
    if kind is Kind.SHARE:
        return f"{column_header} (%)"
    if kind is Kind.CHANGE:
        return f"{column_header} (percentage points)"
    if kind is Kind.RATING:
        return f"{column_header} (1 poor, 2 OK, 3 good)"
    return column_header


def _preamble(query: ReportQuery, table: Table) -> list[list[str]]:
    """The first lines of every file: what it is, for which period, narrowed how."""
    return [
        [f"{table.title}: {query.period.label}"],
        [", ".join(query.filters.description) or "All spaces you can see"],
        [],
    ]


def table_csv(query: ReportQuery, table: Table) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerows(_preamble(query, table))
    writer.writerow([_header(column.header, column.kind) for column in table.columns])
    for row in table.rows:
        writer.writerow(
            [
                _csv_value(value, column.kind)
                for value, column in zip(row, table.columns, strict=True)
            ]
        )
    return out.getvalue()


_NUMBER_FORMATS = {
    Kind.SHARE: "0%",
    Kind.CHANGE: "+0%;-0%;0%",
    Kind.HOURS: "#,##0.0",
    Kind.RATING: "0.00",
}


def _xlsx_cell(sheet: WriteOnlyWorksheet, value: Value, kind: Kind) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=safe(value))
    if kind in _NUMBER_FORMATS:
        cell.number_format = _NUMBER_FORMATS[kind]
    elif kind is Kind.DATE:
        cell.number_format = "yyyy-mm-dd"
    return cell


def table_xlsx(query: ReportQuery, table: Table) -> bytes:
    """The table as an Excel workbook (write-only: rows go straight to the file)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(table.title[:31])
    for line in _preamble(query, table):
        sheet.append(line)
    sheet.append([column.header for column in table.columns])
    for row in table.rows:
        sheet.append(
            [
                _xlsx_cell(sheet, value, column.kind)
                for value, column in zip(row, table.columns, strict=True)
            ]
        )
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


# Every booking of the period.

BOOKING_HEADERS = (
    "Booking",
    "Space",
    "Type of space",
    "Building",
    "Neighbourhood",
    "Booked by (organisation)",
    "Starts",
    "Ends",
    "Status",
    "Checked in",
    "Cancelled",
    "Released as a no-show",
    "Made",
)
"""Who booked is given by organisation only: a report needs no one's name or email address."""


def bookings_query(query: ReportQuery) -> Select[*tuple[Any, ...]]:
    """Every booking starting in the period, in the spaces and of the bookers the report counts
    (active or not: deactivated spaces' history is exported too), oldest first."""
    booker = aliased(Person)
    return (
        select(
            Booking.id,
            Space.name,
            Space.kind,
            Building.name,
            Neighbourhood.name,
            Organisation.name,
            Booking.starts_at,
            Booking.ends_at,
            Booking.status,
            Booking.checked_in_at,
            Booking.cancelled_at,
            Booking.released_at,
            Booking.created_at,
        )
        .join(Space, Space.id == Booking.space_id)
        .join(Building, Building.id == Space.building_id)
        .join(Neighbourhood, Neighbourhood.id == Building.neighbourhood_id)
        .join(booker, booker.id == Booking.person_id)
        .join(Organisation, Organisation.id == booker.organisation_id)
        .where(
            Booking.starts_at >= query.period.starts_at,
            Booking.starts_at < query.period.ends_at,
            query.scope.buildings(),
            *query.filters.places(),
            *(
                [booker.organisation_id == query.filters.organisation.id]
                if query.filters.organisation
                else []
            ),
        )
        .order_by(Booking.starts_at, Booking.id)
    )


def _moment(value: datetime | None) -> str:
    return "" if value is None else to_local(value).strftime("%Y-%m-%d %H:%M")


def _booking_line(row: Any) -> list[Value]:
    (number, space, kind, building, neighbourhood, organisation, starts, ends, status) = row[:9]
    return [
        number,
        safe(space),
        kind.label,
        safe(building),
        safe(neighbourhood),
        safe(organisation),
        _moment(starts),
        _moment(ends),
        status.value.replace("_", "-"),
        *(_moment(moment) for moment in row[9:]),
    ]


def _booking_rows(sessions: sessionmaker[Session], query: ReportQuery) -> Iterator[list[Value]]:
    """The export's rows, read in batches by a session of its own (the request's has been
    closed by the time a streamed response is written)."""
    with sessions() as session:
        result = session.execute(
            bookings_query(query).execution_options(stream_results=True, yield_per=BATCH)
        )
        for row in result:
            yield _booking_line(row)


def bookings_csv(sessions: sessionmaker[Session], query: ReportQuery) -> Iterator[str]:
    """The CSV, a batch of lines at a time."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([f"Bookings: {query.period.label}"])
    writer.writerow([", ".join(query.filters.description) or "All spaces you can see"])
    writer.writerow([])
    writer.writerow(BOOKING_HEADERS)
    for count, line in enumerate(_booking_rows(sessions, query), start=1):
        writer.writerow(line)
        if count % BATCH == 0:
            yield out.getvalue()
            out.seek(0)
            out.truncate()
    yield out.getvalue()


def bookings_xlsx(sessions: sessionmaker[Session], query: ReportQuery) -> IO[bytes]:
    """The bookings as a workbook in a temporary file (write-only: rows go straight to disk)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Bookings")
    sheet.append([f"Bookings: {query.period.label}"])
    sheet.append([", ".join(query.filters.description) or "All spaces you can see"])
    sheet.append([])
    sheet.append(list(BOOKING_HEADERS))
    for line in _booking_rows(sessions, query):
        sheet.append(line)
    file = tempfile.TemporaryFile()  # noqa: SIM115  (send_file closes it once it is sent)
    workbook.save(file)
    file.seek(0)
    return file
