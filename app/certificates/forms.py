"""Forms for attesting, revoking, correcting, and checking a credential."""

from __future__ import annotations

from flask_wtf.file import FileAllowed, FileField, FileSize
from wtforms import BooleanField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from app.accounts.forms import ProfileFields
from app.forms import WebForm

MAX_CREDENTIAL_BYTES = 64 * 1024


class AttestationForm(WebForm):
    """The learner's attestation, required before the certificate."""

    attest = BooleanField(
        "I attest that I completed this activity in full.",
        validators=[DataRequired("Tick the box to attest that you completed the activity.")],
    )


class RevokeForm(WebForm):
    """Revoke a certificate, saying why."""

    reason = TextAreaField(
        "Reason for revoking",
        validators=[
            DataRequired("Give the reason for revoking this certificate."),
            Length(max=1000),
        ],
        description="Kept in the audit log and shown on the verification page as revoked.",
    )


class CredentialCheckForm(WebForm):
    """Paste or upload an Open Badges credential to check its signature."""

    credential = TextAreaField(
        "Paste the credential (JSON)", validators=[Optional(), Length(max=MAX_CREDENTIAL_BYTES)]
    )
    upload = FileField(
        "Or upload the .json file",
        validators=[
            FileAllowed(["json"], "Upload a .json file."),
            FileSize(MAX_CREDENTIAL_BYTES, message="That file is too large to be a credential."),
        ],
    )


class CorrectionForm(ProfileFields):
    """A learner's request to correct the details printed on a certificate."""

    reason = TextAreaField(
        "Why does the certificate need correcting?",
        validators=[DataRequired("Say why the certificate needs correcting."), Length(max=1000)],
        description="For example: a misspelt name, a new license number, a legal name change.",
    )


class ReviewForm(WebForm):
    """An administrator's decision on a correction request."""

    note = TextAreaField(
        "Note to the learner",
        validators=[Length(max=1000)],
        description="Required to decline; the learner reads it on their certificate page.",
    )
