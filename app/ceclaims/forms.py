"""Forms on the CE approval pages."""

from __future__ import annotations

from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length

from app.ceclaims.services import REASON_MAX_LENGTH
from app.forms import WebForm


class ApproveForm(WebForm):
    """Approve a requested claim (the CSRF token is the whole form)."""


class DeclineForm(WebForm):
    """Decline a requested claim with a reason the instructor reads."""

    reason = TextAreaField(
        "Reason for the instructor",
        validators=[
            DataRequired("Give the instructor a reason for declining."),
            Length(max=REASON_MAX_LENGTH, message="Keep the reason under 2000 characters."),
        ],
    )
