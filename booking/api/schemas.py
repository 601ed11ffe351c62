"""What the API reads and writes, as marshmallow schemas (the OpenAPI document is made from them).

Output schemas read the model objects directly; the few fields that depend on who is asking
(`bookable`) ask `current_person()`.
"""

from __future__ import annotations

from typing import Any

import marshmallow as ma

from booking.api.auth import current_person
from booking.api.fields import (
    SLUG_PATTERN,
    Day,
    Instant,
    LocalTime,
    LondonDateTime,
    Text,
    identifier,
)
from booking.bookings.models import BookingStatus
from booking.catalogue.models import Building, Facility, Space, SpaceKind
from booking.catalogue.queries import bookers
from booking.feedback.models import ProblemCategory, ProblemStatus, Rating
from booking.feedback.services import COMMENT_MAX_LENGTH

TITLE_MAX_LENGTH = 200
REASON_MAX_LENGTH = 300
MAX_ATTENDEES = 100


def _enum(kind: Any, **kwargs: Any) -> ma.fields.Enum[Any]:
    return ma.fields.Enum(kind, by_value=ma.fields.String, **kwargs)


def _slug(**kwargs: Any) -> Text:
    return Text(
        validate=ma.validate.Regexp(SLUG_PATTERN, error="Enter a neighbourhood slug, like central"),
        **kwargs,
    )


def building_is_bookable(building: Building) -> bool:
    return building.active and building.is_open_to(current_person())


def space_is_bookable(space: Space) -> bool:
    return space.active and space.bookable and building_is_bookable(space.building)


# What the API writes.


class NeighbourhoodSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    slug = ma.fields.String(required=True)
    name = ma.fields.String(required=True)


class OrganisationSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    name = ma.fields.String(required=True)


class HoursSchema(ma.Schema):
    """Opening hours on one weekday (0 = Monday), Europe/London wall-clock times."""

    weekday = ma.fields.Integer(required=True)
    opens = ma.fields.Time(format="%H:%M", required=True)
    closes = ma.fields.Time(format="%H:%M", required=True)


class BuildingSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    name = ma.fields.String(required=True)
    neighbourhood = ma.fields.Nested(NeighbourhoodSchema, required=True)
    owner = ma.fields.Nested(OrganisationSchema, required=True)
    address = ma.fields.String(required=True)
    postcode = ma.fields.String(required=True)
    latitude = ma.fields.Float(required=True, allow_none=True)
    longitude = ma.fields.Float(required=True, allow_none=True)
    facilities = ma.fields.Function(
        lambda building: [facility.value for facility in building.facilities()],
        required=True,
        metadata={
            "type": "array",
            "items": {"type": "string", "enum": [f.value for f in Facility]},
        },
    )
    arrival_instructions = ma.fields.String(required=True)
    opening_hours = ma.fields.List(ma.fields.Nested(HoursSchema), required=True)
    restricted_to = ma.fields.Function(
        lambda building: [organisation.name for organisation in bookers(building)],
        required=True,
        metadata={
            "type": "array",
            "items": {"type": "string"},
            "description": "The organisations whose staff may book here; empty for every partner",
        },
    )
    bookable = ma.fields.Function(
        building_is_bookable,
        required=True,
        metadata={"type": "boolean", "description": "Whether you may book here"},
    )


class BuildingSummarySchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    name = ma.fields.String(required=True)


class SpaceSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    name = ma.fields.String(required=True)
    kind = _enum(SpaceKind, required=True)
    capacity = ma.fields.Integer(required=True)
    equipment = ma.fields.String(required=True)
    description = ma.fields.String(required=True)
    accessible = ma.fields.Boolean(required=True)
    building = ma.fields.Nested(BuildingSummarySchema, required=True)
    bookable = ma.fields.Function(
        space_is_bookable,
        required=True,
        metadata={"type": "boolean", "description": "Whether you may book this space"},
    )


class WindowSchema(ma.Schema):
    start = Instant(attribute="starts_at", required=True)
    end = Instant(attribute="ends_at", required=True)


class OpenSchema(ma.Schema):
    opens = ma.fields.Time(format="%H:%M", required=True)
    closes = ma.fields.Time(format="%H:%M", required=True)


class SpaceAvailabilitySchema(ma.Schema):
    space = ma.fields.Nested(SpaceSchema, required=True)
    opening_hours = ma.fields.Nested(
        OpenSchema,
        required=True,
        allow_none=True,
        metadata={"description": "The hours that day; null when the building is closed"},
    )
    free = ma.fields.List(
        ma.fields.Nested(WindowSchema),
        required=True,
        metadata={"description": "Free time, [start, end), between from and to when given"},
    )


class AvailabilitySchema(ma.Schema):
    date = ma.fields.Date(required=True)
    spaces = ma.fields.List(ma.fields.Nested(SpaceAvailabilitySchema), required=True)


class PersonSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    name = ma.fields.String(required=True)
    email = ma.fields.String(required=True)
    organisation = ma.fields.Nested(OrganisationSchema, required=True)
    administrator = ma.fields.Boolean(attribute="is_administrator", required=True)
    manages_buildings = ma.fields.List(ma.fields.Nested(BuildingSummarySchema), required=True)
    leads_neighbourhoods = ma.fields.List(ma.fields.Nested(NeighbourhoodSchema), required=True)
    invites_enabled = ma.fields.Boolean(
        required=True,
        metadata={"description": "Whether your bookings are emailed to you as calendar invites"},
    )
    calendar_feed_url = ma.fields.String(
        required=True,
        metadata={
            "description": "Your bookings as an iCalendar feed to subscribe to (https). "
            "Anyone with the link can read the feed: keep it secret."
        },
    )
    calendar_feed_webcal_url = ma.fields.String(
        required=True,
        metadata={"description": "The same feed as a webcal:// link, for calendar programs"},
    )


class BookingSpaceSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    name = ma.fields.String(required=True)
    kind = _enum(SpaceKind, required=True)
    building = ma.fields.Nested(BuildingSummarySchema, required=True)


class BookingSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    status = _enum(BookingStatus, required=True)
    space = ma.fields.Nested(BookingSpaceSchema, required=True)
    start = Instant(attribute="starts_at", required=True)
    end = Instant(attribute="ends_at", required=True)
    title = ma.fields.String(required=True)
    attendees = ma.fields.Function(
        lambda booking: [attendee.email for attendee in booking.attendees],
        required=True,
        metadata={"type": "array", "items": {"type": "string"}},
    )
    checked_in_at = Instant(required=True, allow_none=True)
    series_id = ma.fields.Integer(required=True, allow_none=True)
    cancelled_at = Instant(required=True, allow_none=True)
    cancellation_reason = ma.fields.String(required=True)
    created_at = Instant(required=True)


# What the API reads.


class BuildingsQuery(ma.Schema):
    neighbourhood = _slug(metadata={"description": "A neighbourhood's slug"})
    facilities = ma.fields.List(
        _enum(Facility), metadata={"description": "Only buildings with every one of these"}
    )


class SpacesQuery(BuildingsQuery):
    building = identifier(metadata={"description": "A building's id"})
    kind = _enum(SpaceKind)
    capacity = ma.fields.Integer(
        validate=ma.validate.Range(min=1, max=500),
        metadata={"description": "At least this many people"},
    )


class AvailabilityQuery(ma.Schema):
    neighbourhood = _slug(metadata={"description": "A neighbourhood's slug"})
    building = identifier(metadata={"description": "A building's id"})
    space = identifier(metadata={"description": "A space's id"})
    date = Day(required=True, metadata={"description": "The Europe/London calendar day"})
    from_ = LocalTime(data_key="from", metadata={"description": "Only free time after this"})
    to = LocalTime(metadata={"description": "Only free time before this"})
    kind = _enum(SpaceKind)

    @ma.validates_schema
    def one_place_and_a_period(self, data: dict[str, Any], **_kwargs: Any) -> None:
        given = [name for name in ("neighbourhood", "building", "space") if name in data]
        if len(given) != 1:
            raise ma.ValidationError("Give exactly one of neighbourhood, building or space.")
        if "from_" in data and "to" in data and data["from_"] >= data["to"]:
            raise ma.ValidationError("The to time must be after the from time.", "to")


class BookingsQuery(ma.Schema):
    from_ = LondonDateTime(
        data_key="from",
        metadata={"description": "Only bookings ending after this (default: now)"},
    )
    to = LondonDateTime(metadata={"description": "Only bookings starting before this"})
    status = _enum(BookingStatus)
    limit = ma.fields.Integer(
        load_default=100,
        validate=ma.validate.Range(min=1, max=500),
        metadata={"description": "At most this many, earliest first"},
    )


def _attendees(**kwargs: Any) -> ma.fields.List[Any]:
    return ma.fields.List(
        Text(validate=ma.validate.Length(max=254)),
        validate=ma.validate.Length(max=MAX_ATTENDEES),
        metadata={"description": "Email addresses of people to invite (rooms only)"},
        **kwargs,
    )


class NewBookingSchema(ma.Schema):
    space_id = identifier(required=True, strict=True)
    start = LondonDateTime(required=True)
    end = LondonDateTime(required=True)
    title = Text(load_default="", validate=ma.validate.Length(max=TITLE_MAX_LENGTH))
    attendees = _attendees(load_default=list)


class BookingChangeSchema(ma.Schema):
    """Any of a booking's space, times, title and attendees; what is left out stays as it is."""

    space_id = identifier(strict=True)
    start = LondonDateTime()
    end = LondonDateTime()
    title = Text(validate=ma.validate.Length(max=TITLE_MAX_LENGTH))
    attendees = _attendees()

    @ma.validates_schema
    def something_to_change(self, data: dict[str, Any], **_kwargs: Any) -> None:
        if not data:
            raise ma.ValidationError("Give at least one of space_id, start, end, title, attendees.")


class _JsonBoolean(ma.fields.Boolean):
    """JSON true or false, nothing else (marshmallow's Boolean also takes 1, "yes", "on"…)."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> bool:
        if not isinstance(value, bool):
            raise self.make_error("invalid", input=value)
        return value


class PersonChangeSchema(ma.Schema):
    invites_enabled = _JsonBoolean(
        required=True,
        metadata={"description": "Whether to email your bookings to you as calendar invites"},
    )


class CancelQuery(ma.Schema):
    reason = Text(
        load_default="",
        validate=ma.validate.Length(max=REASON_MAX_LENGTH),
        metadata={"description": "Why (required when you cancel someone else's booking)"},
    )


# Feedback on a booking (`booking.api.bookings`).

RATING_WORDS = {rating.label.lower(): rating for rating in Rating}
"""The ratings as the API spells them: "good", "ok", "poor"."""


class NewRatingSchema(ma.Schema):
    rating = ma.fields.String(
        required=True,
        validate=ma.validate.OneOf(list(RATING_WORDS)),
        metadata={"description": "How the space was: good, ok or poor"},
    )


class RatingSchema(ma.Schema):
    booking_id = ma.fields.Integer(required=True)
    rating = ma.fields.Function(
        lambda rated: Rating(rated.rating).label.lower(),
        required=True,
        metadata={"type": "string", "enum": list(RATING_WORDS)},
    )
    rated_at = Instant(attribute="updated_at", required=True)


class NewProblemSchema(ma.Schema):
    category = _enum(ProblemCategory, required=True)
    comment = Text(
        load_default="",
        validate=ma.validate.Length(max=COMMENT_MAX_LENGTH),
        metadata={"description": "What is wrong (required when the category is other)"},
    )


class ProblemReportSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    booking_id = ma.fields.Integer(required=True)
    category = _enum(ProblemCategory, required=True)
    comment = ma.fields.String(required=True)
    status = _enum(ProblemStatus, required=True)
    reported_at = Instant(attribute="created_at", required=True)
    fixed_at = Instant(required=True, allow_none=True)
    fix_note = ma.fields.String(
        required=True, metadata={"description": "What the building's managers did about it"}
    )
