"""The administrators' forms. Choices that come from the database are set by the views.

Filter forms read the query string and are lenient: a value that is not one of the choices
(an edited address, an organisation since deleted) is ignored rather than refused.
"""

from __future__ import annotations

from typing import Protocol

from flask_wtf import FlaskForm
from wtforms import RadioField, SelectChoice, SelectField, SelectMultipleField, StringField
from wtforms.validators import AnyOf, DataRequired, InputRequired, Length

from booking.accounts.models import Role
from booking.accounts.people import NAME_MAX_LENGTH as PERSON_NAME_MAX_LENGTH
from booking.catalogue.models import OrganisationType
from booking.catalogue.organisations import NAME_MAX_LENGTH as ORGANISATION_NAME_MAX_LENGTH

ROLE_HINTS = {
    Role.ADMINISTRATOR: "Manages organisations, people and roles, and reads the audit log",
    Role.BUILDING_MANAGER: "Keeps one building, its spaces and closures right",
    Role.NEIGHBOURHOOD_LEAD: "Sees how one neighbourhood's spaces are used",
}
STATUS_CHOICES = [
    SelectChoice("awaiting_verification", "Awaiting email verification"),
    SelectChoice("deactivated", "Deactivated"),
]


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


def optional_id(value: object) -> int | None:
    """A database id from a form value, or None for nothing chosen (or nonsense)."""
    if value is None or value == "":
        return None
    try:
        number = int(str(value))
    except ValueError:
        return None
    return number if number > 0 else None


class OrganisationForm(FlaskForm):  # type: ignore[misc]
    name = StringField(
        "Name",
        filters=[_strip],
        validators=[
            DataRequired("Enter the organisation's name"),
            Length(
                max=ORGANISATION_NAME_MAX_LENGTH,
                message=f"The organisation's name must be {ORGANISATION_NAME_MAX_LENGTH} "
                "characters or fewer",
            ),
        ],
    )
    type = RadioField(
        "Type of organisation",
        choices=[SelectChoice(kind.value, kind.label) for kind in OrganisationType],
        validate_choice=False,
        validators=[
            InputRequired("Select the type of organisation"),
            AnyOf([kind.value for kind in OrganisationType], "Select the type of organisation"),
        ],
    )


class DomainForm(FlaskForm):  # type: ignore[misc]
    domain = StringField(
        "Email domain",
        description="The part of its staff's email addresses after the @, like nhs.net",
        filters=[_strip],
        validators=[DataRequired("Enter an email domain, like nhs.net")],
    )


class PersonForm(FlaskForm):  # type: ignore[misc]
    name = StringField(
        "Full name",
        filters=[_strip],
        validators=[
            DataRequired("Enter the person's full name"),
            Length(
                max=PERSON_NAME_MAX_LENGTH,
                message=f"The name must be {PERSON_NAME_MAX_LENGTH} characters or fewer",
            ),
        ],
    )
    organisation = SelectField(
        "Organisation",
        coerce=optional_id,
        validate_choice=False,
        validators=[DataRequired("Select the person's organisation")],
    )


class GrantForm(FlaskForm):  # type: ignore[misc]
    role = RadioField(
        "Role",
        choices=[SelectChoice(role.value, role.label) for role in Role],
        validate_choice=False,
        validators=[
            InputRequired("Select a role"),
            AnyOf([role.value for role in Role], "Select a role"),
        ],
    )
    building = SelectField("Building", coerce=optional_id, validate_choice=False)
    neighbourhood = SelectField("Neighbourhood", coerce=optional_id, validate_choice=False)


class PeopleFilterForm(FlaskForm):  # type: ignore[misc]
    class Meta:
        csrf = False

    q = StringField("Name or email address")
    organisation = SelectField("Organisation", coerce=optional_id, validate_choice=False)
    role = SelectField("Role", validate_choice=False)
    status = SelectMultipleField("Show only", choices=STATUS_CHOICES, validate_choice=False)

    def chosen_role(self) -> Role | None:
        try:
            return Role(self.role.data)
        except ValueError:
            return None


class AuditFilterForm(FlaskForm):  # type: ignore[misc]
    class Meta:
        csrf = False

    kind = SelectField("Kind of thing", validate_choice=False)
    actor = SelectField("Changed by", coerce=optional_id, validate_choice=False)


class ActionForm(FlaskForm):  # type: ignore[misc]
    """A button's form (CSRF only); it carries a refused action's message to the error summary."""


class RuleError(Protocol):
    message: str
    field: str | None


def show_error(form: FlaskForm, error: RuleError) -> None:
    """Put a service's refusal beside the field it concerns, or at the top of the form."""
    if error.field is not None and error.field in form:
        field = form[error.field]
        field.errors = [*field.errors, error.message]
    else:
        form.form_errors.append(error.message)
