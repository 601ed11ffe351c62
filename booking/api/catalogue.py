"""The catalogue and when it is free: neighbourhoods, buildings, spaces, availability.

Only active buildings and spaces are listed. A building restricted to other organisations is
listed with `bookable: false`, as the web pages show it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time
from typing import Any

from flask import Response, current_app
from sqlalchemy import ColumnElement, Select, select
from sqlalchemy.orm import joinedload, selectinload

from booking import db
from booking.api.auth import current_person
from booking.api.availability_json import availability_json
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
from booking.bookings.availability import FreeTime, free_times
from booking.catalogue.models import Building, Facility, Neighbourhood, Space
from booking.catalogue.snapshot import SpaceCache
from booking.demand.models import SearchSource
from booking.demand.recording import record_unmet
from booking.demand.services import Wanted
from booking.timezones import NonexistentLocalTime, local_to_utc, now

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
    """The active spaces `args` ask for, by building, without loader options."""
    query = (
        select(Space)
        .join(Space.building)
        .join(Building.neighbourhood)
        .where(Space.active, *_building_filters(args))
        .order_by(Building.name, Space.kind, Space.name, Space.id)
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
    query = _spaces_query(args).options(selectinload(Space.building).options(*_BUILDING_LOADS))
    return db.session().scalars(query).unique().all()


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


@bp.route("/availability", tags=TAGS)
@bp.arguments(AvailabilityQuery, location="query")
@bp.response(200, AvailabilitySchema)
def availability(args: dict[str, Any]) -> Response:
    """When spaces are free on one day

    Give exactly one of neighbourhood, building or space. Each space's free time is listed as
    [start, end) windows; with from and to (Europe/London times), only the part of each
    window between them.
    """
    session = db.session()
    query = _spaces_query(args)
    found = _space_cache().spaces(session, query)
    if not found:
        _the_place_exists(args)
    day: date = args["date"]
    start = _local(day, args["from_"], "from") if "from_" in args else None
    end = _local(day, args["to"], "to") if "to" in args else None
    person = current_person()
    among = query.with_only_columns(Space.id).order_by(None)
    free = free_times(session, found, day, now=now(), person=person, among=among)
    if "neighbourhood" in args and not _anything_free(found, free, start, end):
        _record_unmet(args)
    return current_app.response_class(
        availability_json(day, found, free, person, start, end), mimetype="application/json"
    )


def _anything_free(
    spaces: Sequence[Space], free: dict[int, FreeTime], start: datetime | None, end: datetime | None
) -> bool:
    """Whether the asker could book any of `spaces` for some of [start, end) (or of the day)."""
    return any(
        (start is None or window.ends_at > start) and (end is None or window.starts_at < end)
        for space in spaces
        if space_is_bookable(space)
        for window in free[space.id].free
    )


def _record_unmet(args: dict[str, Any]) -> None:
    """Record a neighbourhood's availability that showed nothing free as unmet demand.

    Only a neighbourhood's: asking about one building or one space is looking at its diary,
    which a client program may do every few minutes, not searching for somewhere to work.
    """
    neighbourhood_id = db.session().scalar(
        select(Neighbourhood.id).where(Neighbourhood.slug == args["neighbourhood"])
    )
    assert neighbourhood_id is not None  # `_the_place_exists` or a space in it says so
    record_unmet(
        Wanted(
            neighbourhood_id=neighbourhood_id,
            day=args["date"],
            starts=args.get("from_"),
            ends=args.get("to"),
            kind=args.get("kind"),
            source=SearchSource.API,
        )
    )


def _space_cache() -> SpaceCache:
    """This app's cache of spaces (one per app, so per worker process)."""
    cache: SpaceCache | None = current_app.extensions.get("booking.space_cache")
    if cache is None:
        cache = current_app.extensions["booking.space_cache"] = SpaceCache(
            current_app.extensions["booking.sessions"]
        )
    return cache
