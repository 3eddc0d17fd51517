"""Forms for signing up, signing in, profiles and passwords."""

from __future__ import annotations

from collections.abc import Callable, Collection

from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional, ValidationError

from app.accounts.models import LICENSE_STATES, PROFESSIONS
from app.accounts.services import MIN_PASSWORD_LENGTH
from app.forms import WebForm
from app.safetext import describe, hidden_characters


def strip(value: str | None) -> str | None:
    """Trim surrounding white space from text input."""
    return value.strip() if isinstance(value, str) else value


def _every_character_prints(text: str) -> Collection[str]:
    return ()


#: The characters of a text no certificate font prints. The fonts are the certificates'
#: (a domain above accounts), so it supplies this check when the app starts
#: (certificates.listeners.connect) instead of accounts importing it.
_unprintable: Callable[[str], Collection[str]] = _every_character_prints


def supply_unprintable_check(check: Callable[[str], Collection[str]]) -> None:
    """Set how ``printable`` finds the characters of a name no certificate can print."""
    global _unprintable
    _unprintable = check


def printable(_form: WebForm, field: StringField) -> None:
    """Refuse control, direction-override and invisible characters, and any no certificate prints.

    What sign-up accepts must print exactly on certificates and transcripts (issue 25), so a
    character none of the PDF fonts has is refused here rather than printed as a box later.
    """
    if not field.data:
        return
    hidden = hidden_characters(field.data)
    if hidden:
        raise ValidationError(
            "Use letters, numbers and punctuation only. Remove the control or "
            f"direction-override characters {describe(hidden)}."
        )
    missing = sorted(_unprintable(field.data))
    if missing:
        raise ValidationError(
            "These characters cannot be printed on a certificate: "
            + " ".join(missing)
            + ". Write your name in a script we print (Latin, Greek, Cyrillic, Arabic, "
            "Hebrew, Devanagari, Chinese, Japanese or Korean)."
        )


def _email_field() -> EmailField:
    return EmailField(
        "Email",
        filters=[strip],
        validators=[
            DataRequired("Enter your email address."),
            Length(max=254),
            Email("Enter an email address like name@example.com."),
        ],
        render_kw={"autocomplete": "email"},
    )


def _new_password_fields(label: str = "New password") -> tuple[PasswordField, PasswordField]:
    password = PasswordField(
        label,
        validators=[
            DataRequired("Choose a password."),
            Length(
                min=MIN_PASSWORD_LENGTH,
                max=128,
                message=f"Use at least {MIN_PASSWORD_LENGTH} characters (at most 128).",
            ),
        ],
        description=(
            f"At least {MIN_PASSWORD_LENGTH} characters. A short phrase of unrelated words works "
            "well; common passwords and ones made from your name or email are refused."
        ),
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        f"Repeat the {label.lower()}",
        validators=[
            DataRequired("Repeat the password."),
            EqualTo("password", message="The two passwords are not the same."),
        ],
        render_kw={"autocomplete": "new-password"},
    )
    return password, confirm


class ProfileFields(WebForm):
    """The professional details printed on certificates."""

    legal_name = StringField(
        "Legal name",
        filters=[strip],
        validators=[DataRequired("Enter your legal name."), Length(max=200), printable],
        description="Exactly as it should print on your certificates.",
        render_kw={"autocomplete": "name"},
    )
    profession = SelectField(
        "Profession",
        choices=[
            SelectChoice("", "Choose your profession"),
            *(SelectChoice(p, p) for p in PROFESSIONS),
        ],
        validators=[DataRequired("Choose your profession.")],
        validate_choice=True,
    )
    license_number = StringField(
        "License number",
        filters=[strip],
        validators=[Optional(), Length(max=60), printable],
        description="Printed on certificates where a licensing board asks for it.",
    )
    license_state = SelectField(
        "License state",
        choices=[
            SelectChoice("", "No license or not in the US"),
            *(SelectChoice(s, s) for s in LICENSE_STATES),
        ],
        validators=[Optional()],
    )


class SignUpForm(ProfileFields):
    """Create a learner account."""

    email = _email_field()
    password, confirm = _new_password_fields("Password")


class SignInForm(WebForm):
    """Sign in with email and password."""

    email = _email_field()
    password = PasswordField(
        "Password",
        validators=[DataRequired("Enter your password."), Length(max=128)],
        render_kw={"autocomplete": "current-password"},
    )
    remember = BooleanField("Keep me signed in on this device")


class ProfileForm(ProfileFields):
    """Edit one's professional details."""


class ChangePasswordForm(WebForm):
    """Change the password while signed in."""

    current = PasswordField(
        "Current password",
        validators=[DataRequired("Enter your current password."), Length(max=128)],
        render_kw={"autocomplete": "current-password"},
    )
    password, confirm = _new_password_fields()


class ForgotPasswordForm(WebForm):
    """Ask for a password reset link."""

    email = _email_field()


class ResendConfirmationForm(WebForm):
    """Ask for a new link to confirm the address."""

    email = _email_field()


class ResetPasswordForm(WebForm):
    """Choose a new password through a reset link."""

    password, confirm = _new_password_fields()


class DeleteAccountForm(WebForm):
    """Confirm deleting one's own account with the password."""

    password = PasswordField(
        "Your password",
        validators=[DataRequired("Enter your password to confirm."), Length(max=128)],
        render_kw={"autocomplete": "current-password"},
    )
