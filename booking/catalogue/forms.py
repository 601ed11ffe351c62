"""The catalogue's GET filter forms (plain WTForms: a search changes nothing, so no CSRF token).

Choices are `SelectChoice`s (WTForms 3.3 deprecates tuples) and are rendered from
`field.iter_choices()` by `partials/catalogue_macros.html`.
"""

from __future__ import annotations

from wtforms import Form, SelectChoice, SelectMultipleField

from booking.catalogue.models import Facility, SpaceKind
from booking.catalogue.queries import ACCESSIBILITY, FACILITIES


class FacilityFilters(Form):  # type: ignore[misc]
    """The facilities and accessibility a search asks for (every chosen one must be there)."""

    facility = SelectMultipleField(
        "Facilities",
        choices=[SelectChoice(f.value, f.label) for f in FACILITIES],
        coerce=Facility,
        invalid_value_message="Select facilities from the list",
        invalid_choice_message="Select facilities from the list",
    )
    accessibility = SelectMultipleField(
        "Accessibility",
        choices=[SelectChoice(f.value, f.label) for f in ACCESSIBILITY],
        coerce=Facility,
        invalid_value_message="Select accessibility needs from the list",
        invalid_choice_message="Select accessibility needs from the list",
    )


class BuildingFilterForm(FacilityFilters):
    """Narrow a neighbourhood's buildings: every chosen facility, and each chosen kind of space."""

    kind = SelectMultipleField(
        "Type of space",
        choices=[SelectChoice(k.value, k.label) for k in SpaceKind],
        coerce=SpaceKind,
        invalid_value_message="Select types of space from the list",
        invalid_choice_message="Select types of space from the list",
    )

    @property
    def facilities(self) -> list[Facility]:
        """The facilities and accessibility chosen (valid ones only)."""
        chosen: list[Facility] = []
        for field in (self.facility, self.accessibility):
            if not field.errors:
                chosen += field.data or []
        return chosen

    @property
    def kinds(self) -> list[SpaceKind]:
        return [] if self.kind.errors else list(self.kind.data or [])

    @property
    def active(self) -> bool:
        """Whether any filter is chosen (the filter panel then starts open)."""
        return bool(self.facilities or self.kinds or self.errors)
