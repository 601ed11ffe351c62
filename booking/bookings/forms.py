"""The forms of "Find a space" and of booking a space. They check what was typed and turn UK
wall-clock times into UTC; the booking service checks the rules."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    Field,
    HiddenField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from booking.bookings.errors import BookingError
from booking.bookings.search import Origin
from booking.catalogue.forms import FacilityFilters
from booking.catalogue.models import Facility, SpaceKind
from booking.templating import format_time
from booking.timezones import NonexistentLocalTime, local_to_utc

TIME_FORMATS = ["%H:%M", "%H:%M:%S"]
"""What `<input type="time">` sends (with seconds when a browser adds them)."""
Day = date
"""`date` by another name, for the forms whose field is called `date`."""
FURTHEST_AHEAD = timedelta(days=732)
"""No booking window is longer (an owner's may be two years): later dates are refused."""


def day_in_range(day: date, today: date, *, past_days: int = 0) -> bool:
    """Whether `day` is one the booking pages can show: from `past_days` before today to two
    years ahead (beyond that every booking is refused anyway, and far dates overflow)."""
    return today - timedelta(days=past_days) <= day <= today + FURTHEST_AHEAD


_DATE_RANGE = "The date must be today or in the next 2 years"
ANY_TIME, NOW, BETWEEN = "any", "now", "between"


def _date(label: str) -> DateField:
    return DateField(label, invalid_value_message="The date must be a real date, like 2026-03-17")


def _time(label: str, which: str) -> TimeField:
    return TimeField(
        label,
        format=TIME_FORMATS,
        validators=[Optional()],
        invalid_value_message=f"Enter the {which} time as a time, like 09:30",
    )


def _utc(field: Field, day: date) -> datetime | None:
    """The UTC instant of `field`'s time on `day`; a time the clocks skip is a field error."""
    try:
        return local_to_utc(day, field.data)
    except NonexistentLocalTime as error:
        field.errors = [*field.errors, str(error)]
        return None


class FindForm(FacilityFilters):
    """Find a space: a GET form (a search changes nothing, so it carries no CSRF token)."""

    neighbourhood = SelectField(
        "Neighbourhood",
        validators=[InputRequired("Select a neighbourhood")],
        invalid_choice_message="Select a neighbourhood from the list",
    )
    date = _date("Date")
    when = RadioField(
        "Time",
        choices=[
            SelectChoice(ANY_TIME, "Any time that day"),
            SelectChoice(NOW, "Now"),
            SelectChoice(BETWEEN, "Between these times"),
        ],
        default=ANY_TIME,
        invalid_choice_message="Select when you need a space",
    )
    starts = _time("From", "start")
    ends = _time("To", "end")
    kind = RadioField(
        "Type of space",
        choices=[SelectChoice(kind.value, kind.label) for kind in SpaceKind],
        default=SpaceKind.DESK.value,
        invalid_choice_message="Select a type of space",
    )
    capacity = IntegerField(
        "Number of people (rooms only)",
        validators=[
            Optional(),
            NumberRange(1, 500, "The number of people must be between 1 and 500"),
        ],
        invalid_value_message="The number of people must be a whole number, like 6",
    )
    lat = HiddenField()
    lon = HiddenField()

    def validate_when_and_times(
        self, today: Day, now: datetime
    ) -> tuple[datetime, datetime] | None:
        """After `validate()`: the date is not past; times, when asked for, are real and in
        order. Returns the UTC times asked for (None for any time or now); adds field errors."""
        if self.when.data == NOW:
            self.date.data = today
            return None
        if self.date.data is not None and not day_in_range(self.date.data, today):
            self.date.errors = [*self.date.errors, _DATE_RANGE]
        if self.when.data != BETWEEN:
            return None
        for field, which in ((self.starts, "start"), (self.ends, "end")):
            if field.data is None and not field.errors:
                field.errors = [*field.errors, f"Enter the {which} time, or choose any time"]
        if self.errors or self.date.data is None:
            return None
        if self.ends.data <= self.starts.data:
            self.ends.errors = [*self.ends.errors, "The end time must be after the start time"]
            return None
        starts_at, ends_at = _utc(self.starts, self.date.data), _utc(self.ends, self.date.data)
        if starts_at is None or ends_at is None:
            return None
        if ends_at <= now:
            self.ends.errors = [*self.ends.errors, "The end time has already passed"]
            return None
        return starts_at, ends_at

    @property
    def facilities(self) -> tuple[Facility, ...]:
        return (*(self.facility.data or []), *(self.accessibility.data or []))

    @property
    def origin(self) -> Origin | None:
        """The phone's position, when "Use my location" shared a believable one."""
        try:
            latitude, longitude = float(self.lat.data), float(self.lon.data)
        except (TypeError, ValueError):
            return None
        if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
            return None
        return Origin(latitude, longitude)


class BookForm(FlaskForm):  # type: ignore[misc]
    """Book one space: a desk by preset or custom times; a room by start, length and title.

    The one-tap buttons elsewhere (results, alternatives) post the same fields as hidden ones.
    """

    date = _date("Date")
    preset = HiddenField()
    start = _time("Start time", "start")
    end = _time("End time", "end")
    length = IntegerField(
        "How long",
        validators=[
            Optional(),
            NumberRange(15, 24 * 60, "Choose how long you need the room for"),
        ],
        invalid_value_message="Choose how long you need the room for",
    )
    title = StringField(
        "Title",
        description="People you invite see this, for example Team meeting",
        validators=[Length(max=200, message="The title must be 200 characters or fewer")],
    )
    attendees = TextAreaField(
        "Invite people (optional)",
        description="Their email addresses, one on each line or separated by commas. "
        "You can invite colleagues from any organisation.",
    )

    def check_input(self, *, room: bool, today: Day) -> bool:
        """`validate()`, and what each kind of booking needs (rules are the service's)."""
        valid: bool = self.validate()
        if self.date.data is None and not self.date.errors:
            self.date.errors = ["Enter the date"]
        elif self.date.data is not None and not day_in_range(self.date.data, today):
            self.date.errors = [*self.date.errors, _DATE_RANGE]
        if self.preset.data and not room:
            return valid and not self.errors
        if self.start.data is None and not self.start.errors:
            self.start.errors = ["Enter the start time"]
        if room:
            if self.length.data is None and self.end.data is None and not self.length.errors:
                self.length.errors = ["Choose how long you need the room for"]
            if not (self.title.data or "").strip():
                self.title.errors = [*self.title.errors, "Enter a title for the booking"]
        elif self.end.data is None and not self.end.errors:
            self.end.errors = ["Enter the end time"]
        return valid and not self.errors

    def times(self) -> tuple[datetime, datetime] | None:
        """The UTC start and end typed or chosen (a room's end from its length)."""
        starts_at = _utc(self.start, self.date.data)
        if self.length.data is not None:
            return (
                None
                if starts_at is None
                else (starts_at, starts_at + timedelta(minutes=self.length.data))
            )
        ends_at = _utc(self.end, self.date.data)
        return None if starts_at is None or ends_at is None else (starts_at, ends_at)

    def attendee_emails(self) -> list[str]:
        return [a for a in re.split(r"[\s,;]+", self.attendees.data or "") if a]

    def show(self, error: BookingError, *, room: bool) -> None:
        """Put a rule's message beside the field it is about (or at the top)."""
        name = {"start": "start", "end": "end", "attendees": "attendees"}.get(error.field or "")
        if name == "end" and room and self.length.data is not None:
            name = "length"
        if name in ("start", "end") and self.preset.data and not room:
            name = "preset"
        if name is None:
            self.form_errors.append(error.message)
        else:
            self[name].errors = [*self[name].errors, error.message]

    def blame_date(self) -> None:
        """Move the times' errors beside the date, when the page shows no times to choose
        (the building is closed that day, or the day is over)."""
        for name in ("preset", "start", "end", "length"):
            self.date.errors = [*self.date.errors, *self[name].errors]
            self[name].errors = []


def length_choices(max_minutes: int) -> list[SelectChoice]:
    """30 minutes to 2 hours by the quarter hour, then by the half hour up to the maximum."""
    minutes = [m for m in range(30, 121, 15) if m <= max_minutes]
    minutes += list(range(150, max_minutes + 1, 30))
    if max_minutes not in minutes and max_minutes % 15 == 0:
        minutes.append(max_minutes)
    return [SelectChoice(str(m), length_text(m)) for m in sorted(minutes)]


def length_text(minutes: int) -> str:
    """ "30 minutes", "1 hour", "1 hour 30 minutes", "8 hours"."""
    hours, rest = divmod(minutes, 60)
    parts = []
    if hours:
        parts.append(f"{hours} hour{'s' if hours != 1 else ''}")
    if rest:
        parts.append(f"{rest} minutes")
    return " ".join(parts)


def start_choices(day: date, opens: time, closes: time, earliest: datetime) -> list[SelectChoice]:
    """Every quarter hour from opening to a quarter before closing, from `earliest` on."""
    choices = []
    moment = datetime.combine(day, opens)
    last = datetime.combine(day, closes) - timedelta(minutes=15)
    while moment <= last:
        try:
            if local_to_utc(day, moment.time()) >= earliest:
                choices.append(SelectChoice(f"{moment:%H:%M}", format_time(moment.time())))
        except NonexistentLocalTime:
            pass
        moment += timedelta(minutes=15)
    return choices
