"""What the booking service says when a booking cannot be made or changed."""

from __future__ import annotations


class BookingError(ValueError):
    """A booking rule is broken; the message says which, in the user's words (422 in the API)."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class SpaceTaken(BookingError):
    """Someone else holds the space for some of that time (409 in the API).

    Raised both when the service's own check sees the other booking and when the database's
    constraint refuses a booking made at the same moment ("just taken").
    """

    def __init__(self, space_name: str) -> None:
        super().__init__(f"Sorry, {space_name} has just been booked for some of that time.")


class DeskAlreadyHeld(BookingError):
    def __init__(self) -> None:
        super().__init__(
            "You already have a desk booked for some of that time. "
            "Change or cancel that booking first.",
        )


class NotYours(BookingError):
    """The booking belongs to someone else (shown as 404: its existence is not revealed)."""

    def __init__(self) -> None:
        super().__init__("Booking not found")
