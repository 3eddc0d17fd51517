"""Forms on the administration pages."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField
from wtforms.fields.choices import SelectChoice

from app.accounts.models import Role

ROLE_CHOICES = [SelectChoice(r.value, r.value.capitalize()) for r in Role]


class RoleForm(FlaskForm):
    """Give a user another role."""

    role = SelectField("Role", choices=ROLE_CHOICES, validate_choice=True)


class ActiveForm(FlaskForm):
    """Deactivate or reactivate a user."""

    active = HiddenField(validators=[])

    def wants_active(self) -> bool | None:
        """True to reactivate, False to deactivate, None if the value was tampered with."""
        return {"1": True, "0": False}.get(self.active.data or "")
