"""Benchmark issuing, certificate PDFs, transcripts and Open Badges signing, side by side.

Run: .venv/bin/python bench/bench_certificates.py [--runs 200] [--check]

Issuing and downloads go through the real app (services and the download route, on a
throwaway SQLite database migrated to head); renders and signing call the modules directly.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from flask import Flask
from seeding.courses import course_spec

from app import create_app
from app.accounts.models import Role, User
from app.accounts.passwords import Argon2Cost
from app.accounts.services import Profile, create_account
from app.catalog.models import Course
from app.certificates import services
from app.certificates.document import CertificateDocument, verification_url_for
from app.certificates.identifiers import new_certificate_id
from app.certificates.identifiers import new_certificate_id as _new_id
from app.certificates.openbadges.credential import (
    build_credential,
    sign_credential,
    verify_credential,
)
from app.certificates.openbadges.issuer import KeyRing, did_web
from app.certificates.printing.pdf import render_certificate_pdf
from app.certificates.printing.transcript import TranscriptRow, transcript_pdf
from app.content.importer import import_courses
from app.db import db, utcnow
from app.evaluations.services import EvaluationAnswers, file_evaluation
from app.learning.services import enroll
from app.migrate import upgrade

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


def _app(directory: str) -> Flask:
    """The real app on a fresh SQLite database in `directory`, migrated to head."""
    app = create_app(
        {
            "DATABASE_URL": f"sqlite:///{directory}/bench.sqlite3",
            "SECRET_KEY": os.urandom(32).hex(),
            # Cheap hashing: accounts are made outside the timing, and only for the bench.
            "PASSWORD_HASH_COST": Argon2Cost(memory_kib=8, iterations=1, parallelism=1),
            "MAIL_SERVER": "",
            "SERVER_NAME": "groundwork.bench",
            "RATELIMIT_STORAGE_URI": "memory://",
        }
    )
    with app.app_context():
        upgrade(app.extensions["db_engine"])
    return app


def _ready_to_attest(course: Course, number: int, name: str):  # type: ignore[no-untyped-def]
    """A learner who completed `course` and filed its evaluation: attesting issues."""
    user = create_account(
        f"learner{number}@bench.example",
        "correct horse battery staple",
        Profile(
            legal_name=name, profession="Psychologist", license_number=None, license_state=None
        ),
        Role.LEARNER,
    )
    enrollment = enroll(user, course)
    enrollment.completed_at = utcnow()
    enrollment.completed_version = course.version
    ratings = {objective["id"]: 5 for objective in course.objectives}
    file_evaluation(user, course, EvaluationAnswers(ratings, 5, 5, "yes", ""))
    db.session.commit()
    return user, enrollment


def time_app(runs: int, name: str) -> dict[str, list[float]]:
    """Issue (attest, the last condition) and stored downloads through the app, in ms."""
    samples: dict[str, list[float]] = {"issue": [], "first": [], "stored": [], "etag": []}
    with tempfile.TemporaryDirectory() as directory:
        app = _app(directory)
        with app.app_context():
            import_courses([course_spec(1)])
            course = db.session.query(Course).one()
            learners = [_ready_to_attest(course, n, name) for n in range(runs + WARM_UP)]
            for index, (user, enrollment) in enumerate(learners):
                start = time.perf_counter()
                certificate = services.attest(user, course, enrollment)
                elapsed = (time.perf_counter() - start) * 1000
                assert certificate is not None
                if index >= WARM_UP:
                    samples["issue"].append(elapsed)
            user = learners[0][0]
            url = f"/certificates/{certificate_of(user.id)}/certificate.pdf"
            user_id = user.get_id()
        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"] = user_id
            session["_fresh"] = True
        start = time.perf_counter()
        first = client.get(url)
        samples["first"].append((time.perf_counter() - start) * 1000)
        assert first.status_code == 200, first.status_code
        etag = first.headers["ETag"]
        for index in range(runs + WARM_UP):
            start = time.perf_counter()
            response = client.get(url)
            elapsed = (time.perf_counter() - start) * 1000
            assert response.status_code == 200 and response.data == first.data
            if index >= WARM_UP:
                samples["stored"].append(elapsed)
        for index in range(runs + WARM_UP):
            start = time.perf_counter()
            response = client.get(url, headers={"If-None-Match": etag})
            elapsed = (time.perf_counter() - start) * 1000
            assert response.status_code == 304
            if index >= WARM_UP:
                samples["etag"].append(elapsed)
        app.extensions["db_engine"].dispose()
    return samples


def certificate_of(user_id: int) -> str:
    """The public ID of the learner's certificate."""
    user = db.session.get(User, user_id)
    assert user is not None
    return next(c.public_id for c in services.certificates_between(user, None, None))


def _row(name: str, samples: list[float], budget: float | None) -> str:
    median = statistics.median(samples)
    spread = f"{p95(samples):>8.1f}" if len(samples) >= 2 else f"{'-':>8}"
    shown = f"{budget:g}" if budget else "-"
    return f"{name:<46} {len(samples):>5} {median:>10.1f} {spread} {shown:>8}"


def main(argv: list[str] | None = None) -> int:
    """Time every case, print a table, and with --check fail when a median is over budget."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200, help="runs per budgeted case")
    parser.add_argument("--check", action="store_true", help="exit 1 if a budget is exceeded")
    args = parser.parse_args(argv)

    key = Ed25519PrivateKey.generate()
    ring = KeyRing(issuer=did_web(SITE_URL), current=key.public_key())

    def sign(document: CertificateDocument) -> dict[str, Any]:
        credential = build_credential(document, SITE_URL, issuer_id=ring.issuer)
        return sign_credential(credential, key, ring.current_method)

    def transcript(rows: int) -> Callable[[CertificateDocument], bytes]:
        def make(document: CertificateDocument) -> bytes:
            entries = [
                TranscriptRow(
                    completed_on=document.completed_on,
                    course_title=document.course_title,
                    course_version=3,
                    delivery_format=document.delivery_format,
                    ce_hours=Decimal("1.5"),
                    certificate_id=_new_id(),
                    status="valid",
                )
                for _ in range(rows)
            ]
            return transcript_pdf(
                document.learner_name, document.provider_name, entries, None, None, date(2026, 4, 1)
            )

        return make

    western = "Dr. Maria Elena Rodríguez"
    few = args.runs // 10 or 1
    cases = [
        Case("PDF first render, Latin name", western, few, render_certificate_pdf),
        Case(
            "PDF first render, Greek name", "Αλέξανδρος Παπαδόπουλος", few, render_certificate_pdf
        ),
        Case("PDF first render, Arabic name", "محمد الأحمد", few, render_certificate_pdf),
        Case("PDF first render, Hebrew name", "דוד כהן", few, render_certificate_pdf),
        Case("PDF first render, Devanagari name", "अनुष्का शर्मा", few, render_certificate_pdf),
        Case("PDF first render, Chinese name", "王秀英", few, render_certificate_pdf),
        Case("PDF first render, Japanese name", "山田はなこ", few, render_certificate_pdf),
        Case("PDF first render, Korean name", "김민준", few, render_certificate_pdf),
        Case("Transcript PDF, 20 rows", western, few, transcript(20)),
        Case("Transcript PDF, 50 rows", western, few, transcript(50)),
        Case("Build + sign OpenBadgeCredential", western, args.runs, sign, 30),
        Case(
            "Verify OpenBadgeCredential",
            western,
            args.runs,
            lambda signed: verify_credential(signed, ring),
            prepare=sign,
        ),
    ]
    print(f"{'case':<46} {'runs':>5} {'median ms':>10} {'p95 ms':>8} {'budget':>8}")
    over = []
    through_app = time_app(args.runs, western)
    for name, label, budget in (
        ("issue", "Issue (attest, last condition; app, SQLite)", 100.0),
        ("stored", "PDF download, stored (app route, SQLite)", 25.0),
        ("etag", "PDF download, If-None-Match -> 304", None),
        ("first", "PDF first download (render + store)", None),
    ):
        print(_row(label, through_app[name], budget))
        if budget is not None and statistics.median(through_app[name]) > budget:
            over.append(label)
    for case in cases:
        samples = time_case(case)
        print(_row(case.name, samples, case.median_budget_ms))
        if case.median_budget_ms is not None and statistics.median(samples) > case.median_budget_ms:
            over.append(case.name)
    if over:
        print("over budget: " + ", ".join(over))
    return 1 if args.check and over else 0


if __name__ == "__main__":
    raise SystemExit(main())
