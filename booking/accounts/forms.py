"""Account forms. They check that something was entered in the right shape; the account rules
(password length, partner domains, existing accounts) live in `booking.accounts.services`."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, RadioField, SelectChoice, StringField
from wtforms.validators import AnyOf, Email, InputRequired, Length

EMAIL_FORMAT = "Enter an email address in the correct format, like name@example.com"
NEW_PASSWORD_HINT = "Use at least 10 characters. A few unrelated words together work well."


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


class Form(FlaskForm):  # type: ignore[misc]
    """FlaskForm (untyped) under a typed name, with CSRF from Flask-WTF."""


class SignInForm(Form):
    email = StringField(
        "Email address",
        filters=[_strip],
        validators=[InputRequired("Enter your email address")],
    )
    password = PasswordField("Password", validators=[InputRequired("Enter your password")])
    remember = BooleanField(
        "Remember me on this device",
        description="Do not choose this on a shared or public computer.",
    )


class RegisterForm(Form):
    name = StringField(
        "Full name", filters=[_strip], validators=[InputRequired("Enter your full name")]
    )
    email = StringField(
        "Work email address",
        description="The address your organisation gave you, like name@nhs.net",
        filters=[_strip],
        validators=[
            InputRequired("Enter your work email address"),
            Length(max=254, message="Email address must be 254 characters or fewer"),
            Email(EMAIL_FORMAT),
        ],
    )
    password = PasswordField(
        "Create a password",
        description=NEW_PASSWORD_HINT,
        validators=[InputRequired("Create a password")],
    )


class EmailForm(Form):
    """An email address to send a link to (password reset, a new verification link)."""

    email = StringField(
        "Email address",
        filters=[_strip],
        validators=[
            InputRequired("Enter your email address"),
            Length(max=254, message="Email address must be 254 characters or fewer"),
            Email(EMAIL_FORMAT),
        ],
    )


class NewPasswordForm(Form):
    password = PasswordField(
        "New password",
        description=NEW_PASSWORD_HINT,
        validators=[InputRequired("Enter a new password")],
    )


class ChangePasswordForm(Form):
    current_password = PasswordField(
        "Current password", validators=[InputRequired("Enter your current password")]
    )
    password = PasswordField(
        "New password",
        description=NEW_PASSWORD_HINT,
        validators=[InputRequired("Enter a new password")],
    )


class NameForm(Form):
    name = StringField(
        "Full name", filters=[_strip], validators=[InputRequired("Enter your full name")]
    )


class InvitesForm(Form):
    invites = RadioField(
        "Send me calendar invites",
        choices=[SelectChoice("yes", "Yes"), SelectChoice("no", "No")],
        validate_choice=False,
        validators=[
            InputRequired("Select yes if you want calendar invites for your bookings"),
            AnyOf(["yes", "no"], "Select yes if you want calendar invites for your bookings"),
        ],
    )


class ConfirmForm(Form):
    """A button that changes something: only the CSRF token to check."""
