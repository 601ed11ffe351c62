"""The repeating booking forms. They check what was typed; `recurrence` checks the rules."""

from __future__ import annotations

import re
from datetime import date, time
from typing import Any

from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    Field,
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

from booking.bookings.errors import BookingError
from booking.bookings.forms import TIME_FORMATS, length_choices
from booking.bookings.models import Frequency
from booking.bookings.recurrence import MAX_OCCURRENCES, Scope, SeriesRequest
from booking.catalogue.models import Space
from booking.templating import WEEKDAYS

UNTIL, COUNT = "until", "count"
"""The two ways a series ends (the `ends` radios)."""


class BookingForm(FlaskForm):  # type: ignore[misc]
    """A form that can also show a booking rule's error beside the field it is about."""

    def show(self, error: BookingError) -> None:
        field: Field | None = getattr(self, error.field, None) if error.field else None
        if field is None:
            self.form_errors.append(error.message)
        else:
            field.errors = [*field.errors, error.message]


class SeriesForm(BookingForm):
    title = StringField(
        "Title",
        description="People you invite see this, for example Team around the place",
        validators=[
            DataRequired("Enter a title for the booking"),
            Length(max=200, message="The title must be 200 characters or fewer"),
        ],
    )
    attendees = TextAreaField(
        "Invite people (optional)",
        description="Their email addresses, one on each line or separated by commas. "
        "You can invite colleagues from any organisation.",
    )
    starts_on = DateField(
        "First date",
        validators=[InputRequired("Enter the date of the first booking")],
        invalid_value_message="The first date must be a real date",
    )
    start_time = TimeField(
        "Start time",
        description="In UK time, on the quarter hour, for example 10:00 or 13:30",
        format=TIME_FORMATS,
        default=time(10),
        validators=[InputRequired("Enter the start time")],
        invalid_value_message="The start time must be a time, like 10:00",
    )
    duration = SelectField(
        "How long",
        coerce=int,
        default=60,
        invalid_value_message="Choose how long each booking lasts",
        invalid_choice_message="Choose how long each booking lasts",
    )
    frequency = RadioField(
        "Repeat",
        choices=[
            SelectChoice(Frequency.DAILY.value, "Every day the building is open"),
            SelectChoice(Frequency.WEEKLY.value, "Every week, on the days you choose"),
        ],
        default=Frequency.WEEKLY.value,
        invalid_choice_message="Choose how often the booking repeats",
    )
    weekdays = SelectMultipleField(
        "Days of the week",
        choices=[SelectChoice(str(number), name) for number, name in enumerate(WEEKDAYS)],
        coerce=int,
        invalid_value_message="Select days of the week from the list",
        invalid_choice_message="Select days of the week from the list",
    )
    ends = RadioField(
        "Stop repeating",
        description=f"A repeating booking has up to {MAX_OCCURRENCES} dates, whichever you choose",
        choices=[
            SelectChoice(UNTIL, "After a date"),
            SelectChoice(COUNT, "After a number of times"),
        ],
        default=COUNT,
        invalid_choice_message="Choose when the booking stops repeating",
    )
    until = DateField(
        "Last date",
        validators=[Optional()],
        invalid_value_message="The last date must be a real date",
    )
    count = IntegerField(
        "Number of times",
        description=f"Up to {MAX_OCCURRENCES}",
        validators=[Optional()],
        invalid_value_message=f"Enter a number of times from 1 to {MAX_OCCURRENCES}",
    )

    def __init__(self, space: Space, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.duration.choices = length_choices(space.building.room_max_minutes)

    def validate(self, extra_validators: Any = None) -> bool:
        valid: bool = super().validate(extra_validators)
        missing = []
        if self.frequency.data == Frequency.WEEKLY.value and not self.weekdays.data:
            missing.append((self.weekdays, "Select the days of the week the booking repeats on"))
        if self.ends.data == UNTIL and self.until.data is None:
            missing.append((self.until, "Enter the last date"))
        if self.ends.data == COUNT and self.count.data is None:
            missing.append((self.count, "Enter the number of times"))
        for field, message in missing:
            if not field.errors:
                field.errors = [message]
                valid = False
        return valid

    def series_request(self, space: Space) -> SeriesRequest:
        frequency = Frequency(self.frequency.data)
        return SeriesRequest(
            space=space,
            frequency=frequency,
            starts_on=self.starts_on.data,
            start_time=self.start_time.data,
            duration_minutes=self.duration.data,
            weekdays=tuple(self.weekdays.data or ()) if frequency is Frequency.WEEKLY else (),
            until=self.until.data if self.ends.data == UNTIL else None,
            count=self.count.data if self.ends.data == COUNT else None,
            title=self.title.data,
            attendees=[a for a in re.split(r"[\s,;]+", self.attendees.data or "") if a],
        )

    def carried(self) -> list[tuple[str, str]]:
        """Every answer as (name, value) pairs, for the preview page to post back unchanged."""
        return [
            (field.name, value)
            for field in self
            if field.name != "csrf_token"
            for value in field.raw_data or ()
        ]


def seen_dates(values: list[str]) -> list[date] | None:
    """The dates the preview showed as free, posted back with the choice; None if tampered."""
    try:
        return [date.fromisoformat(value) for value in values]
    except ValueError:
        return None


class CancelSeriesForm(BookingForm):
    scope = RadioField(
        "Which dates do you want to cancel?",
        choices=[
            SelectChoice(Scope.ONE.value, "Only this one"),
            SelectChoice(Scope.FOLLOWING.value, "This and all following"),
            SelectChoice(Scope.ALL.value, "The whole series"),
        ],
        invalid_choice_message="Choose which dates to cancel",
    )
    reason = TextAreaField(
        "Why are you cancelling?",
        description="The booker is told",
        validators=[Length(max=300, message="The reason must be 300 characters or fewer")],
    )
