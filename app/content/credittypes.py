"""The credit types a course may offer, and which professions each one serves (pure).

A continuing-education credit is granted by an approving body for the professions it
serves: APA approval gives psychologists credit, and nobody else. A course declares the
credits it offers (`credits:` in course.yml); the certificate prints the one that matches
the learner's profession, or says plainly that the profession has none. Profession names
are exactly the choices of the learner's profile (`app.accounts.models.PROFESSIONS`; a test
keeps them in step).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol, TypeVar

from app.content.credit import canonical_ce_hours


@dataclass(frozen=True)
class CreditBody:
    """An approving body's credit type: its code, names and the professions it serves."""

    code: str
    #: As printed on certificates and the course page: "APA".
    short_name: str
    name: str
    #: The profile professions this credit type serves, as the profile spells them.
    professions: tuple[str, ...]
    #: The professions in words for a course's audience text: "psychologists".
    audience: tuple[str, ...]

    @property
    def label(self) -> str:
        """`APA (American Psychological Association)`."""
        return f"{self.short_name} ({self.name})"


#: The controlled vocabulary, in the order forms and pages list it.
CREDIT_BODIES: tuple[CreditBody, ...] = (
    CreditBody(
        "apa",
        "APA",
        "American Psychological Association",
        ("Psychologist",),
        ("psychologists",),
    ),
    CreditBody(
        "aswb-ace",
        "ASWB ACE",
        "Association of Social Work Boards Approved Continuing Education",
        ("Licensed clinical social worker",),
        ("clinical social workers",),
    ),
    CreditBody(
        "nbcc",
        "NBCC",
        "National Board for Certified Counselors",
        ("Licensed professional counselor",),
        ("professional counselors",),
    ),
    CreditBody(
        "camft",
        "CAMFT",
        "California Association of Marriage and Family Therapists",
        ("Marriage and family therapist",),
        ("marriage and family therapists",),
    ),
    CreditBody(
        "ancc",
        "ANCC",
        "American Nurses Credentialing Center",
        ("Registered nurse", "Nurse practitioner"),
        ("nurses", "nurse practitioners"),
    ),
    CreditBody(
        "accme",
        "ACCME",
        "Accreditation Council for Continuing Medical Education",
        ("Physician", "Psychiatrist"),
        ("physicians", "psychiatrists"),
    ),
    CreditBody(
        "acpe",
        "ACPE",
        "Accreditation Council for Pharmacy Education",
        ("Pharmacist",),
        ("pharmacists",),
    ),
    CreditBody(
        "aapa",
        "AAPA",
        "American Academy of Physician Associates",
        ("Physician assistant",),
        ("physician assistants",),
    ),
)
BODIES_BY_CODE = {body.code: body for body in CREDIT_BODIES}
BODY_CODES: tuple[str, ...] = tuple(BODIES_BY_CODE)


class OfferedCredit(Protocol):
    """A credit a course offers: the body's code, hours and approval statement."""

    @property
    def body(self) -> str:
        """The approving body's code."""
        ...


def check_body(value: object) -> str | None:
    """A credit's `body` is one of the vocabulary's codes."""
    if isinstance(value, str) and value in BODIES_BY_CODE:
        return None
    return "must be one of " + ", ".join(BODY_CODES)


C = TypeVar("C", bound=OfferedCredit)


def credit_for(credits: Sequence[C], profession: str) -> C | None:
    """The first offered credit whose body serves `profession`, or None."""
    for credit in credits:
        body = BODIES_BY_CODE.get(credit.body)
        if body is not None and profession in body.professions:
            return credit
    return None


def served_professions(credits: Sequence[OfferedCredit]) -> tuple[str, ...]:
    """Every profile profession some offered credit serves, in vocabulary order."""
    offered = {credit.body for credit in credits}
    return tuple(
        profession
        for body in CREDIT_BODIES
        if body.code in offered
        for profession in body.professions
    )


def attendance_statement(profession: str) -> str:
    """What an attendance certificate says in place of an approval statement."""
    return (
        "Certificate of attendance: this course offers no continuing-education credit "
        f"for the profession {profession!r}. The hours shown are hours of participation, "
        "not CE credit."
    )


@dataclass(frozen=True)
class CreditLine:
    """One offered credit as the course page lists it."""

    body: CreditBody
    hours: Decimal
    statement: str


def credit_lines(credits: Sequence[dict[str, str]] | None) -> list[CreditLine]:
    """A course's stored credits (`Course.credits`) with their bodies, for a page."""
    return [
        CreditLine(BODIES_BY_CODE[c["body"]], canonical_ce_hours(c["hours"]), c["statement"])
        for c in credits or ()
        if c.get("body") in BODIES_BY_CODE
    ]
