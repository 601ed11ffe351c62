"""Placeholder blueprint, filled in by the booking issue's series pages."""

from flask import Blueprint

bp = Blueprint("series", __name__)
