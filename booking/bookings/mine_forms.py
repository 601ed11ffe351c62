"""The forms of My bookings: change a booking, cancel one, check in.

They check what was typed; the booking service checks the rules. A `BookingError` names the
field it is about ("start", "end", "attendees", "reason"), which is why the fields carry those
names.
"""

from __future__ import annotations

import re
from typing import Any

from flask_wtf import FlaskForm
from wtforms import DateField, Field, SelectField, StringField, TextAreaField, TimeField
from wtforms.validators import InputRequired, Length

from booking.bookings.errors import BookingError
from booking.bookings.models import Booking
from booking.catalogue.models import Space
from booking.timezones import to_local

REASON_MAX_LENGTH = 300
ADDRESS_SEPARATORS = re.compile(r"[\s,;]+")


def space_id(value: object) -> int | None:
    """A space's id from the form, or None for nonsense (refused as an invalid choice)."""
    text = str(value) if value is not None else ""
    return int(text) if text.isdigit() else None


class BookingForm(FlaskForm):  # type: ignore[misc]
    """A form that can show a booking rule's error beside the field it is about."""

    def show(self, error: BookingError) -> None:
        field: Field | None = getattr(self, error.field, None) if error.field else None
        if field is None:
            self.form_errors.append(error.message)
        else:
            field.errors = [*field.errors, error.message]


class ChangeForm(BookingForm):
    space = SelectField(
        "Space",
        coerce=space_id,
        invalid_choice_message="Select a space in this building",
    )
    day = DateField(
        "Date",
        validators=[InputRequired("Enter the date of the booking")],
        invalid_value_message="The date must be a real date",
    )
    start = TimeField(
        "From",
        validators=[InputRequired("Enter the time the booking starts")],
        invalid_value_message="Enter the start time as a time, like 09:30",
    )
    end = TimeField(
        "Until",
        validators=[InputRequired("Enter the time the booking ends")],
        invalid_value_message="Enter the end time as a time, like 12:30",
    )
    title = StringField(
        "Title (optional)",
        description="For example, Team Around the Place meeting",
        validators=[Length(max=200, message="The title must be 200 characters or fewer")],
    )
    attendees = TextAreaField(
        "Who else is coming (optional)",
        description="Their email addresses, one on each line",
    )

    @staticmethod
    def data_of(booking: Booking) -> dict[str, Any]:
        start, end = to_local(booking.starts_at), to_local(booking.ends_at)
        return {
            "space": booking.space_id,
            "day": start.date(),
            "start": start.time().replace(tzinfo=None),
            "end": end.time().replace(tzinfo=None),
            "title": booking.title,
            "attendees": "\n".join(attendee.email for attendee in booking.attendees),
        }

    def chosen_space(self, spaces: list[Space]) -> Space:
        """The space picked from `spaces` (the field's choices, so it is one of them)."""
        return next(space for space in spaces if space.id == self.space.data)

    def addresses(self) -> list[str]:
        return [part for part in ADDRESS_SEPARATORS.split(self.attendees.data or "") if part]


class CancelForm(BookingForm):
    reason = TextAreaField(
        "Why are you cancelling it?",
        description="The person who made the booking will see this",
        validators=[
            Length(
                max=REASON_MAX_LENGTH,
                message=f"The reason must be {REASON_MAX_LENGTH} characters or fewer",
            )
        ],
    )


class CheckInForm(BookingForm):
    """The "Check in" button; it names the booking when there could be two in the window."""

    booking = StringField()
