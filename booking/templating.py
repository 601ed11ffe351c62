"""Template filters and globals shared by every page."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from flask import Flask, request, url_for
from flask_login import current_user

from booking.permissions import Permission, can
from booking.reports.scope import sees_reports
from booking.timezones import to_local

WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def format_datetime(moment: datetime | None) -> str:
    """ "Tuesday 3 March 2026, 9:30am" in Europe/London."""
    if moment is None:
        return ""
    local = to_local(moment)
    return f"{local:%A} {local.day} {local:%B %Y}, {format_time(local.time())}"


def format_date(day: date | datetime | None) -> str:
    if day is None:
        return ""
    if isinstance(day, datetime):
        day = to_local(day).date()
    return f"{day:%A} {day.day} {day:%B %Y}"


def format_time(at: time | None) -> str:
    """GOV.UK style: 9am, 9:30am, 12pm (midday), 5:15pm."""
    if at is None:
        return ""
    if at == time(12):
        return "12pm (midday)"
    if at == time(0):
        return "12am (midnight)"
    hour = at.hour % 12 or 12
    suffix = "am" if at.hour < 12 else "pm"
    return f"{hour}{suffix}" if at.minute == 0 else f"{hour}:{at.minute:02d}{suffix}"


def navigation() -> list[dict[str, Any]]:
    """The service navigation items this person can use, the current one marked active."""
    if not current_user.is_authenticated:
        return []
    items = [
        ("Find a space", "bookings.find.search", "bookings.find."),
        ("Your bookings", "bookings.mine.index", "bookings.mine."),
        ("Buildings", "catalogue.neighbourhoods", "catalogue."),
    ]
    if can(current_user, Permission.USE_ESTATES):
        items.append(("Estates", "estates.dashboard", "estates."))
    if sees_reports(current_user):
        items.append(("Reports", "reports.usage", "reports."))
    if can(current_user, Permission.MANAGE_PEOPLE):
        items.append(("Admin", "admin.dashboard", "admin."))
    items.append(("Your account", "accounts.account", "accounts.account"))
    endpoint = request.endpoint or ""
    return [
        {"text": text, "href": url_for(target), "active": endpoint.startswith(prefix)}
        for text, target, prefix in items
    ]


def init_app(app: Flask) -> None:
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.jinja_env.filters.update(datetime=format_datetime, date=format_date, time=format_time)
    app.jinja_env.globals.update(
        service_name="Shared Spaces",
        can=can,
        Permission=Permission,
        navigation=navigation,
        WEEKDAYS=WEEKDAYS,
    )
