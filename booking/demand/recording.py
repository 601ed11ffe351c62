"""Recording, from a search page or the API, that a search found no free space."""

from __future__ import annotations

import logging

from flask import current_app
from sqlalchemy.orm import Session, sessionmaker

from booking.bookings.search import Criteria
from booking.demand import services
from booking.demand.models import SearchSource
from booking.demand.services import Wanted
from booking.timezones import now, to_local

log = logging.getLogger(__name__)


def wanted_by(criteria: Criteria) -> Wanted:
    """What a "Find a space" search asked for, in UK time (where the person is is dropped)."""
    starts = ends = None
    if criteria.starts_at is not None and criteria.ends_at is not None:
        starts, ends = to_local(criteria.starts_at).time(), to_local(criteria.ends_at).time()
    elif criteria.now:
        starts = to_local(now()).time().replace(second=0, microsecond=0)
    return Wanted(
        neighbourhood_id=criteria.neighbourhood.id,
        day=criteria.day,
        starts=starts,
        ends=ends,
        kind=criteria.kind,
        min_capacity=criteria.min_capacity,
        facilities=frozenset(criteria.facilities),
        source=SearchSource.WEB,
    )


def record_unmet(search: Wanted) -> None:
    """Record `search` as one that found nothing, in a short write transaction of its own.

    Searches are GET requests, whose session only reads (`booking.db.session`): on SQLite a
    read transaction that later writes fails if another connection has written meanwhile, so
    the row is written, and committed, by a session of its own, as the API does for a token's
    use. Recording is a by-product of searching: if it fails, the failure is logged and the
    person still gets their results.
    """
    factory: sessionmaker[Session] = current_app.extensions["booking.write_sessions"]
    try:
        with factory() as session, session.begin():
            services.record(session, search, now=now())
    except Exception:  # anything at all: the search must not fail because of it
        log.exception("Could not record a search that found no free space")
