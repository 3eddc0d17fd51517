"""One truth for a certificate's state: valid, replaced or revoked (unknown when not ours).

Every place that shows a certificate or counts its hours asks here: the verification
page, the credential check (web, API, CLI), the PDF download, the dashboard, the
transcript and the exports. Revocation wins over replacement: a revoked certificate
never counts, whatever replaced it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Protocol


class State(StrEnum):
    """Where a certificate stands now."""

    VALID = "valid"
    REPLACED = "replaced"
    REVOKED = "revoked"
    #: Not a certificate of this site (or no longer in its records).
    UNKNOWN = "unknown"


class CertificateRecord(Protocol):
    """The columns of a certificate that decide its state."""

    replaced_at: dt.datetime | None
    revoked_at: dt.datetime | None
    revoked_reason: str | None


def state_of(certificate: CertificateRecord | None) -> State:
    """The state of a certificate row (UNKNOWN for none)."""
    if certificate is None:
        return State.UNKNOWN
    if certificate.revoked_at is not None:
        return State.REVOKED
    if certificate.replaced_at is not None:
        return State.REPLACED
    return State.VALID


def counts_for_credit(certificate: CertificateRecord | None) -> bool:
    """Whether its CE hours count: only a valid certificate earns them."""
    return state_of(certificate) is State.VALID


@dataclass(frozen=True)
class Standing:
    """A certificate's state with what a verifier needs to act on it."""

    state: State
    #: The display ID (GW-...) of the certificate, when it is ours.
    certificate: str | None = None
    #: The display ID of the certificate that replaced it.
    replaced_by: str | None = None
    revoked_on: dt.date | None = None
    revoked_reason: str | None = None

    def sentence(self) -> str:
        """What the state means, in one sentence for the verification page and the CLI."""
        if self.state is State.VALID:
            return f"Certificate {self.certificate} is current: neither replaced nor revoked."
        if self.state is State.REPLACED:
            successor = f" by {self.replaced_by}" if self.replaced_by else ""
            return (
                f"Certificate {self.certificate} was replaced{successor}; "
                "only the replacement is current."
            )
        if self.state is State.REVOKED:
            on = f" on {self.revoked_on.isoformat()}" if self.revoked_on else ""
            return f"Certificate {self.certificate} was revoked{on}: {self.revoked_reason}"
        return "No certificate issued here matches it: signature valid, not issued here."


class CreditedRecord(CertificateRecord, Protocol):
    """A certificate row with its hours."""

    ce_hours: Decimal


def credited_hours(certificates: Iterable[CreditedRecord]) -> Decimal:
    """CE hours earned: those of the valid certificates only (dashboard, transcript, exports);
    a certificate of attendance's hours of participation earn none."""
    return sum(
        (
            c.ce_hours
            for c in certificates
            if counts_for_credit(c) and not getattr(c, "attendance_only", False)
        ),
        Decimal(0),
    )
