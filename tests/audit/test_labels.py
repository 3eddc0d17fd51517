"""Audit labels: every recorded code reads as words, and unknown ones still do."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from app.audit.labels import ACTION_LABELS, action_label, detail_label, person_label
from app.config import PROJECT_ROOT


def recorded_codes() -> set[str]:
    """Every literal action code the application records."""
    codes: set[str] = set()
    for path in Path(PROJECT_ROOT, "app").rglob("*.py"):
        text = path.read_text()
        codes |= set(re.findall(r'record\(\s*"([a-z_]+\.[a-z_]+)"', text))
        codes |= set(re.findall(r'"(user\.(?:reactivated|deactivated))"', text))
    return codes


def test_every_code_the_application_records_has_a_label():
    codes = recorded_codes()
    assert {"user.role_changed", "certificate.revoked", "course.published"} <= codes
    assert codes - set(ACTION_LABELS) == set()


@pytest.mark.parametrize(
    ("code", "label"),
    [
        ("course.published", "Course published"),
        ("ce.claim_approved", "CE claim approved"),
        ("mail.bounce-recorded", "Mail bounce recorded"),
        ("CERTIFICATE.CORRECTED", "Certificate corrected"),
        ("...", "Unnamed action"),
    ],
)
def test_actions_read_as_words_known_or_not(code, label):
    assert action_label(code) == label


def test_details_and_people_read_as_words():
    assert detail_label("old") == "from" and detail_label("credit_type") == "credit type"
    assert person_label(None, None, False) == "System"
    assert person_label(7, "Ana Ruiz", False) == "Ana Ruiz"
    assert person_label(7, "Deleted account", True) == "Deleted user #7"
    assert person_label(8, None, False) == "Deleted user #8"
