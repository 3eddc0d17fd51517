"""Benchmark certificate PDFs and Open Badges signing: median and p95 per case, with budgets.

Run: .venv/bin/python bench/bench_certificates.py [--runs 200] [--check]
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from app.certificates.credential import build_credential, sign_credential, verify_credential
from app.certificates.document import CertificateDocument, verification_url_for
from app.certificates.identifiers import new_certificate_id
from app.certificates.identifiers import new_certificate_id as _new_id
from app.certificates.keys import did_key_verification_method
from app.certificates.pdf import _render, render_certificate_pdf
from app.certificates.transcript import TranscriptRow, transcript_pdf

SITE_URL = "https://groundwork.example"
WARM_UP = 5


@dataclass(frozen=True)
class Case:
    """One thing to time: what it is, for whom, how often, the work, and its budget."""

    name: str
    learner_name: str
    runs: int
    work: Callable[[Any], object]
    median_budget_ms: float | None = None
    #: Untimed step turning a fresh document into the work's input.
    prepare: Callable[[CertificateDocument], Any] = lambda document: document


def make_document(learner_name: str) -> CertificateDocument:
    """A typical certificate with a fresh ID (so every QR code and hash differs)."""
    certificate_id = new_certificate_id()
    return CertificateDocument(
        certificate_id=certificate_id,
        learner_name=learner_name,
        profession="Licensed Clinical Social Worker",
        license_number="LCSW 84213",
        license_state="California",
        course_title="Preparation and Integration in Ketamine-Assisted Psychotherapy",
        course_version="2.1",
        ce_hours=Decimal("1.5"),
        delivery_format="Online, self-paced (home study)",
        completed_on=date(2026, 3, 14),
        issued_at=datetime(2026, 3, 14, 17, 2, 11, tzinfo=UTC),
        provider_name="Groundwork Institute",
        approval_statement=(
            "Groundwork Institute is approved by the American Psychological Association to "
            "sponsor continuing education for psychologists. Groundwork Institute maintains "
            "responsibility for this program and its content."
        ),
        verification_url=verification_url_for(SITE_URL, certificate_id),
    )


def time_case(case: Case) -> list[float]:
    """Milliseconds per run, each on a fresh document prepared outside the timing."""
    for _ in range(WARM_UP):
        case.work(case.prepare(make_document(case.learner_name)))
    samples = []
    for _ in range(case.runs):
        prepared = case.prepare(make_document(case.learner_name))
        start = time.perf_counter()
        case.work(prepared)
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def p95(samples: list[float]) -> float:
    """The 95th percentile (inclusive method)."""
    return statistics.quantiles(samples, n=20, method="inclusive")[-1]


def main(argv: list[str] | None = None) -> int:
    """Time every case, print a table, and with --check fail when a median is over budget."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200, help="runs per budgeted case")
    parser.add_argument("--check", action="store_true", help="exit 1 if a budget is exceeded")
    args = parser.parse_args(argv)

    key = Ed25519PrivateKey.generate()
    method = did_key_verification_method(key)

    def sign(document: CertificateDocument) -> dict[str, Any]:
        return sign_credential(build_credential(document, SITE_URL), key, method)

    def rendered_once(document: CertificateDocument) -> CertificateDocument:
        render_certificate_pdf(document)  # the first download renders and keeps the PDF
        return document

    def transcript(document: CertificateDocument) -> bytes:
        rows = [
            TranscriptRow(
                completed_on=document.completed_on,
                course_title=document.course_title,
                course_version=3,
                delivery_format=document.delivery_format,
                ce_hours=Decimal("1.5"),
                certificate_id=_new_id(),
                status="valid",
            )
            for _ in range(20)
        ]
        return transcript_pdf(
            document.learner_name, document.provider_name, rows, None, None, date(2026, 4, 1)
        )

    western = "Dr. Maria Elena Rodríguez"
    few = args.runs // 10 or 1
    cases = [
        Case(
            "PDF download (rendered at first download)",
            western,
            args.runs,
            render_certificate_pdf,
            25,
            prepare=rendered_once,
        ),
        Case("PDF first render, Latin name", western, few, _render),
        Case("PDF first render, Arabic name", "محمد الأحمد", few, _render),
        Case("PDF first render, Devanagari name", "अनुष्का शर्मा", few, _render),
        Case("PDF first render, Chinese name", "王秀英", few, _render),
        Case("Transcript PDF, 20 rows", western, few, transcript),
        Case("Build + sign OpenBadgeCredential", western, args.runs, sign, 30),
        Case(
            "Verify OpenBadgeCredential",
            western,
            args.runs,
            lambda signed: verify_credential(signed, key.public_key()),
            prepare=sign,
        ),
    ]
    print(f"{'case':<42} {'runs':>5} {'median ms':>10} {'p95 ms':>8} {'budget':>8}")
    over = []
    for case in cases:
        samples = time_case(case)
        median = statistics.median(samples)
        budget = f"{case.median_budget_ms:g}" if case.median_budget_ms else "-"
        print(f"{case.name:<42} {case.runs:>5} {median:>10.1f} {p95(samples):>8.1f} {budget:>8}")
        if case.median_budget_ms is not None and median > case.median_budget_ms:
            over.append(case.name)
    if over:
        print("over budget: " + ", ".join(over))
    return 1 if args.check and over else 0


if __name__ == "__main__":
    raise SystemExit(main())
