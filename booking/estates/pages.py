"""What every estates view does: find the thing or 404, check the grant or 403, answer."""

from __future__ import annotations

from typing import Any, cast

from flask import abort, render_template
from flask_login import current_user

from booking import db
from booking.accounts.models import Person
from booking.catalogue.models import Building, Closure, Space
from booking.catalogue.services import closure_building
from booking.estates import queries
from booking.estates.forms import EstatesForm
from booking.permissions import Permission, require


def actor() -> Person:
    """The signed-in person (the real object, not Flask-Login's proxy, for the services)."""
    return cast(Person, current_user._get_current_object())


def managed_building(building_id: int) -> Building:
    building = queries.building_for_page(db.session(), building_id)
    if building is None:
        abort(404)
    require(current_user, Permission.MANAGE_BUILDING, building)
    return building


def managed_space(space_id: int) -> Space:
    space = db.session().get(Space, space_id)
    if space is None:
        abort(404)
    require(current_user, Permission.MANAGE_BUILDING, space.building)
    return space


def managed_closure(closure_id: int) -> Closure:
    closure = db.session().get(Closure, closure_id)
    if closure is None:
        abort(404)
    require(current_user, Permission.MANAGE_BUILDING, closure_building(closure))
    return closure


def form_page(template: str, form: EstatesForm, **context: Any) -> tuple[str, int]:
    """A page with a form: 422 when the form has errors, so the request's work is rolled back."""
    status = 422 if form.errors else 200
    return render_template(template, form=form, **context), status


def confirm_page(
    title: str, caption: str, paragraphs: list[str], button: str, back: str, warning: bool = False
) -> str:
    """The page that asks "are you sure?" before a deactivation, deletion or removal.

    Its form carries only the CSRF token, which `CSRFProtect` checks on every POST.
    """
    return render_template(
        "layouts/confirm.html",
        title=title,
        caption=caption,
        paragraphs=paragraphs,
        button=button,
        back=back,
        warning=warning,
    )


def and_list(items: list[str]) -> str:
    """ "spaces, closures and building managers"."""
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"
