"""The certificate as issued: every field frozen, checked once, and written out for print."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from app.certificates.identifiers import display_id, parse_certificate_id
from app.content.credit import canonical_ce_hours

MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
#: Longest values a certificate is laid out for (the PDF tests render every maximum at once).
LONGEST = {
    "learner_name": 200,
    "profession": 120,
    "license_number": 60,
    "license_state": 60,
    "course_title": 300,
    "course_version": 40,
    "delivery_format": 120,
    "provider_name": 200,
    "approval_statement": 1200,
    "verification_url": 300,
}
MOST_CE_HOURS = Decimal(1000)
LONGEST_CREDIT_BODY = 200


def written_date(day: date) -> str:
    """Return a date the way a US licensing board reads it: `March 14, 2026`."""
    return f"{MONTHS[day.month - 1]} {day.day}, {day.year}"


def verification_url_for(site_url: str, certificate_id: str) -> str:
    """Return the public verification page of a certificate: `<site>/verify/<id>`."""
    return f"{site_url.rstrip('/')}/verify/{certificate_id}"


def _text_problem(value: object, longest: int, *, paragraph: bool = False) -> str | None:
    """Say what is wrong with one text field, or None when it can be printed and signed."""
    if not isinstance(value, str):
        return "must be text"
    if not value.strip():
        return "must not be blank"
    if len(value) > longest:
        return f"must be at most {longest} characters"
    allowed = "\n" if paragraph else ""
    if any(unicodedata.category(char) == "Cc" and char not in allowed for char in value):
        return "must not contain control characters"
    return None


@dataclass(frozen=True, kw_only=True)
class CertificateDocument:
    """Everything a certificate states, frozen when it is issued and never recomputed."""

    certificate_id: str
    learner_name: str
    profession: str
    license_number: str | None = None
    license_state: str | None = None
    course_title: str
    course_version: str
    #: CE hours as approved for the course, e.g. Decimal("1.5").
    ce_hours: Decimal
    #: How the course was delivered, e.g. "Online, self-paced (home study)".
    delivery_format: str
    #: The learner's completion date (the day the completion gate was passed).
    completed_on: date
    #: When the certificate was issued; an aware datetime in UTC.
    issued_at: datetime
    provider_name: str
    #: The provider's approval statement, per course or per site, printed verbatim.
    approval_statement: str
    #: `<site>/verify/<certificate_id>`, the target of the QR code.
    verification_url: str
    #: The credit type the course offered the learner's profession, as printed:
    #: `APA (American Psychological Association)`; None when the course declared none.
    credit_body: str | None = None
    #: The course offers credit types, none for the learner's profession: a certificate of
    #: attendance, whose hours are hours of participation.
    attendance_only: bool = False

    def __post_init__(self) -> None:
        """Refuse a record that could not be printed and signed exactly as stated."""
        problems = self._problems()
        if problems:
            raise ValueError("invalid certificate: " + "; ".join(problems))

    def _problems(self) -> list[str]:
        """Return what is wrong with the fields, one message per field."""
        found = []
        if parse_certificate_id(self.certificate_id) != self.certificate_id:
            found.append("certificate_id: must be a canonical certificate ID")
        for name, longest in LONGEST.items():
            value = getattr(self, name)
            if name.startswith("license_") and value is None:
                continue
            problem = _text_problem(value, longest, paragraph=name == "approval_statement")
            if problem:
                found.append(f"{name}: {problem}")
        if self.credit_body is not None:
            problem = _text_problem(self.credit_body, LONGEST_CREDIT_BODY)
            if problem:
                found.append(f"credit_body: {problem}")
            if self.attendance_only:
                found.append("credit_body: an attendance certificate names no credit type")
        if self.license_state is not None and self.license_number is None:
            found.append("license_state: given without a license number")
        if not isinstance(self.ce_hours, Decimal) or not self.ce_hours.is_finite():
            found.append("ce_hours: must be a finite Decimal")
        elif not Decimal(0) <= self.ce_hours <= MOST_CE_HOURS:
            found.append(f"ce_hours: must be between 0 and {MOST_CE_HOURS}")
        if not isinstance(self.completed_on, date) or isinstance(self.completed_on, datetime):
            found.append("completed_on: must be a date")
        issued = self.issued_at
        if not isinstance(issued, datetime) or issued.utcoffset() != timedelta(0):
            found.append("issued_at: must be an aware datetime in UTC")
        url = self.verification_url
        if isinstance(url, str) and not url.startswith(("https://", "http://")):
            found.append("verification_url: must be an http(s) URL")
        elif isinstance(url, str) and not url.endswith("/" + str(self.certificate_id)):
            found.append("verification_url: must end with the certificate ID")
        return found

    @property
    def display_id(self) -> str:
        """The ID as printed: `GW-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX`."""
        return display_id(self.certificate_id)

    @property
    def ce_hours_text(self) -> str:
        """CE hours written the shortest way: `1`, `1.5`, `12.25`."""
        return str(canonical_ce_hours(self.ce_hours))

    @property
    def ce_hours_phrase(self) -> str:
        """CE hours with their unit: `1 CE hour`, `1.5 CE hours`."""
        unit = "CE hour" if self.ce_hours == 1 else "CE hours"
        return f"{self.ce_hours_text} {unit}"

    @property
    def heading(self) -> str:
        """The certificate's title: of completion, or of attendance when it earns no credit."""
        return "Certificate of Attendance" if self.attendance_only else "Certificate of Completion"

    @property
    def credit_caption(self) -> str:
        """What the hours are, as the details row captions them."""
        return "HOURS OF PARTICIPATION" if self.attendance_only else "CONTINUING-EDUCATION CREDIT"

    @property
    def credit_phrase(self) -> str:
        """The hours and what they count for: `3.25 CE hours (APA (...))`, or for attendance
        `3.25 hours of participation, no CE credit`; as before when no credit type applies."""
        if self.attendance_only:
            unit = "hour" if self.ce_hours == 1 else "hours"
            return f"{self.ce_hours_text} {unit} of participation, no CE credit"
        if self.credit_body:
            return f"{self.ce_hours_phrase}, {self.credit_body}"
        return self.ce_hours_phrase

    @property
    def completed_on_text(self) -> str:
        """The completion date written out: `March 14, 2026`."""
        return written_date(self.completed_on)

    @property
    def issued_on_text(self) -> str:
        """The issue date (UTC) written out."""
        return written_date(self.issued_at.date())

    @property
    def license_text(self) -> str | None:
        """The license as printed, `License PSY 12345 (California)`, or None without one."""
        if self.license_number is None:
            return None
        state = f" ({self.license_state})" if self.license_state else ""
        return f"License {self.license_number}{state}"
