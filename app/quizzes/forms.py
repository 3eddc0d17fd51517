"""The course team's accommodation form."""

from __future__ import annotations

from wtforms import DecimalField, EmailField, IntegerField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from app.forms import WebForm


class AccommodationForm(WebForm):
    """Extra time and attempts for one enrolled learner, with the reason."""

    email = EmailField(
        "Learner's email",
        validators=[DataRequired("Enter the learner's email."), Length(max=254)],
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )
    time_multiplier = DecimalField(
        "Extra time (multiplier)",
        description="1 is no extra time; 1.5 is time and a half; 2 is double time (up to 4).",
        places=2,
        validators=[
            InputRequired("Enter a multiplier from 1 to 4."),
            NumberRange(min=1, max=4, message="Enter a multiplier from 1 to 4."),
        ],
        default=1,
    )
    extra_attempts = IntegerField(
        "Extra attempts at each quiz",
        validators=[
            InputRequired("Enter a number of extra attempts from 0 to 10."),
            NumberRange(min=0, max=10, message="Enter a number of extra attempts from 0 to 10."),
        ],
        default=0,
    )
    reason = TextAreaField(
        "Reason",
        description="Kept in the audit log. Name the arrangement, not a diagnosis.",
        validators=[
            DataRequired("Please give the reason."),
            Length(max=500, message="Please keep the reason to 500 characters."),
        ],
        render_kw={"rows": 3},
    )
