"""Placeholder blueprint, filled in by the booking issue's find pages."""

from flask import Blueprint

bp = Blueprint("find", __name__)
