"""Writing the catalogue in the import format, a line at a time."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator

from booking.catalogue.csv_import.columns import COLUMNS, building_cells, guard, space_cells
from booking.catalogue.models import Building, Space

BYTE_ORDER_MARK = "\ufeff"
"""Written first so that Excel reads the file as UTF-8 (its "CSV UTF-8" format does the same)."""


def export_lines(buildings: Iterable[Building]) -> Iterator[str]:
    """The CSV's lines: the column names, then a row per space (or per building without any).

    The buildings must come with their neighbourhood, owner, hours, organisations and spaces
    loaded: the lines may be written after the request's database session has closed.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")

    def line(cells: list[str]) -> str:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow([guard(cell) for cell in cells])
        return buffer.getvalue()

    yield BYTE_ORDER_MARK + line(list(COLUMNS))
    for building in buildings:
        cells = building_cells(building)
        spaces: list[Space | None] = [*building.spaces] or [None]
        for space in spaces:
            yield line(cells + space_cells(space))
