"""Where people find their feeds: the account page, a building's feeds page, the API; resets."""

from __future__ import annotations

import html
import re
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from booking.accounts.models import Person
from booking.audit.models import AuditEntry
from booking.calendar import feeds
from booking.calendar.models import CalendarFeed
from booking.catalogue.models import Building, Space, SpaceKind
from tests.factories import Factory

SignIn = Callable[[Person], FlaskClient]
FEED_LINK = re.compile(r"http://localhost/calendar/feeds/([A-Za-z0-9_-]{43})\.ics")


@pytest.fixture
def library(factory: Factory) -> Building:
    return factory.building(name="Reddish Library")


@pytest.fixture
def room(factory: Factory, library: Building) -> Space:
    return factory.space(library, name="Room 2", kind=SpaceKind.MEETING_ROOM)


@pytest.fixture
def person(factory: Factory) -> Person:
    return factory.person()


def text(page: str) -> str:
    """The page's words with tags removed and white space collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def feed_of(db_session: Session, token: str) -> CalendarFeed:
    feed = db_session.scalar(select(CalendarFeed).where(CalendarFeed.token == token))
    assert feed is not None
    return feed


def test_the_account_page_gives_the_feed_as_https_and_webcal_links_with_instructions(
    app: Flask, sign_in: SignIn, person: Person, db_session: Session
) -> None:
    page = sign_in(person).get("/account").text

    token = feeds.personal_feed(db_session, person).token
    https = f"http://localhost/calendar/feeds/{token}.ics"  # BASE_URL is http in tests
    assert f'value="{https}"' in page
    assert "readonly" in page
    assert f'href="webcal://localhost/calendar/feeds/{token}.ics"' in page
    words = text(page)
    for expected in (
        "Your calendar feed",
        "Outlook on the web",
        "Subscribe from web",
        "From Internet",
        "Outlook on a phone",
        "Outlook checks subscribed calendars only every few hours",
        "Calendar invites by email arrive at once",
        "Reset link",
    ):
        assert expected in words


def test_the_account_page_shows_the_same_link_every_time(sign_in: SignIn, person: Person) -> None:
    client = sign_in(person)

    first = FEED_LINK.findall(client.get("/account").text)
    again = FEED_LINK.findall(client.get("/account").text)

    assert first == again and len(set(first)) == 1


def test_resetting_asks_first_then_the_old_link_stops_at_once(
    app: Flask, sign_in: SignIn, person: Person, db_session: Session
) -> None:
    client = sign_in(person)
    old = feeds.personal_feed(db_session, person)
    reset = f"/account/calendar-feeds/{old.id}/reset"
    assert f'href="{reset}"' in client.get("/account").text

    question = client.get(reset)
    assert question.status_code == 200
    assert "The old link stops working at once" in text(question.text)
    assert client.get(f"/calendar/feeds/{old.token}.ics").status_code == 200

    done = client.post(reset)

    assert done.status_code == 302 and done.headers["Location"] == "/account#calendar-feed"
    assert client.get(f"/calendar/feeds/{old.token}.ics").status_code == 404
    [new_token] = set(FEED_LINK.findall(client.get("/account").text))
    assert new_token != old.token
    assert client.get(f"/calendar/feeds/{new_token}.ics").status_code == 200
    [entry] = db_session.scalars(
        select(AuditEntry).where(AuditEntry.action == "calendar_feed.reset")
    )
    assert entry.actor_id == person.id
    assert old.token not in entry.summary and new_token not in entry.summary


def test_nobody_can_reset_someone_elses_feed(
    app: Flask, sign_in: SignIn, person: Person, factory: Factory, db_session: Session
) -> None:
    theirs = feeds.personal_feed(db_session, factory.person())
    client = sign_in(person)

    assert client.get(f"/account/calendar-feeds/{theirs.id}/reset").status_code == 404
    assert client.post(f"/account/calendar-feeds/{theirs.id}/reset").status_code == 404
    assert client.get(f"/calendar/feeds/{theirs.token}.ics").status_code == 200


def test_the_api_gives_the_feed_links(
    app: Flask, client: FlaskClient, factory: Factory, person: Person, db_session: Session
) -> None:
    _, secret = factory.access_token(person)

    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"}).json
    assert me is not None

    token = feeds.personal_feed(db_session, person).token
    assert me["calendar_feed_url"] == f"http://localhost/calendar/feeds/{token}.ics"
    assert me["calendar_feed_webcal_url"] == f"webcal://localhost/calendar/feeds/{token}.ics"


@pytest.mark.parametrize("who", ["staff", "manager of another building", "neighbourhood lead"])
def test_only_the_buildings_managers_and_administrators_see_its_feeds(
    sign_in: SignIn, factory: Factory, library: Building, who: str
) -> None:
    people: dict[str, Callable[[], Person]] = {
        "staff": lambda: factory.person(),
        "manager of another building": lambda: factory.building_manager(factory.building()),
        "neighbourhood lead": lambda: factory.neighbourhood_lead(library.neighbourhood),
    }
    person = people[who]()

    response = sign_in(person).get(f"/estates/buildings/{library.id}/calendar-feeds")

    assert response.status_code == 403


@pytest.mark.parametrize("who", ["manager", "administrator"])
def test_a_buildings_managers_and_administrators_get_its_feed_and_each_spaces(
    sign_in: SignIn,
    factory: Factory,
    library: Building,
    room: Space,
    db_session: Session,
    who: str,
) -> None:
    desk = factory.space(library, name="Desk 4")
    factory.space(library, name="Old desk", active=False)
    person = factory.building_manager(library) if who == "manager" else factory.administrator()
    client = sign_in(person)
    assert (
        f'href="/estates/buildings/{library.id}/calendar-feeds"'
        in client.get(f"/estates/buildings/{library.id}").text
    )

    page = client.get(f"/estates/buildings/{library.id}/calendar-feeds").text

    words = text(page)
    assert "Subscribe to this building's bookings" in words
    assert "Subscribe to the bookings of Room 2" in words
    assert "Subscribe to the bookings of Desk 4" in words
    assert "Old desk" not in words
    subjects = {
        (feed.building_id, feed.space_id)
        for feed in (feed_of(db_session, token) for token in set(FEED_LINK.findall(page)))
    }
    assert subjects == {(library.id, None), (None, room.id), (None, desk.id)}
    again = client.get(f"/estates/buildings/{library.id}/calendar-feeds").text
    assert FEED_LINK.findall(again) == FEED_LINK.findall(page)


def test_a_managers_space_feed_can_be_reset_from_the_buildings_feeds_page(
    app: Flask,
    sign_in: SignIn,
    factory: Factory,
    library: Building,
    room: Space,
    db_session: Session,
) -> None:
    manager = factory.building_manager(library)
    client = sign_in(manager)
    [(_, old)] = feeds.building_feeds(db_session, manager, library).spaces
    page = client.get(f"/estates/buildings/{library.id}/calendar-feeds").text
    assert f'href="/account/calendar-feeds/{old.id}/reset"' in page

    done = client.post(f"/account/calendar-feeds/{old.id}/reset")

    assert done.headers["Location"] == f"/estates/buildings/{library.id}/calendar-feeds"
    assert client.get(f"/calendar/feeds/{old.token}.ics").status_code == 404
    [(_, new)] = feeds.building_feeds(db_session, manager, library).spaces
    assert new.token != old.token and new.space_id == room.id
