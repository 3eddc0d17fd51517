"""Forms of the token and client pages."""

from __future__ import annotations

import secrets
from typing import Any

from wtforms import HiddenField, IntegerField, SelectField, SelectMultipleField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Regexp

from app.api.schemas import WEBHOOK_EVENTS
from app.api.services import MAX_TOKEN_DAYS
from app.forms import WebForm

#: What each webhook event means to the administrator choosing it.
EVENT_LABELS = {
    "course.completed": "A learner completes a course (course.completed)",
    "certificate.issued": "A certificate is issued or reissued after a correction "
    "(certificate.issued)",
    "certificate.revoked": "A certificate is revoked (certificate.revoked)",
}
SCOPE_CHOICES = [SelectChoice("read", "Read only"), SelectChoice("read write", "Read and write")]


class OneCredentialForm(WebForm):
    """A form that makes a credential, with a random key drawn when it is shown: posting
    the same form twice (a reload of the page that showed the secret) is recognised by
    the service and makes nothing new."""

    form_key = HiddenField(
        default=lambda: secrets.token_hex(16),
        validators=[
            Regexp(
                r"^[0-9a-f]{32}\Z",
                message="This form is out of date: reload the page and fill it in again.",
            )
        ],
    )

    def validate(self, extra_validators: Any = None) -> bool:
        """Validate; a missing or altered key is said above the form, not beside a field
        nobody can see."""
        valid = super().validate(extra_validators)
        if self.form_key.errors:
            self.form_errors.extend(self.form_key.errors)
            self.form_key.errors = []
        return valid


class TokenForm(OneCredentialForm):
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


class ClientForm(OneCredentialForm):
    """A new OAuth client for a provider's system."""

    name = StringField(
        "Name",
        validators=[DataRequired(), Length(max=80)],
        description="The system that will use it (for example, State board reporting).",
    )
    scopes = SelectField("Access", choices=SCOPE_CHOICES, validate_choice=True)


class RevokeForm(WebForm):
    """Revoke a token or a client: nothing to fill in but the CSRF token."""


class WebhookForm(WebForm):
    """A new webhook subscription: where to POST, and which events."""

    url = StringField(
        "Address (URL)",
        validators=[DataRequired(), Length(max=500)],
        description="An https:// address on the public internet that accepts POST requests, "
        "for example https://crm.example.org/groundwork/hooks.",
        render_kw={"inputmode": "url", "autocomplete": "off", "spellcheck": "false"},
    )
    events = SelectMultipleField(
        "Events to send",
        choices=[SelectChoice(event, EVENT_LABELS[event]) for event in WEBHOOK_EVENTS],
        validate_choice=True,
        invalid_choice_message="Choose events from the list shown.",
        validators=[DataRequired(message="Choose at least one event.")],
    )
