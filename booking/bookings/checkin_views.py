"""Placeholder blueprint, filled in by the booking issue's checkin pages."""

from flask import Blueprint

bp = Blueprint("checkin", __name__)
