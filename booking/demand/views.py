"""The unmet demand report: searches that found no free space, by neighbourhood and time of
day, as a table, as CSV and as an Excel workbook.

Who sees which neighbourhoods is `services.neighbourhoods_in_scope`'s rule; anyone it gives
no neighbourhood to is refused (403).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date
from typing import cast

from flask import Blueprint, Response, abort, render_template, request
from flask_login import current_user, login_required
from openpyxl import Workbook
from wtforms import SelectChoice

from booking import db
from booking.accounts.models import Person
from booking.catalogue.models import Facility, Neighbourhood
from booking.demand.forms import PeriodForm
from booking.demand.services import UnmetDemand, neighbourhoods_in_scope, unmet_demand
from booking.reports.exports import XLSX, safe
from booking.timezones import today

bp = Blueprint("demand", __name__)


@dataclass(frozen=True)
class Report:
    form: PeriodForm
    rows: list[UnmetDemand] | None
    """None when the filters have mistakes."""
    chosen: Neighbourhood | None
    """None: every neighbourhood the person may see."""

    @property
    def start(self) -> date:
        day: date = self.form.start.data
        return day

    @property
    def end(self) -> date:
        day: date = self.form.end.data
        return day


def _report() -> Report:
    person = cast(Person, current_user._get_current_object())
    session = db.session()
    neighbourhoods = {n.slug: n for n in neighbourhoods_in_scope(session, person)}
    if not neighbourhoods:
        abort(403)
    form = PeriodForm(request.args)
    form.neighbourhood.choices = [
        SelectChoice("", "All neighbourhoods" if person.is_administrator else "All of yours"),
        *(SelectChoice(slug, n.name) for slug, n in neighbourhoods.items()),
    ]
    form.validate()
    period = form.period(today())
    chosen = neighbourhoods.get(form.neighbourhood.data or "")
    if period is None:
        return Report(form, None, chosen)
    if chosen is not None:
        ids: list[int] | None = [chosen.id]
    elif person.is_administrator:
        ids = None
    else:
        ids = [n.id for n in neighbourhoods.values()]
    rows = unmet_demand(session, start=period[0], end=period[1], neighbourhood_ids=ids)
    return Report(form, rows, chosen)


@bp.route("/reports/unmet-demand")
@login_required
def report() -> tuple[str, int]:
    found = _report()
    page = render_template(
        "demand/unmet_demand.html",
        form=found.form,
        report=found,
        facilities=list(Facility),
        csv_query=request.query_string.decode(),
    )
    return page, 422 if found.rows is None else 200


@bp.route("/reports/unmet-demand.<any(csv, xlsx):extension>")
@login_required
def download(extension: str) -> Response:
    """The table as CSV or as an Excel workbook, named after its dates and neighbourhood."""
    found = _report()
    if found.rows is None:
        abort(422)
    where = f"-{found.chosen.slug}" if found.chosen else ""
    filename = f"unmet-demand-{found.start:%Y-%m-%d}-to-{found.end:%Y-%m-%d}{where}.{extension}"
    lines = _lines(found.rows)
    content, mimetype = (_csv(lines), "text/csv") if extension == "csv" else (_xlsx(lines), XLSX)
    return Response(
        content,
        mimetype=mimetype,
        headers={"Content-Disposition": f"attachment; filename={filename}"},
    )


def _lines(rows: list[UnmetDemand]) -> list[list[str | int]]:
    """The header and a line a row: one column for each facility, counting the searches asking
    for it."""
    header: list[str | int] = [
        "Neighbourhood",
        "Time of day",
        "Type of space",
        "Searches",
        "Days",
        "Largest group",
        *(f"Asked for {f.label}" for f in Facility),
    ]
    lines = [header]
    for row in rows:
        line: list[str | int] = [
            row.neighbourhood,
            str(row.time_of_day.label),
            str(row.kind.label) if row.kind else "Any",
            row.searches,
            row.days,
            row.largest_group,
        ]
        lines.append(line + [row.facilities.get(f, 0) for f in Facility])
    return lines


def _csv(lines: list[list[str | int]]) -> str:
    out = io.StringIO()
    csv.writer(out).writerows([[safe(value) for value in line] for line in lines])
    return out.getvalue()


def _xlsx(lines: list[list[str | int]]) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Unmet demand")
    for line in lines:
        sheet.append([safe(value) for value in line])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
