"""Forms of the token and client pages."""

from __future__ import annotations

from wtforms import IntegerField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange

from app.api.services import MAX_TOKEN_DAYS
from app.forms import WebForm

SCOPE_CHOICES = [SelectChoice("read", "Read only"), SelectChoice("read write", "Read and write")]


class TokenForm(WebForm):
    """A new personal access token."""

    name = StringField(
        "Name",
        validators=[DataRequired(), Length(max=80)],
        description="What the token is for, so you know which to revoke (for example, My CRM).",
    )
    scopes = SelectField("Access", choices=SCOPE_CHOICES, validate_choice=True)
    days = IntegerField(
        "Expires after (days)",
        default=90,
        validators=[DataRequired(), NumberRange(min=1, max=MAX_TOKEN_DAYS)],
        description=f"From 1 to {MAX_TOKEN_DAYS} days.",
    )


class ClientForm(WebForm):
    """A new OAuth client for a provider's system."""

    name = StringField(
        "Name",
        validators=[DataRequired(), Length(max=80)],
        description="The system that will use it (for example, State board reporting).",
    )
    scopes = SelectField("Access", choices=SCOPE_CHOICES, validate_choice=True)


class RevokeForm(WebForm):
    """Revoke a token or a client: nothing to fill in but the CSRF token."""
