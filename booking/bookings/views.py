"""The booking pages: one blueprint, `bookings`, made of one child blueprint per area.

Endpoints read `bookings.find.<view>`, `bookings.mine.<view>`, `bookings.series.<view>` and
`bookings.checkin.<view>`.
"""

from flask import Blueprint

from booking.bookings import checkin_views, find_views, mine_views, series_views

bp = Blueprint("bookings", __name__)
for area in (find_views, mine_views, series_views, checkin_views):
    bp.register_blueprint(area.bp)
