"""Forms on the administration pages."""

from __future__ import annotations

from wtforms import HiddenField, SelectField
from wtforms.fields.choices import SelectChoice

from app.accounts.models import Role
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
