"""Every permission, named once. Views and services ask `can(person, Permission.X, thing)`."""

from __future__ import annotations

import enum
import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from flask import current_app
from flask_login import current_user
from werkzeug.exceptions import Forbidden

if TYPE_CHECKING:
    from booking.accounts.models import Person
    from booking.catalogue.models import Building, Neighbourhood

F = TypeVar("F", bound=Callable[..., Any])


class Permission(enum.Enum):
    USE_ESTATES = "use_estates"
    """See the estates pages at all: building managers and administrators."""
    CREATE_BUILDING = "create_building"
    """Add a building: administrators, and building managers (who then manage it)."""
    MANAGE_BUILDING = "manage_building"
    """Edit a building, its hours, spaces and closures; needs the building."""
    IMPORT_CATALOGUE = "import_catalogue"
    """Import buildings and spaces from CSV (rows are still checked one by one)."""
    LEAD_NEIGHBOURHOOD = "lead_neighbourhood"
    """A neighbourhood lead's view of one neighbourhood; needs the neighbourhood."""
    MANAGE_ORGANISATIONS = "manage_organisations"
    MANAGE_PEOPLE = "manage_people"
    READ_AUDIT_LOG = "read_audit_log"


_ADMINISTRATOR_ONLY = {
    Permission.MANAGE_ORGANISATIONS,
    Permission.MANAGE_PEOPLE,
    Permission.READ_AUDIT_LOG,
}


def can(
    person: Person | None,
    permission: Permission,
    thing: Building | Neighbourhood | None = None,
) -> bool:
    """Whether `person` holds `permission` (over `thing`, for the scoped ones)."""
    if person is None or not getattr(person, "is_authenticated", False) or not person.is_active:
        return False
    if person.is_administrator:
        return True
    if permission in _ADMINISTRATOR_ONLY:
        return False
    if permission in {
        Permission.USE_ESTATES,
        Permission.CREATE_BUILDING,
        Permission.IMPORT_CATALOGUE,
    }:
        return bool(person.managed_building_ids())
    if permission is Permission.MANAGE_BUILDING:
        return thing is not None and thing.id in person.managed_building_ids()
    if permission is Permission.LEAD_NEIGHBOURHOOD:
        return thing is not None and thing.id in person.led_neighbourhood_ids()
    return False


def require(
    person: Person | None,
    permission: Permission,
    thing: Building | Neighbourhood | None = None,
) -> None:
    """Refuse the request with 403 unless `person` holds `permission`."""
    if not can(person, permission, thing):
        raise Forbidden("You do not have permission to do that.")


def permission_required(permission: Permission) -> Callable[[F], F]:
    """A view decorator for the unscoped permissions: sign-in first, then 403 without it."""

    def decorator(view: F) -> F:
        @functools.wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return current_app.login_manager.unauthorized()  # type: ignore[attr-defined]
            require(current_user, permission)
            return view(*args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator
