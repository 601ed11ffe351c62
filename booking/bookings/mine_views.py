"""Placeholder blueprint, filled in by the booking issue's mine pages."""

from flask import Blueprint

bp = Blueprint("mine", __name__)
