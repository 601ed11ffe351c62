"""Estates pages for the CSV import: upload, preview, confirm.

A checked upload waits in the database (`catalogue_import`) between the preview and the
confirmation, because the confirmation may reach another machine than the upload did.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wrappers import Response

from booking import db, timezones
from booking.catalogue import csv_import
from booking.catalogue.csv_import import Outcome, UploadError
from booking.catalogue.imports import CatalogueImport, ImportStatus
from booking.estates.forms import ConfirmImportForm, ImportForm, optional_id
from booking.estates.pages import actor, form_page
from booking.extensions import csrf
from booking.permissions import Permission, permission_required

bp = Blueprint("imports", __name__)


def _max_rows() -> int:
    return int(current_app.config["CSV_IMPORT_MAX_ROWS"])


def _upload_page(
    form: ImportForm, errors: list[csv_import.RowError] | None = None
) -> tuple[str, int]:
    return form_page(
        "estates/import.html",
        form,
        row_errors=errors or [],
        COLUMN_HELP=csv_import.COLUMN_HELP,
        max_rows=_max_rows(),
    )


def _too_large() -> tuple[str, int]:
    form = ImportForm(formdata=None)
    megabytes = current_app.config["MAX_CONTENT_LENGTH"] / (1024 * 1024)
    form.file.errors = [f"The selected file must be smaller than {megabytes:g}MB"]
    return _upload_page(form)


@bp.route("/import", methods=["GET", "POST"])
@csrf.exempt
@permission_required(Permission.IMPORT_CATALOGUE)
def upload() -> Response | tuple[str, int]:
    """Upload and check a file; a file without errors is kept and previewed.

    A file over `MAX_CONTENT_LENGTH` must come back as a form error, not a 413 page. Reading
    the form is what refuses it, and CSRFProtect would read it before this view runs, so this
    view is exempt from that automatic check and checks the CSRF token itself, after the size.
    """
    try:
        form = ImportForm()
    except RequestEntityTooLarge:
        return _too_large()
    if request.method == "POST" and current_app.config["WTF_CSRF_ENABLED"]:
        csrf.protect()
    if not form.validate_on_submit():
        return _upload_page(form)
    session, person = db.session(), actor()
    upload = form.file.data
    try:
        text = csv_import.decode(upload.read())
        outcome = csv_import.run(session, person, text, _max_rows(), keep=False)
    except UploadError as error:
        form.file.errors = [str(error)]
        return _upload_page(form)
    if outcome.errors:
        form.form_errors.append(
            f"{len(outcome.errors):,} {'problem' if len(outcome.errors) == 1 else 'problems'} "
            "in the file: nothing has been imported. Fix the file and upload it again"
        )
        return _upload_page(form, outcome.errors)
    staged = csv_import.stage(
        session, person, upload.filename or "catalogue.csv", text, timezones.now()
    )
    return redirect(url_for(".preview", import_id=staged.id))


def _own_upload(import_id: int | None) -> CatalogueImport:
    """The signed-in person's upload, or 404 (someone else's is as good as missing)."""
    staged = csv_import.find(db.session(), actor(), import_id) if import_id else None
    if staged is None:
        abort(404)
    return staged


def _turn_away(staged: CatalogueImport) -> Response | None:
    """A redirect away from an upload that can no longer be confirmed, or None if it can."""
    if staged.status is ImportStatus.APPLIED:
        flash(f"{staged.filename} has already been imported.", "info")
        return redirect(url_for("estates.dashboard"))
    if csv_import.expired(staged, timezones.now()):
        flash(f"The upload of {staged.filename} has expired. Upload the file again.", "info")
        return redirect(url_for(".upload"))
    return None


def _preview_page(
    staged: CatalogueImport, outcome: Outcome | None, problem: str = ""
) -> tuple[str, int]:
    form = ConfirmImportForm(data={"import_id": staged.id})
    if problem:
        form.form_errors.append(problem)
    status = 422 if problem or (outcome and outcome.errors) else 200
    page = render_template("estates/import_preview.html", form=form, staged=staged, outcome=outcome)
    return page, status


@bp.route("/import/<int:import_id>")
@permission_required(Permission.IMPORT_CATALOGUE)
def preview(import_id: int) -> Response | tuple[str, int]:
    staged = _own_upload(import_id)
    elsewhere = _turn_away(staged)
    if elsewhere is not None:
        return elsewhere
    try:
        outcome = csv_import.run(db.session(), actor(), staged.content, _max_rows(), keep=False)
    except UploadError as error:
        return _preview_page(staged, None, str(error))
    return _preview_page(staged, outcome, _changed_since(outcome))


def _changed_since(outcome: Outcome) -> str:
    if not outcome.errors:
        return ""
    return (
        "The catalogue has changed since the file was uploaded, and some rows now have "
        "problems. Nothing has been imported. Fix the file and upload it again"
    )


@bp.route("/import/confirm", methods=["POST"])
@permission_required(Permission.IMPORT_CATALOGUE)
def confirm() -> Response | tuple[str, int]:
    """Apply a previewed upload: every row, or (if any now has an error) none."""
    staged = _own_upload(optional_id(ConfirmImportForm().import_id.data))
    elsewhere = _turn_away(staged)
    if elsewhere is not None:
        return elsewhere
    try:
        outcome = csv_import.confirm(db.session(), actor(), staged, _max_rows())
    except UploadError as error:
        return _preview_page(staged, None, str(error))
    if outcome is None:
        flash(f"{staged.filename} has already been imported.", "info")
        return redirect(url_for("estates.dashboard"))
    if outcome.errors:
        return _preview_page(staged, outcome, _changed_since(outcome))
    flash(f"{staged.filename} has been imported: {outcome.summary(done=True)}.", "success")
    return redirect(url_for("estates.dashboard"))
