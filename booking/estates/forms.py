"""The estates forms. They check what was typed; the catalogue services check the rules.

Choices that come from the database (organisations, neighbourhoods, spaces) are set by the views.
"""

from __future__ import annotations

from datetime import time
from typing import Any

from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    Field,
    Form,
    HiddenField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from booking.catalogue.models import Building, BuildingAccess, Facility, SpaceKind
from booking.catalogue.services import DAY_NAMES, CatalogueError, Week
from booking.catalogue.services.closures import REASON_MAX_LENGTH


def optional_id(value: object) -> int | None:
    """A database id from a form value, or None for nothing chosen (or nonsense)."""
    text = str(value) if value is not None else ""
    return int(text) if text.isdigit() and int(text) > 0 else None


class EstatesForm(FlaskForm):  # type: ignore[misc]
    """A form that can also show a catalogue rule's error beside the field it is about."""

    def show(self, error: CatalogueError) -> None:
        field: Field | None = getattr(self, error.field, None) if error.field else None
        if field is None:
            self.form_errors.append(error.message)
        else:
            field.errors = [*field.errors, error.message]


def _coordinate(label: str, example: str) -> DecimalField:
    return DecimalField(
        f"{label} (optional)",
        places=None,
        validators=[Optional()],
        invalid_value_message=f"{label} must be a number, like {example}",
    )


class BuildingForm(EstatesForm):
    name = StringField(
        "Name",
        validators=[
            InputRequired("Enter the building's name"),
            Length(max=200, message="The building's name must be 200 characters or fewer"),
        ],
    )
    owner = SelectField(
        "Owner",
        coerce=optional_id,
        validators=[DataRequired("Select the organisation that owns the building")],
        invalid_choice_message="Select the organisation that owns the building",
    )
    neighbourhood = SelectField(
        "Neighbourhood",
        coerce=optional_id,
        validators=[DataRequired("Select the building's neighbourhood")],
        invalid_choice_message="Select the building's neighbourhood",
    )
    address = TextAreaField(
        "Address",
        description="Without the postcode",
        validators=[InputRequired("Enter the building's address")],
    )
    postcode = StringField("Postcode", validators=[InputRequired("Enter the building's postcode")])
    latitude = _coordinate("Latitude", "53.4083")
    longitude = _coordinate("Longitude", "-2.1494")
    description = TextAreaField("Description (optional)")
    arrival_instructions = TextAreaField(
        "Arrival instructions (optional)",
        description="For example, which door to use and who to ask for at reception",
    )
    facilities = SelectMultipleField(
        "Facilities and accessibility",
        choices=[SelectChoice(f.value, f.label) for f in Facility],
        coerce=Facility,
        invalid_value_message="Select facilities from the list",
        invalid_choice_message="Select facilities from the list",
    )
    access = RadioField(
        "Who can book",
        choices=[
            SelectChoice(BuildingAccess.ALL_PARTNERS.value, "Staff of every partner organisation"),
            SelectChoice(
                BuildingAccess.LISTED.value, "Only staff of the organisations chosen below"
            ),
        ],
        default=BuildingAccess.ALL_PARTNERS.value,
        invalid_choice_message="Select who can book",
    )
    allowed_organisations = SelectMultipleField(
        "Organisations whose staff can book",
        description="Only if you chose 'only staff of the organisations chosen below'",
        coerce=int,
        invalid_value_message="Select organisations from the list",
        invalid_choice_message="Select organisations from the list",
    )
    opens_on_bank_holidays = BooleanField(
        "Open on bank holidays",
        description="Otherwise the building is closed on England and Wales bank holidays",
    )

    @staticmethod
    def data_of(building: Building) -> dict[str, Any]:
        """The form's starting values for an existing building."""
        return {
            "name": building.name,
            "owner": building.owner_id,
            "neighbourhood": building.neighbourhood_id,
            "address": building.address,
            "postcode": building.postcode,
            "latitude": building.latitude,
            "longitude": building.longitude,
            "description": building.description,
            "arrival_instructions": building.arrival_instructions,
            "facilities": building.facilities(),
            "access": building.access.value,
            "allowed_organisations": [o.id for o in building.allowed_organisations],
            "opens_on_bank_holidays": building.opens_on_bank_holidays,
        }


class OpeningHoursForm(EstatesForm):
    """One row per weekday: Closed, or the opening and closing times (fields added below)."""

    def days(self) -> list[tuple[str, Field, Field, Field]]:
        """(weekday name, closed, opens, closes) from Monday to Sunday, for the template."""
        return [
            (
                name.capitalize(),
                self[f"{name}_closed"],
                self[f"{name}_opens"],
                self[f"{name}_closes"],
            )
            for name in DAY_NAMES
        ]

    def validate(self, extra_validators: Any = None) -> bool:
        valid: bool = super().validate(extra_validators)
        for day, closed, opens, closes in self.days():
            if closed.data:
                continue
            for field, verb in ((opens, "opens"), (closes, "closes")):
                if field.data is None and not field.errors:
                    field.errors = [f"Enter the time the building {verb} on {day}, or tick Closed"]
                    valid = False
        return valid

    def week(self) -> Week:
        return {
            weekday: None if closed.data else (opens.data, closes.data)
            for weekday, (_, closed, opens, closes) in enumerate(self.days())
        }

    @staticmethod
    def data_of(building: Building) -> dict[str, Any]:
        rows = {row.weekday: row for row in building.opening_hours}
        data: dict[str, Any] = {}
        for weekday, name in enumerate(DAY_NAMES):
            row = rows.get(weekday)
            data[f"{name}_closed"] = row is None
            data[f"{name}_opens"] = row.opens if row else None
            data[f"{name}_closes"] = row.closes if row else None
        return data


for _name in DAY_NAMES:
    _day = _name.capitalize()
    setattr(OpeningHoursForm, f"{_name}_closed", BooleanField("Closed"))
    for _verb in ("opens", "closes"):
        setattr(
            OpeningHoursForm,
            f"{_name}_{_verb}",
            TimeField(
                _verb.capitalize(),
                validators=[Optional()],
                invalid_value_message=f"Enter the time the building {_verb} on {_day} "
                "as a time, like 09:00",
            ),
        )


class SpaceForm(EstatesForm):
    kind = RadioField(
        "Type of space",
        choices=[SelectChoice(kind.value, kind.label) for kind in SpaceKind],
        invalid_choice_message="Select the type of space",
    )
    name = StringField(
        "Name",
        description="For example, Desk 4 or Riverside room",
        validators=[
            InputRequired("Enter the space's name"),
            Length(max=120, message="The space's name must be 120 characters or fewer"),
        ],
    )
    capacity = IntegerField(
        "Capacity",
        description="How many people it holds. A desk's capacity is 1.",
        validators=[InputRequired("Enter how many people the space holds")],
        invalid_value_message="Capacity must be a whole number from 1 to 500",
    )
    equipment = StringField(
        "Equipment (optional)", description="For example, screen, webcam, whiteboard"
    )
    description = TextAreaField("Description (optional)")
    accessible = BooleanField("Accessible", description="Step-free, with room for a wheelchair")
    bookable = BooleanField("Can be booked", default=True)


def _date(label: str, which: str) -> DateField:
    return DateField(
        label,
        validators=[InputRequired(f"Enter the date the closure {which}")],
        invalid_value_message=f"The date the closure {which} must be a real date",
    )


def _time(label: str, which: str) -> TimeField:
    return TimeField(
        label,
        default=time(0),
        validators=[InputRequired(f"Enter the time the closure {which}")],
        invalid_value_message=f"The time the closure {which} must be a time, like 09:00",
    )


class ClosureForm(EstatesForm):
    space = SelectField(
        "What is closed",
        coerce=optional_id,
        invalid_choice_message="Select the whole building or one of its spaces",
    )
    starts_on = _date("From (date)", "starts")
    starts_time = _time("From (time)", "starts")
    ends_on = _date("Until (date)", "ends")
    ends_time = _time("Until (time)", "ends")
    reason = TextAreaField(
        "Reason",
        description="People booking see this, for example 'Fire alarm testing'",
        validators=[
            InputRequired("Enter the reason for the closure"),
            Length(
                max=REASON_MAX_LENGTH,
                message=f"The reason must be {REASON_MAX_LENGTH} characters or fewer",
            ),
        ],
    )


class ImportForm(EstatesForm):
    file = FileField(
        "Upload a file",
        description="A CSV file saved as CSV UTF-8",
        validators=[
            FileRequired("Select a CSV file"),
            FileAllowed(["csv"], "The selected file must be a CSV"),
        ],
    )


class ConfirmImportForm(EstatesForm):
    import_id = HiddenField(validators=[InputRequired()])


class NeighbourhoodFilterForm(Form):  # type: ignore[misc]
    """The administrators' dashboard filter (a GET form: it changes nothing, so no CSRF)."""

    neighbourhood = SelectField("Neighbourhood", validate_choice=False)
