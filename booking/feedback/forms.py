"""The feedback forms: one-tap rating, reporting a problem, marking one fixed.

They check what was typed; `booking.feedback.services` checks the rules. A `FeedbackError`
names the field it is about ("comment", "note"), which is why the fields carry those names.
"""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import Field, HiddenField, RadioField, SelectChoice, TextAreaField
from wtforms.validators import AnyOf, InputRequired, Length

from booking.feedback.models import ProblemCategory, Rating
from booking.feedback.services import COMMENT_MAX_LENGTH, NOTE_MAX_LENGTH, FeedbackError

BACK_TO_LIST = "bookings"
"""`RatingForm.back` when the button was pressed on the My bookings list."""


class FeedbackForm(FlaskForm):  # type: ignore[misc]
    """A form that can show a feedback rule's error beside the field it is about."""

    def show(self, error: FeedbackError) -> None:
        field: Field | None = getattr(self, error.field, None) if error.field else None
        if field is None:
            self.form_errors.append(error.message)
        else:
            field.errors = [*field.errors, error.message]


class RatingForm(FeedbackForm):
    """One of the three rating buttons: each is a form of its own with its rating hidden."""

    rating = HiddenField(validators=[AnyOf([str(r.value) for r in Rating])])
    back = HiddenField()

    @property
    def chosen(self) -> Rating:
        return Rating(int(self.rating.data))


class ProblemForm(FeedbackForm):
    category = RadioField(
        "What is the problem with?",
        choices=[SelectChoice(c.value, c.label) for c in ProblemCategory],
        validators=[InputRequired("Select what the problem is with")],
        invalid_choice_message="Select what the problem is with",
    )
    comment = TextAreaField(
        "Tell the building's managers what is wrong",
        description="For example, which desk or room, and what happened. "
        "Needed if you chose something else.",
        validators=[
            Length(
                max=COMMENT_MAX_LENGTH,
                message=f"The description must be {COMMENT_MAX_LENGTH} characters or fewer",
            )
        ],
    )


class FixForm(FeedbackForm):
    note = TextAreaField(
        "What was done (optional)",
        description="The person who reported the problem reads this.",
        validators=[
            Length(
                max=NOTE_MAX_LENGTH,
                message=f"The note must be {NOTE_MAX_LENGTH} characters or fewer",
            )
        ],
    )
