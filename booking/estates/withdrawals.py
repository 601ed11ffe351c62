"""The "are you sure?" page before a building or a space is deactivated (or deleted).

When deactivating would cancel bookings (see `booking.bookings.withdrawals`), the page lists
them and its form carries their ids, so that confirming cancels exactly those: a booking made in
the meantime brings the page back, listing it too.
"""

from __future__ import annotations

from collections.abc import Sequence

from flask import render_template, request

from booking.bookings.models import Booking
from booking.bookings.withdrawals import withdrawal_reason
from booking.bookings.wording import period
from booking.catalogue.models import Building, Space
from booking.estates.closures import bookings_phrase
from booking.estates.pages import confirm_page


def confirm_withdrawal(
    place: Building | Space,
    bookings: Sequence[Booking],
    *,
    title: str,
    caption: str,
    paragraphs: list[str],
    button: str,
    back: str,
) -> str:
    """The plain confirmation page or, when deactivating would cancel `bookings`, one listing them.

    `button` says what confirming does ("Deactivate space"). A POST that comes back here found
    bookings the manager had not been shown, so the page says the list has changed.
    """
    if not bookings:
        return confirm_page(title, caption, paragraphs, button, back, warning=True)
    phrase = bookings_phrase(bookings)
    return render_template(
        "estates/closure_confirm.html",
        building=place if isinstance(place, Building) else place.building,
        bookings=bookings,
        answers=[],
        confirmed=",".join(str(booking.id) for booking in bookings),
        asked_again=request.method == "POST",
        period=period,
        title=f"Deactivating {place.name} would cancel {phrase}",
        paragraphs=paragraphs,
        reason=withdrawal_reason(place),
        button=f"{button} and cancel {phrase}",
        back=back,
        back_text=f"Do not deactivate {place.name}",
    )
