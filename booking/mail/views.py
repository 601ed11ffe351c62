"""The administrators' mail page: how the outbox stands, and the messages stuck in it.

Nested in the admin blueprint, so its endpoints read `admin.mail.index` and so on.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy.orm import defer
from werkzeug.wrappers import Response

from booking import db
from booking.admin.forms import ActionForm, show_error
from booking.admin.pagination import Pagination, requested_page
from booking.mail.models import OutboxMessage
from booking.mail.stuck import MailError, counts, discard, retry_now, stuck_messages
from booking.permissions import Permission, permission_required
from booking.timezones import now

bp = Blueprint("mail", __name__, url_prefix="/mail")
administrators = permission_required(Permission.MANAGE_PEOPLE)
PER_PAGE = 50

Page = str | tuple[str, int] | Response


def _message(message_id: int) -> OutboxMessage:
    message = db.session().get(
        OutboxMessage, message_id, options=[defer(OutboxMessage.content, raiseload=True)]
    )
    if message is None:
        abort(404)
    return message


def _index(form: ActionForm | None = None) -> str:
    session = db.session()
    page = requested_page()
    messages, total = stuck_messages(session, page=page, per_page=PER_PAGE)
    pagination = Pagination(page, PER_PAGE, total)
    if page > pagination.pages:
        abort(404)
    return render_template(
        "admin/mail.html",
        counts=counts(session),
        messages=messages,
        pagination=pagination,
        form=form,
        now=now(),
    )


@bp.route("")
@administrators
def index() -> str:
    return _index()


@bp.route("/<int:message_id>/retry", methods=["POST"])
@administrators
def retry(message_id: int) -> Page:
    message = _message(message_id)
    form = ActionForm()
    if form.validate_on_submit():
        try:
            retry_now(db.session(), current_user, message, now())
        except MailError as error:
            show_error(form, error)
        else:
            flash(f"The email to {message.recipient} will be sent again now.", "success")
            return redirect(url_for(".index"))
    return _index(form), 422


@bp.route("/<int:message_id>/discard", methods=["GET", "POST"])
@administrators
def discard_message(message_id: int) -> Page:
    message = _message(message_id)
    form = ActionForm()
    if form.validate_on_submit():
        try:
            discard(db.session(), current_user, message, now())
        except MailError as error:
            show_error(form, error)
        else:
            flash(f"The email to {message.recipient} has been discarded.", "success")
            return redirect(url_for(".index"))
    return render_template(
        "layouts/confirm.html",
        form=form,
        caption=message.recipient,
        title="Discard this email?",
        paragraphs=[
            f"“{message.subject}” to {message.recipient} will not be sent.",
            "You cannot undo this. The audit log keeps a record of it.",
        ],
        button="Discard",
        back=url_for(".index"),
        warning=True,
    ), (422 if form.errors else 200)
