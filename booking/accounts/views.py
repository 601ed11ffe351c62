"""Signing in and out, registration, email verification, password reset, the account page."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Flask,
    Response,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from booking import db
from booking.accounts import people, services, token_views, tokens
from booking.accounts.forms import (
    ChangePasswordForm,
    EmailForm,
    Form,
    InvitesForm,
    NameForm,
    NewPasswordForm,
    RegisterForm,
    SignInForm,
)
from booking.accounts.models import Person, RoleGrant
from booking.calendar import feed_views, feeds, invites
from booking.extensions import limiter, login_manager

bp = Blueprint("accounts", __name__)
bp.register_blueprint(token_views.bp)


def load_person(identity: str) -> Person | None:
    """Flask-Login's loader: the session holds "id:session_version"; an old version is refused."""
    person_id, _, version = identity.partition(":")
    if not person_id.isdigit() or not version.isdigit():
        return None
    person = db.session().scalar(
        select(Person)
        .where(Person.id == int(person_id))
        .options(
            selectinload(Person.grants).selectinload(RoleGrant.building),
            selectinload(Person.grants).selectinload(RoleGrant.neighbourhood),
        )
    )
    if person is None or person.session_version != int(version) or not person.is_active:
        return None
    return person


def init_login(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.user_loader(load_person)
    login_manager.login_view = "accounts.sign_in"
    login_manager.login_message = "Sign in to continue."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"


def safe_next(url: str | None) -> str | None:
    """`url` if it is a path inside this app ("/account"), otherwise None.

    Browsers read "//host", "/\\host" and URLs with tabs or newlines in them as other sites,
    so anything but a plain absolute path is refused.
    """
    if not url or len(url) > 2000 or not url.startswith("/") or url.startswith("//"):
        return None
    if "\\" in url or not url.isprintable():
        return None
    parts = urlsplit(url)
    if parts.scheme or parts.netloc:
        return None
    return url


# Throttling: failed sign-ins per submitted email address and per client address.
def _sign_in_limit() -> str:
    return str(current_app.config["SIGN_IN_LIMIT"])


def _submitted_email() -> str:
    return "email:" + services.normalise_email(request.form.get("email", ""))


def _client_address() -> str:
    return "address:" + get_remote_address()


def _sign_in_failed(_response: Response) -> bool:
    return bool(g.get("sign_in_failed"))


def _page(template: str, form: Form, **context: Any) -> ResponseReturnValue:
    """A form page: 200, or 422 when it shows errors (so the request's work is rolled back)."""
    return render_template(template, form=form, **context), 422 if form.errors else 200


def _show_error(form: Form, error: services.AccountError) -> None:
    field = form[error.field] if error.field and error.field in form else None
    if field is None:
        form.form_errors.append(error.message)
    else:
        field.errors.append(error.message)


def _home() -> str:
    return url_for("catalogue.neighbourhoods")


def _signed_in_person() -> Person:
    person: Person = current_user._get_current_object()
    return person


@bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit(
    _sign_in_limit, key_func=_submitted_email, methods=["POST"], deduct_when=_sign_in_failed
)
@limiter.limit(
    _sign_in_limit, key_func=_client_address, methods=["POST"], deduct_when=_sign_in_failed
)
def sign_in() -> ResponseReturnValue:
    next_url = safe_next(request.args.get("next"))
    if request.method == "GET" and current_user.is_authenticated:
        return redirect(next_url or _home())
    form = SignInForm()
    if not form.validate_on_submit():
        return _page("accounts/sign_in.html", form)
    try:
        person = services.authenticate(db.session(), form.email.data, form.password.data)
    except services.EmailNotVerified as error:
        g.sign_in_failed = True
        return render_template("accounts/confirm_email_first.html", email=error.person.email)
    except services.SignInRefused as error:
        g.sign_in_failed = True
        _show_error(form, error)
        return _page("accounts/sign_in.html", form)
    session.clear()
    session.permanent = True
    login_user(person, remember=form.remember.data)
    return redirect(next_url or _home())


@bp.route("/sign-out", methods=["POST"])
def sign_out() -> ResponseReturnValue:
    session.clear()
    logout_user()
    flash("You have signed out.", "success")
    return redirect(url_for("accounts.sign_in"))


@bp.route("/account/sign-out-everywhere", methods=["POST"])
@login_required
def sign_out_everywhere() -> ResponseReturnValue:
    person = _signed_in_person()
    people.sign_out_everywhere(db.session(), person, person)
    session.clear()
    logout_user()
    flash("You have signed out on every device, including this one.", "success")
    return redirect(url_for("accounts.sign_in"))


def _check_your_email(reason: str, email: str) -> ResponseReturnValue:
    """Post/redirect/get to the same "check your email" page, whatever happened."""
    session["check_email"] = {"reason": reason, "email": services.normalise_email(email)}
    return redirect(url_for("accounts.check_email"))


@bp.route("/check-your-email")
def check_email() -> ResponseReturnValue:
    sent = session.get("check_email")
    if not isinstance(sent, dict):
        return redirect(url_for("accounts.sign_in"))
    return render_template(
        "accounts/check_email.html",
        reason=sent.get("reason"),
        email=sent.get("email"),
        hours=current_app.config["VERIFY_LINK_HOURS"],
        minutes=current_app.config["RESET_LINK_MINUTES"],
    )


# Pages that send email are limited per submitted address, so nobody can flood a mailbox.
_mail_limit = limiter.limit(_sign_in_limit, key_func=_submitted_email, methods=["POST"])


@bp.route("/register", methods=["GET", "POST"])
@_mail_limit
def register() -> ResponseReturnValue:
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            services.register(
                db.session(),
                email=form.email.data,
                name=form.name.data,
                password=form.password.data,
            )
        except services.AccountError as error:
            _show_error(form, error)
        else:
            return _check_your_email("register", form.email.data)
    return _page("accounts/register.html", form)


def _bad_link(purpose: str, error: tokens.BadLink) -> ResponseReturnValue:
    """A link that cannot be used, with a form to ask for a new one."""
    return render_template(
        "accounts/bad_link.html",
        purpose=purpose,
        expired=isinstance(error, tokens.LinkExpired),
        used=isinstance(error, tokens.LinkUsed),
        form=EmailForm(formdata=None),
    ), 400


@bp.route("/verify-email/<token>")
def verify_email(token: str) -> ResponseReturnValue:
    db_session = db.session()
    try:
        person = tokens.person_to_verify(db_session, token)
    except tokens.BadLink as error:
        return _bad_link("verify", error)
    services.confirm_email(db_session, person)
    return render_template("accounts/email_confirmed.html", email=person.email)


@bp.route("/verify-email/resend", methods=["GET", "POST"])
@_mail_limit
def resend_verification() -> ResponseReturnValue:
    form = EmailForm()
    if form.validate_on_submit():
        services.resend_verification(db.session(), form.email.data)
        return _check_your_email("verify", form.email.data)
    return _page("accounts/resend_verification.html", form)


@bp.route("/forgot-password", methods=["GET", "POST"])
@_mail_limit
def forgot_password() -> ResponseReturnValue:
    form = EmailForm()
    if form.validate_on_submit():
        services.request_password_reset(db.session(), form.email.data)
        return _check_your_email("reset", form.email.data)
    return _page("accounts/forgot_password.html", form)


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
def reset_password(token: str) -> ResponseReturnValue:
    db_session = db.session()
    try:
        person = tokens.person_to_reset(db_session, token)
    except tokens.BadLink as error:
        return _bad_link("reset", error)
    form = NewPasswordForm()
    if form.validate_on_submit():
        try:
            services.reset_password(db_session, person, form.password.data)
        except services.AccountError as error:
            _show_error(form, error)
        else:
            session.clear()
            logout_user()
            flash("Your password has been changed. Sign in with your new password.", "success")
            return redirect(url_for("accounts.sign_in"))
    return _page("accounts/reset_password.html", form, email=person.email)


@bp.route("/account")
@login_required
def account() -> ResponseReturnValue:
    person = _signed_in_person()
    calendar_feed = feed_views.links(feeds.personal_feed(db.session(), person))
    return render_template("accounts/account.html", person=person, calendar_feed=calendar_feed)


@bp.route("/account/name", methods=["GET", "POST"])
@login_required
def change_name() -> ResponseReturnValue:
    person = _signed_in_person()
    form = NameForm(data={"name": person.name})
    if form.validate_on_submit():
        try:
            services.change_name(db.session(), person, form.name.data)
        except services.AccountError as error:
            _show_error(form, error)
        else:
            flash("Your name has been changed.", "success")
            return redirect(url_for("accounts.account"))
    return _page("accounts/change_name.html", form)


@bp.route("/account/calendar-invites", methods=["GET", "POST"])
@login_required
def calendar_invites() -> ResponseReturnValue:
    person = _signed_in_person()
    form = InvitesForm(data={"invites": "yes" if person.invites_enabled else "no"})
    if form.validate_on_submit():
        enabled = form.invites.data == "yes"
        invites.set_invites_enabled(db.session(), person, enabled)
        flash(
            "You will get calendar invites for your bookings."
            if enabled
            else "You will not get calendar invites for your bookings.",
            "success",
        )
        return redirect(url_for("accounts.account"))
    return _page("calendar/invites.html", form)


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password() -> ResponseReturnValue:
    person = _signed_in_person()
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(
                db.session(), person, form.current_password.data, form.password.data
            )
        except services.AccountError as error:
            _show_error(form, error)
        else:
            # The new session version signed every browser out; sign this one back in.
            remembered = current_app.config["REMEMBER_COOKIE_NAME"] in request.cookies
            login_user(person, remember=remembered)
            flash(
                "Your password has been changed. You have been signed out on your other devices.",
                "success",
            )
            return redirect(url_for("accounts.account"))
    return _page("accounts/change_password.html", form)
