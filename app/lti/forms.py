"""The administrator's platform registration form."""

from __future__ import annotations

from wtforms import StringField, TextAreaField
from wtforms.validators import URL, DataRequired, Length

from app.forms import WebForm


class PlatformForm(WebForm):
    """Register an LMS: what its LTI 1.3 registration page shows."""

    name = StringField(
        "Name",
        validators=[Length(max=120)],
        description="For your own list, e.g. 'Hospital Moodle'.",
    )
    issuer = StringField("Issuer (Platform ID)", validators=[DataRequired(), Length(max=300)])
    client_id = StringField("Client ID", validators=[DataRequired(), Length(max=200)])
    deployment_ids = TextAreaField(
        "Deployment IDs",
        validators=[DataRequired(), Length(max=2000)],
        description="One a line: launches naming any other deployment are refused.",
    )
    auth_url = StringField(
        "Authentication request URL",
        validators=[DataRequired(), URL(require_tld=False), Length(max=500)],
    )
    token_url = StringField(
        "Access token URL", validators=[DataRequired(), URL(require_tld=False), Length(max=500)]
    )
    frame_origins = TextAreaField(
        "Other addresses that show Groundwork in a frame",
        validators=[Length(max=1000)],
        description=(
            "One origin a line (https://school.instructure.com), where learners see the "
            "platform if that is not its issuer's address. Only these may frame Groundwork."
        ),
    )
    jwks_url = StringField(
        "Public keyset URL", validators=[DataRequired(), URL(require_tld=False), Length(max=500)]
    )


class ConfirmForm(WebForm):
    """A button that carries only its CSRF token (remove a platform, rotate the key)."""
