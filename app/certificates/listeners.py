"""Certificates issue themselves when another domain's moment completes their conditions,
and lend accounts the fonts' check of which names print."""

from __future__ import annotations

from app import events
from app.accounts.forms import supply_unprintable_check
from app.certificates.printing.typefaces import unprintable_characters
from app.certificates.services import issue_if_ready


def issue_after_evaluation(moment: events.EvaluationFiled) -> None:
    """Filing the evaluation may be the last condition: issue inside its transaction, so
    the evaluation and the certificate it completes commit together or not at all."""
    issue_if_ready(moment.user, moment.course, moment.enrollment)


def connect() -> None:
    """Subscribe the certificates' listeners (the factory calls this once per app)."""
    events.evaluation_filed.connect(issue_after_evaluation)
    # Names the profile accepts must print on certificates: the fonts are ours to check.
    supply_unprintable_check(unprintable_characters)
