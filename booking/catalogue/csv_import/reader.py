"""Reading an uploaded file into rows: the checks that refuse the whole file."""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass

from booking.catalogue.csv_import.columns import COLUMNS, unguard

NOT_UTF8 = "The selected file must be saved as CSV UTF-8 (in Excel: File > Save as > CSV UTF-8)"


class UploadError(ValueError):
    """The file as a whole cannot be imported (not UTF-8, wrong columns, too many rows...)."""


@dataclass(frozen=True)
class Row:
    """A row of the file: `number` as a spreadsheet counts it (the column names are row 1).

    A row with the wrong number of cells has no `cells`, only a `problem`.
    """

    number: int
    cells: dict[str, str]
    problem: str | None = None


def decode(content: bytes) -> str:
    """The file's text; a byte-order mark (Excel's "CSV UTF-8" writes one) is dropped."""
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise UploadError(NOT_UTF8) from error


def _check_columns(header: list[str]) -> None:
    counts = Counter(header)
    problems = []
    missing = [c for c in COLUMNS if c not in counts]
    unknown = [c for c in counts if c not in COLUMNS]
    repeated = [c for c, n in counts.items() if n > 1 and c in COLUMNS]
    if missing:
        problems.append(f"missing {', '.join(missing)}")
    if unknown:
        problems.append(f"unknown {', '.join(c or '(a blank column name)' for c in unknown)}")
    if repeated:
        problems.append(f"repeated {', '.join(repeated)}")
    if problems:
        raise UploadError(
            f"The columns are not right ({'; '.join(problems)}). The first row must name "
            f"these columns: {', '.join(COLUMNS)}"
        )


def read_rows(text: str, max_rows: int) -> list[Row]:
    """The file's rows of buildings and spaces, cells tidied; blank rows are skipped."""
    if not text.strip():
        raise UploadError("The selected file is empty")
    try:
        records = csv.reader(io.StringIO(text, newline=""), strict=True)
        header = [cell.strip() for cell in next(records)]
        _check_columns(header)
        rows: list[Row] = []
        for number, record in enumerate(records, start=2):
            if not any(cell.strip() for cell in record):
                continue
            if len(rows) == max_rows:
                raise UploadError(
                    f"The selected file has more than {max_rows:,} rows. "
                    "Split it into smaller files"
                )
            if len(record) != len(header):
                problem = (
                    f"it has {len(record)} cells but the first row names {len(header)} columns"
                )
                rows.append(Row(number, {}, problem))
                continue
            cells = {name: unguard(cell).strip() for name, cell in zip(header, record, strict=True)}
            rows.append(Row(number, cells))
    except csv.Error as error:
        raise UploadError(f"The selected file could not be read as CSV ({error})") from error
    if not rows:
        raise UploadError("The selected file has no buildings or spaces below its column names")
    return rows
