"""The frozen certificate record: what it accepts, refuses, and how it writes fields out."""

from __future__ import annotations

import dataclasses
import re
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest

from app.certificates.document import CertificateDocument, written_date
from tests.certificates.conftest import CERTIFICATE_ID, MakeDocument


def test_fields_are_written_out_for_print(document: CertificateDocument) -> None:
    assert document.display_id == "GW-0PJ1-15PN-C4YS-VFA9-X0GG-P83R-PSQK"
    assert document.ce_hours_phrase == "1.5 CE hours"
    assert document.completed_on_text == "March 14, 2026"
    assert document.license_text == "License LCSW 84213 (California)"
    assert document.verification_url == f"https://groundwork.example/verify/{CERTIFICATE_ID}"


@pytest.mark.parametrize(
    ("hours", "phrase"),
    [("1", "1 CE hour"), ("1.00", "1 CE hour"), ("0.75", "0.75 CE hours"), ("12", "12 CE hours")],
)
def test_ce_hours_are_written_the_shortest_way(
    make_document: MakeDocument, hours: str, phrase: str
) -> None:
    assert make_document(ce_hours=Decimal(hours)).ce_hours_phrase == phrase


def test_every_month_is_written_in_full() -> None:
    assert written_date(date(2026, 1, 2)) == "January 2, 2026"
    assert written_date(date(2026, 12, 31)) == "December 31, 2026"


def test_a_learner_without_a_license_gets_no_license_line(make_document: MakeDocument) -> None:
    assert make_document(license_number=None, license_state=None).license_text is None
    assert make_document(license_state=None).license_text == "License LCSW 84213"


def test_the_record_is_frozen(document: CertificateDocument) -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        document.learner_name = "Someone Else"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"certificate_id": "GW-0PJ1-15PN-C4YS-VFA9-X0GG-P83R-PSQK"}, "certificate_id"),
        ({"learner_name": "   "}, "learner_name: must not be blank"),
        ({"learner_name": "Ann\x00Lee"}, "control characters"),
        ({"course_title": "Line one\nline two"}, "course_title: must not contain control"),
        ({"course_title": "x" * 301}, "course_title: must be at most 300"),
        ({"profession": None}, "profession: must be text"),
        ({"license_number": None}, "license_state: given without a license number"),
        ({"ce_hours": 1.5}, "ce_hours: must be a finite Decimal"),
        ({"ce_hours": Decimal("NaN")}, "ce_hours: must be a finite Decimal"),
        ({"ce_hours": Decimal("-1")}, "ce_hours: must be between"),
        ({"completed_on": datetime(2026, 3, 14, tzinfo=UTC)}, "completed_on"),
        ({"issued_at": datetime(2026, 3, 14, 17, 2, 11)}, "issued_at"),
        ({"issued_at": datetime(2026, 3, 14, tzinfo=timezone(timedelta(hours=-7)))}, "issued_at"),
        ({"verification_url": "javascript:alert(1)"}, "verification_url: must be an http(s) URL"),
        (
            {"verification_url": "https://groundwork.example/verify/other"},
            "must end with the certificate ID",
        ),
    ],
)
def test_records_that_could_not_be_printed_as_stated_are_refused(
    make_document: MakeDocument, change: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        make_document(**change)


def test_the_approval_statement_may_have_line_breaks(make_document: MakeDocument) -> None:
    statement = "Approved by the APA.\nProvider number 1234."
    assert make_document(approval_statement=statement).approval_statement == statement
