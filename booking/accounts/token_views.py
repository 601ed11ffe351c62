"""The account page's API tokens: list them, create one (shown once), revoke one.

A child blueprint of `accounts`: endpoints `accounts.tokens.<view>`, under /account/tokens.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required
from wtforms import StringField
from wtforms.validators import InputRequired

from booking import db
from booking.accounts import access_tokens
from booking.accounts.forms import Form
from booking.accounts.models import Person

bp = Blueprint("tokens", __name__, url_prefix="/account/tokens")


class TokenForm(Form):
    name = StringField(
        "Token name",
        description="Say what will use it, so you can tell your tokens apart. "
        "For example, Meeting room display.",
        validators=[InputRequired("Enter a name for the token")],
    )


def _person() -> Person:
    person: Person = current_user._get_current_object()
    return person


@bp.route("", methods=["GET", "POST"])
@login_required
def index() -> ResponseReturnValue:
    person = _person()
    session = db.session()
    form = TokenForm()
    if form.validate_on_submit():
        try:
            made = access_tokens.create_token(session, person, form.name.data)
        except access_tokens.TokenError as error:
            form.name.errors.append(error.message)
        else:
            return render_template("accounts/tokens_created.html", made=made)
    tokens = access_tokens.active_tokens(session, person)
    return render_template("accounts/tokens.html", form=form, tokens=tokens), (
        422 if form.errors else 200
    )


@bp.route("/<int:token_id>/revoke", methods=["GET", "POST"])
@login_required
def revoke(token_id: int) -> ResponseReturnValue:
    person = _person()
    session = db.session()
    token = access_tokens.token_of(session, person, token_id)
    if token is None:
        abort(404)
    form = Form()
    if form.validate_on_submit():
        access_tokens.revoke_token(session, person, token)
        flash(
            f"Token {token.name} has been revoked. Anything using it can no longer get in.",
            "success",
        )
        return redirect(url_for("accounts.tokens.index"))
    return render_template(
        "layouts/confirm.html",
        title=f"Revoke token {token.name}?",
        caption="API tokens",
        paragraphs=[
            "Anything using this token will stop working at once. You cannot undo this, "
            "but you can create a new token."
        ],
        button="Revoke token",
        back=url_for("accounts.tokens.index"),
        warning=True,
    )
