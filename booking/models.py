"""Every model, imported once so `Base.metadata` is complete (for Alembic and the tests)."""

from booking.accounts.models import Person, Role, RoleGrant
from booking.audit.models import AuditEntry
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

__all__ = [
    "AuditEntry",
    "BankHoliday",
    "Base",
    "Building",
    "BuildingAccess",
    "CatalogueImport",
    "Closure",
    "Facility",
    "ImportStatus",
    "Neighbourhood",
    "OpeningHours",
    "Organisation",
    "OrganisationDomain",
    "OrganisationType",
    "Person",
    "Role",
    "RoleGrant",
    "Space",
    "SpaceKind",
]
