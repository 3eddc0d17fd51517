"""Fixtures for the certificate tests: a document factory, a signing key, no network."""

from __future__ import annotations

import dataclasses
import socket
from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from app.certificates.document import CertificateDocument, verification_url_for

SITE_URL = "https://groundwork.example"
CERTIFICATE_ID = "0pj115pnc4ysvfa9x0ggp83rpsqk"
APA_STATEMENT = (
    "Groundwork Institute is approved by the American Psychological Association to sponsor "
    "continuing education for psychologists. Groundwork Institute maintains responsibility "
    "for this program and its content."
)

MakeDocument = Callable[..., CertificateDocument]


def document_fields(**overrides: Any) -> dict[str, Any]:
    """The fields of a typical certificate, with `overrides` applied."""
    certificate_id = overrides.get("certificate_id", CERTIFICATE_ID)
    fields: dict[str, Any] = {
        "certificate_id": certificate_id,
        "learner_name": "Dr. Maria Elena Rodríguez",
        "profession": "Licensed Clinical Social Worker",
        "license_number": "LCSW 84213",
        "license_state": "California",
        "course_title": "Preparation and Integration in Ketamine-Assisted Psychotherapy",
        "course_version": "2.1",
        "ce_hours": Decimal("1.5"),
        "delivery_format": "Online, self-paced (home study)",
        "completed_on": date(2026, 3, 14),
        "issued_at": datetime(2026, 3, 14, 17, 2, 11, tzinfo=UTC),
        "provider_name": "Groundwork Institute",
        "approval_statement": APA_STATEMENT,
        "verification_url": verification_url_for(SITE_URL, certificate_id),
    }
    fields.update(overrides)
    return fields


@pytest.fixture
def make_document() -> MakeDocument:
    """Build a certificate document; keyword arguments replace the typical values."""

    def make(**overrides: Any) -> CertificateDocument:
        return CertificateDocument(**document_fields(**overrides))

    return make


@pytest.fixture
def document(make_document: MakeDocument) -> CertificateDocument:
    """A typical certificate: a social worker, 1.5 CE hours, an APA approval statement."""
    return make_document()


@pytest.fixture(scope="session")
def signing_key() -> Ed25519PrivateKey:
    """The site's signing key for the session."""
    return Ed25519PrivateKey.generate()


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail the test if anything opens a socket (contexts must come from the bundle)."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the network was used")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def replace(document: CertificateDocument, **changes: Any) -> CertificateDocument:
    """A copy of `document` with some fields changed (checked again)."""
    return dataclasses.replace(document, **changes)
