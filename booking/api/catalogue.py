"""The catalogue and when it is free: neighbourhoods, buildings, spaces, availability.

Only active buildings and spaces are listed. A building restricted to other organisations is
listed with `bookable: false`, as the web pages show it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time
from typing import Any

from flask import Response, jsonify
from sqlalchemy import ColumnElement, Select, select
from sqlalchemy.orm import joinedload, selectinload

from booking import db
from booking.accounts.models import Person
from booking.api.auth import current_person
from booking.api.framework import Blueprint
from booking.api.problems import Problem
from booking.api.schemas import (
    AvailabilityQuery,
    AvailabilitySchema,
    BuildingSchema,
    BuildingsQuery,
    NeighbourhoodSchema,
    SpaceSchema,
    SpacesQuery,
    space_is_bookable,
)
from booking.bookings.availability import SpaceDay, Window, day_availability
from booking.catalogue.models import Building, Facility, Neighbourhood, Space
from booking.timezones import NonexistentLocalTime, local_to_utc, now, to_local

bp = Blueprint("catalogue", __name__, description="Neighbourhoods, buildings and spaces")
TAGS = ["Catalogue"]

_BUILDING_LOADS = (
    joinedload(Building.neighbourhood),
    joinedload(Building.owner),
    selectinload(Building.opening_hours),
    selectinload(Building.allowed_organisations),
)


def _building_filters(args: dict[str, Any]) -> list[ColumnElement[bool]]:
    filters: list[ColumnElement[bool]] = [Building.active.is_(True)]
    if "neighbourhood" in args:
        filters.append(Neighbourhood.slug == args["neighbourhood"])
    facilities: list[Facility] = args.get("facilities", [])
    filters += [getattr(Building, facility.column).is_(True) for facility in facilities]
    return filters


@bp.route("/neighbourhoods", tags=TAGS)
@bp.response(200, NeighbourhoodSchema(many=True))
def neighbourhoods() -> Sequence[Neighbourhood]:
    """Stockport's neighbourhoods, by name"""
    return db.session().scalars(select(Neighbourhood).order_by(Neighbourhood.name)).all()


@bp.route("/buildings", tags=TAGS)
@bp.arguments(BuildingsQuery, location="query")
@bp.response(200, BuildingSchema(many=True))
def buildings(args: dict[str, Any]) -> Sequence[Building]:
    """Active buildings, by name"""
    query = (
        select(Building)
        .join(Building.neighbourhood)
        .where(*_building_filters(args))
        .order_by(Building.name, Building.id)
        .options(*_BUILDING_LOADS)
    )
    return db.session().scalars(query).unique().all()


def _spaces_query(args: dict[str, Any]) -> Select[Space]:
    query = (
        select(Space)
        .join(Space.building)
        .join(Building.neighbourhood)
        .where(Space.active, *_building_filters(args))
        .order_by(Building.name, Space.kind, Space.name, Space.id)
        .options(selectinload(Space.building).options(*_BUILDING_LOADS))
    )
    if "building" in args:
        query = query.where(Space.building_id == args["building"])
    if "space" in args:
        query = query.where(Space.id == args["space"])
    if "kind" in args:
        query = query.where(Space.kind == args["kind"])
    if "capacity" in args:
        query = query.where(Space.capacity >= args["capacity"])
    return query


@bp.route("/spaces", tags=TAGS)
@bp.arguments(SpacesQuery, location="query")
@bp.response(200, SpaceSchema(many=True))
def spaces(args: dict[str, Any]) -> Sequence[Space]:
    """Active spaces, by building"""
    return db.session().scalars(_spaces_query(args)).unique().all()


def _the_place_exists(args: dict[str, Any]) -> None:
    """404 when the neighbourhood, building or space asked about is not there (or inactive)."""
    session = db.session()
    if "neighbourhood" in args:
        found = session.scalar(
            select(Neighbourhood.id).where(Neighbourhood.slug == args["neighbourhood"])
        )
        what = "neighbourhood"
    elif "building" in args:
        found = session.scalar(
            select(Building.id).where(Building.id == args["building"], Building.active)
        )
        what = "building"
    else:
        found = session.scalar(
            select(Space.id)
            .join(Space.building)
            .where(Space.id == args["space"], Space.active, Building.active)
        )
        what = "space"
    if found is None:
        raise Problem(
            404, f"There is no {what} with that {'slug' if what == 'neighbourhood' else 'id'}."
        )


def _local(day: date, at: time, field: str) -> datetime:
    try:
        return local_to_utc(day, at)
    except NonexistentLocalTime as error:
        raise Problem(
            422, str(error), kind="invalid-request", errors={field: [str(error)]}
        ) from None


def _clip(windows: list[Window], start: datetime | None, end: datetime | None) -> list[Window]:
    if start is None and end is None:
        return windows
    clipped = [
        Window(
            max(w.starts_at, start) if start else w.starts_at,
            min(w.ends_at, end) if end else w.ends_at,
        )
        for w in windows
    ]
    return [w for w in clipped if w.starts_at < w.ends_at]


@bp.route("/availability", tags=TAGS)
@bp.arguments(AvailabilityQuery, location="query")
@bp.response(200, AvailabilitySchema)
def availability(args: dict[str, Any]) -> Response:
    """When spaces are free on one day

    Give exactly one of neighbourhood, building or space. Each space's free time is listed as
    [start, end) windows; with from and to (Europe/London times), only the part of each
    window between them.
    """
    _the_place_exists(args)
    day: date = args["date"]
    start = _local(day, args["from_"], "from") if "from_" in args else None
    end = _local(day, args["to"], "to") if "to" in args else None
    person = current_person()
    found = db.session().scalars(_spaces_query(args)).unique().all()
    days = day_availability(db.session(), found, day, now=now(), person=person)
    return jsonify(
        {
            "date": day.isoformat(),
            "spaces": [_space_day(days[s.id], person, start, end) for s in found],
        }
    )


def _space_day(
    space_day: SpaceDay, person: Person, start: datetime | None, end: datetime | None
) -> dict[str, Any]:
    """One space's day as `SpaceAvailabilitySchema` writes it.

    Written by hand because this is the API's hottest answer (a neighbourhood has hundreds of
    spaces) and marshmallow took half its time; the schema still documents it, and the
    schemathesis test checks every answer against the schema.
    """
    space, hours = space_day.space, space_day.hours
    building = space.building
    return {
        "space": {
            "id": space.id,
            "name": space.name,
            "kind": space.kind.value,
            "capacity": space.capacity,
            "equipment": space.equipment,
            "description": space.description,
            "accessible": space.accessible,
            "building": {"id": building.id, "name": building.name},
            "bookable": space_is_bookable(space),
        },
        "opening_hours": None
        if hours is None
        else {"opens": f"{hours.opens:%H:%M}", "closes": f"{hours.closes:%H:%M}"},
        "free": [
            {"start": to_local(w.starts_at).isoformat(), "end": to_local(w.ends_at).isoformat()}
            for w in _clip(space_day.free, start, end)
        ]
        if building.is_open_to(person)
        else [],
    }
