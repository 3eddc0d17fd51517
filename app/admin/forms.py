"""Forms on the administration pages."""

from __future__ import annotations

from wtforms import DateField, HiddenField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from app.accounts.models import Role
from app.accounts.services import normalise_email
from app.admin.auditlog import AuditFilter
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


class AuditFilterForm(WebForm):
    """Narrow the audit log (a GET form: it changes nothing, so it carries no CSRF token)."""

    class Meta(WebForm.Meta):
        csrf = False

    start = DateField("From", validators=[Optional()], description="A date, e.g. 2026-12-01.")
    end = DateField("To (inclusive)", validators=[Optional()])
    actor = StringField(
        "By",
        validators=[Optional(), Length(max=200)],
        description="A name, an email, “system”, or a user number such as #12.",
    )
    action = SelectField("Action", validate_choice=False)
    course = SelectField("Course", validate_choice=False)

    def validate_end(self, field: DateField) -> None:
        """The range must run forwards."""
        if field.data and self.start.data and field.data < self.start.data:
            raise ValidationError("The end date is before the start date.")

    def filters(self, actions: set[str], courses: set[int]) -> AuditFilter:
        """The valid fields as a filter; an invalid or unknown value filters nothing."""
        course = self.course.data or ""
        course_id = (
            int(course) if course.isascii() and course.isdigit() and len(course) < 12 else None
        )
        valid = not self.errors
        return AuditFilter(
            start=self.start.data if valid else None,
            end=self.end.data if valid else None,
            actor=(self.actor.data or "").strip() if not self.actor.errors else "",
            action=self.action.data if self.action.data in actions else "",
            course_id=course_id if course_id in courses else None,
        )
