"""Forms on the administration pages."""

from __future__ import annotations

from wtforms import HiddenField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from app.accounts.models import Role
from app.accounts.services import normalise_email
from app.forms import WebForm

ROLE_CHOICES = [SelectChoice(r.value, r.value.capitalize()) for r in Role]


class RoleForm(WebForm):
    """Give a user another role."""

    role = SelectField("Role", choices=ROLE_CHOICES, validate_choice=True)


class ActiveForm(WebForm):
    """Deactivate or reactivate a user."""

    active = HiddenField(validators=[])

    def wants_active(self) -> bool | None:
        """True to reactivate, False to deactivate, None if the value was tampered with."""
        return {"1": True, "0": False}.get(self.active.data or "")


class SignOutForm(WebForm):
    """End every session of a user: nothing to fill in but the CSRF token."""


class AnonymiseForm(WebForm):
    """Confirm anonymising someone's account by typing its email."""

    email = StringField(
        "Type the account's email to confirm",
        validators=[DataRequired("Type the account's email to confirm."), Length(max=254)],
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )

    def confirms(self, email: str) -> bool:
        """Whether what was typed is this email (case and surrounding spaces aside)."""
        return normalise_email(self.email.data or "") == email
