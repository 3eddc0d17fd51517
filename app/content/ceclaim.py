"""What a course claims for CE credit, compared and shown side by side (pure).

The claim is what a licensing board relies on and what the provider answers for: the
CE hours, the approval statement printed on certificates and the approval period. An
instructor may propose a change; only the provider (an administrator) makes it live.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from app.content.credit import canonical_ce_hours
from app.content.credittypes import BODIES_BY_CODE
from app.content.spec import CourseSpec, CreditSpec
from app.content.specdata import SpecData


@dataclass(frozen=True)
class CeClaim(SpecData):
    """A course's CE claim: hours, approval statement (None: the site's), approval period.

    The review keeps it as `to_dict` data (specdata.py writes and reads it).
    """

    ce_hours: Decimal
    approval_statement: str | None
    approval_starts_on: date | None
    approval_ends_on: date | None
    #: The credit types offered, each with its hours and approval statement.
    credits: tuple[CreditSpec, ...] = ()

    @classmethod
    def of_spec(cls, spec: CourseSpec) -> CeClaim:
        """The claim a course spec (a draft or the course files) makes."""
        period = spec.approval_period
        return cls(
            ce_hours=canonical_ce_hours(spec.ce_hours),
            approval_statement=spec.approval_statement,
            approval_starts_on=period.start if period else None,
            approval_ends_on=period.end if period else None,
            credits=spec.credits,
        )

    @classmethod
    def of_course(cls, course: Any) -> CeClaim:
        """The claim a course row makes now (anything with the course's four columns)."""
        return cls(
            ce_hours=canonical_ce_hours(course.ce_hours),
            approval_statement=course.approval_statement,
            approval_starts_on=course.approval_starts_on,
            approval_ends_on=course.approval_ends_on,
            credits=tuple(CreditSpec.from_dict(c) for c in course.credits or ()),
        )

    def rows(self, site_statement: str) -> list[tuple[str, str]]:
        """The claim as (label, value) lines a reviewer reads."""
        period = "none: credit is issued at any date"
        if self.approval_starts_on and self.approval_ends_on:
            period = f"{self.approval_starts_on:%d %B %Y} to {self.approval_ends_on:%d %B %Y}"
        statement = self.approval_statement or f"(the site's) {site_statement}"
        rows = [
            ("CE hours", str(self.ce_hours)),
            ("Approval statement", statement),
            ("Approval period", period),
        ]
        for credit in self.credits:
            body = BODIES_BY_CODE.get(credit.body)
            name = body.short_name if body else credit.body
            rows.append((f"Credit: {name}", f"{credit.hours} hours. {credit.statement}"))
        return rows


def claim_changed(published: CourseSpec | None, proposed: CourseSpec) -> bool:
    """Whether publishing ``proposed`` changes what learners are told about credit."""
    return published is None or CeClaim.of_spec(published) != CeClaim.of_spec(proposed)
