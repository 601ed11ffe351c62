"""Every model, imported once so `Base.metadata` is complete (for Alembic and the tests)."""

from booking.accounts.models import AccessToken, Person, Role, RoleGrant
from booking.audit.models import AuditEntry
from booking.bookings.models import (
    Booking,
    BookingAttendee,
    BookingSeries,
    BookingStatus,
    Frequency,
)
from booking.calendar.models import CalendarFeed
from booking.catalogue.imports import CatalogueImport, ImportStatus
from booking.catalogue.models import (
    BankHoliday,
    Building,
    BuildingAccess,
    Closure,
    Facility,
    Neighbourhood,
    OpeningHours,
    Organisation,
    OrganisationDomain,
    OrganisationType,
    Space,
    SpaceKind,
)
from booking.db import Base
from booking.demand.models import SearchSource, TimeOfDay, UnmetSearch
from booking.feedback.models import (
    ProblemCategory,
    ProblemReport,
    ProblemStatus,
    Rating,
    SpaceRating,
)
from booking.mail.models import OutboxMessage, OutboxStatus

__all__ = [
    "AccessToken",
    "AuditEntry",
    "BankHoliday",
    "Base",
    "Booking",
    "BookingAttendee",
    "BookingSeries",
    "BookingStatus",
    "Building",
    "BuildingAccess",
    "CalendarFeed",
    "CatalogueImport",
    "Closure",
    "Facility",
    "Frequency",
    "ImportStatus",
    "Neighbourhood",
    "OpeningHours",
    "Organisation",
    "OrganisationDomain",
    "OrganisationType",
    "OutboxMessage",
    "OutboxStatus",
    "Person",
    "ProblemCategory",
    "ProblemReport",
    "ProblemStatus",
    "Rating",
    "Role",
    "RoleGrant",
    "SearchSource",
    "Space",
    "SpaceKind",
    "SpaceRating",
    "TimeOfDay",
    "UnmetSearch",
]
