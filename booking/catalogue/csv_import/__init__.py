"""Importing buildings and spaces from a CSV file, and exporting them in the same format.

`read_rows` refuses a file that cannot be imported at all (`UploadError`); `run` checks every
row against the catalogue's rules and applies all of them or none; `staging` keeps a checked
upload until its uploader confirms it; `export_lines` writes the same format back out.
"""

from booking.catalogue.csv_import.applier import Outcome, run
from booking.catalogue.csv_import.columns import COLUMN_HELP, COLUMNS
from booking.catalogue.csv_import.export import export_lines
from booking.catalogue.csv_import.parser import RowError
from booking.catalogue.csv_import.reader import UploadError, decode
from booking.catalogue.csv_import.staging import confirm, expired, find, stage

__all__ = [
    "COLUMNS",
    "COLUMN_HELP",
    "Outcome",
    "RowError",
    "UploadError",
    "confirm",
    "decode",
    "expired",
    "export_lines",
    "find",
    "run",
    "stage",
]
