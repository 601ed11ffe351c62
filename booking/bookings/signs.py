"""The printable check-in sign of a space: its QR code opens the space's check-in page.

The code holds an absolute link built from BASE_URL (the service's public address, as in
account emails), never from the request's Host header, so a sign printed from any address
opens the real service.
"""

from __future__ import annotations

import io

import segno

from booking.accounts.emails import external_url
from booking.catalogue.models import Space


def check_in_url(space: Space) -> str:
    return external_url("bookings.checkin.check_in", space_id=space.id)


def qr_code_svg(space: Space) -> bytes:
    """The QR code of the space's check-in link as an SVG document that scales to any size."""
    code = segno.make(check_in_url(space), error="m", micro=False)
    out = io.BytesIO()
    code.save(
        out,
        kind="svg",
        border=4,
        omitsize=True,
        dark="#0b0c0c",
        title=f"QR code to check in to {space.name}, {space.building.name}",
    )
    return out.getvalue()
