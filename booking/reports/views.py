"""The report pages and their downloads, at /reports.

Building managers, neighbourhood leads and administrators see reports of their scope
(`booking.reports.scope`); everyone else - staff - is sent to their own bookings history.
Every page reads the same filters (a GET form) and answers 422 with the GOV.UK error summary
when they do not make sense.
"""

from __future__ import annotations

from typing import Any, cast

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_login import current_user, login_required

from booking import db
from booking.accounts.models import Person
from booking.reports import exports, pages, tables
from booking.reports.filters import ReportQuery
from booking.reports.forms import PeriodForm, ReportForm
from booking.reports.history import history as own_history
from booking.reports.scope import Scope
from booking.reports.tables import duration, hours, percent, points, rating
from booking.timezones import now, today

bp = Blueprint("reports", __name__, url_prefix="/reports")

EXTENSIONS = {"csv": "text/csv", "xlsx": exports.XLSX}


@bp.context_processor
def _wording() -> dict[str, Any]:
    return {
        "percent": percent,
        "points": points,
        "hours": hours,
        "duration": duration,
        "rating": rating,
    }


def _actor() -> Person:
    return cast(Person, current_user._get_current_object())


def _report() -> tuple[ReportForm, ReportQuery | None]:
    """The filters asked for (the current month by default), checked against the scope."""
    scope = Scope.of(_actor())
    if not scope.sees_reports:
        abort(403)
    form = ReportForm(request.args or None)
    form.offer(db.session(), scope)
    return form, form.report_query(scope, today())


def _arguments() -> dict[str, str]:
    """The filters as query arguments, for links to the other pages and the downloads."""
    return {key: value for key, value in request.args.items() if value}


def _page(template: str, form: ReportForm, query: ReportQuery | None, **context: Any) -> Any:
    status = 200 if query is not None else 422
    return (
        render_template(template, form=form, query=query, arguments=_arguments(), **context),
        status,
    )


@bp.route("/")
@login_required
def usage() -> Any:
    if not Scope.of(_actor()).sees_reports:
        return redirect(url_for(".history"))
    form, query = _report()
    page = pages.usage_page(db.session(), query, now()) if query else None
    return _page("reports/usage.html", form, query, page=page)


@bp.route("/neighbourhoods")
@login_required
def neighbourhoods() -> Any:
    form, query = _report()
    item = pages.neighbourhoods_page(db.session(), query, now()) if query else None
    return _page("reports/neighbourhoods.html", form, query, item=item)


@bp.route("/organisations")
@login_required
def organisations() -> Any:
    form, query = _report()
    table = pages.organisations_page(db.session(), query, now()) if query else None
    return _page("reports/organisations.html", form, query, table=table)


@bp.route(
    f"/<any({', '.join(repr(name) for name in tables.TABLES)}):name>.<any(csv, xlsx):extension>"
)
@login_required
def download(name: str, extension: str) -> Any:
    form, query = _report()
    if query is None:
        return _page("reports/usage.html", form, query, page=None)
    table = tables.build(name, db.session(), query, now())
    body: str | bytes = (
        exports.table_csv(query, table) if extension == "csv" else exports.table_xlsx(query, table)
    )
    return _attachment(body, query.file_name(name, extension), extension)


@bp.route("/bookings.<any(csv, xlsx):extension>")
@login_required
def bookings(extension: str) -> Any:
    """Every booking starting in the period: the CSV streams, the workbook is written to a
    temporary file first (a zip file cannot be sent before it is finished)."""
    form, query = _report()
    if query is None:
        return _page("reports/usage.html", form, query, page=None)
    sessions = current_app.extensions["booking.sessions"]
    name = query.file_name("bookings", extension)
    if extension == "xlsx":
        return send_file(
            exports.bookings_xlsx(sessions, query),
            mimetype=exports.XLSX,
            as_attachment=True,
            download_name=name,
        )
    # The lines are written after this request has finished: the export reads with a session
    # of its own and needs nothing of the request, so no `stream_with_context`.
    return _attachment(exports.bookings_csv(sessions, query), name, "csv")


def _attachment(body: Any, file_name: str, extension: str) -> Response:
    return Response(
        body,
        mimetype=EXTENSIONS[extension],
        headers={"Content-Disposition": f'attachment; filename="{file_name}"'},
    )


@bp.route("/history")
@login_required
def history() -> tuple[str, int]:
    """Your bookings history: anyone's own counts, for any period."""
    form = PeriodForm(request.args or None)
    period = form.report_period(today())
    found = own_history(db.session(), _actor(), period, now()) if period else None
    return (
        render_template("reports/history.html", form=form, period=period, found=found),
        200 if period else 422,
    )
