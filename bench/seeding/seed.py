"""``seed``: import the benchmark catalog, then plan and bulk-write learners in batches.

At scale 1: 100,000 learners, about 180,000 enrollments, 2 million lesson-progress
rows, 500,000 quiz attempts (2.7 million answers) and 50,000 certificates. Every
learner, the bench instructor and the bench admin share one password, hashed once.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from flask import current_app
from sqlalchemy import Connection, func, select, text, update
from sqlalchemy.orm import selectinload

from app.accounts import passwords
from app.accounts.models import Role, User
from app.audit.models import AuditEvent
from app.audit.services import record
from app.catalog.models import Course, CourseStaff, Module, Question, Quiz
from app.certificates.services import approval_statement
from app.content.importer import import_courses
from app.db import db, utcnow
from app.insight.tallies import recount
from app.models import metadata
from app.quizzes.snapshot import snapshot_of

from . import courses as bench_courses
from .answers import question_shapes
from .bulk import TABLE_ORDER, BulkWriter, move_sequences_past
from .credentials import NO_PASSWORD, new_secret, password_for, read_secret, signing_learners
from .journeys import (
    EMAIL_DOMAIN,
    CourseShape,
    Ids,
    ModuleShape,
    Planner,
    Rows,
    learner_email,
)

FULL_LEARNERS = 100_000
#: Learners enrolled in the quiz-day course and ready for its quiz, at scale 1.
FULL_QUIZ_DAY_COHORT = 2_000
INSTRUCTOR_EMAIL = f"instructor@{EMAIL_DOMAIN}"
ADMIN_EMAIL = f"admin@{EMAIL_DOMAIN}"
#: Learners planned and written per transaction.
LEARNERS_PER_CHUNK = 5_000
#: Argon2id hashes computed at once while seeding (argon2-cffi releases the GIL).
HASHING_THREADS = 2


class SeedError(Exception):
    """The seed was refused; the message says why."""


@dataclass
class SeedReport:
    """What the seed wrote and how long each phase took."""

    learners: int = 0
    rows: dict[str, int] = field(default_factory=lambda: dict.fromkeys(TABLE_ORDER, 0))
    seconds: dict[str, float] = field(default_factory=dict)


def refuse_in_production() -> None:
    """Benchmark commands never touch a production site."""
    if current_app.config["GROUNDWORK_ENV"] == "production":
        raise SeedError("Benchmark data is never generated on a production site.")


def refuse_unless_safe() -> None:
    """Refuse production sites and databases already seeded."""
    refuse_in_production()
    seeded = db.session.scalar(select(User.id).where(User.email.like(f"%@{EMAIL_DOMAIN}")).limit(1))
    if seeded is not None:
        raise SeedError("This database already holds benchmark data; seed a fresh database.")


def seeded_cohort() -> int | None:
    """The quiz-day cohort the seed recorded, or None if this database holds no bench data."""
    details = db.session.scalar(
        select(AuditEvent.details)
        .where(AuditEvent.action == "bench.seeded")
        .order_by(AuditEvent.id.desc())
        .limit(1)
    )
    return int(details["quiz_day_cohort"]) if details else None


def signing_emails(cohort: int) -> list[str]:
    """The accounts the load clients sign in as: the staff and the signing learners."""
    return [INSTRUCTOR_EMAIL, ADMIN_EMAIL, *map(learner_email, signing_learners(cohort))]


def set_passwords(secret: bytes, cohort: int) -> int:
    """Hash each signing account's own password at the current kind and cost; rows changed.

    Every other generated account is left unable to sign in (:data:`NO_PASSWORD`).
    """
    cost = current_app.config["PASSWORD_HASH_COST"]
    emails = signing_emails(cohort)
    with ThreadPoolExecutor(max_workers=HASHING_THREADS) as pool:
        hashes = dict(
            zip(
                emails,
                pool.map(lambda e: passwords.hash_password(password_for(secret, e), cost), emails),
                strict=True,
            )
        )
    db.session.execute(
        update(User)
        .where(User.email.like(f"%@{EMAIL_DOMAIN}"), User.password_hash != NO_PASSWORD)
        .values(password_hash=NO_PASSWORD)
    )
    ids = {}
    for start in range(0, len(emails), 1_000):
        chunk = emails[start : start + 1_000]
        found = db.session.execute(select(User.email, User.id).where(User.email.in_(chunk)))
        ids.update((email, user_id) for email, user_id in found)
    db.session.execute(
        update(User), [{"id": ids[e], "password_hash": h} for e, h in hashes.items() if e in ids]
    )
    db.session.commit()
    return len(ids)


def renew_passwords(secret_file: Path) -> int:
    """Bring the signing accounts' passwords to this commit's secret file, kind and cost.

    A data set seeded by an earlier commit (or one whose secret is gone) gets a new secret;
    one whose hashes are of an older kind or cost is hashed again, so a benchmark measures
    sign-ins as they cost in production. Returns the accounts given a new hash (0: none due).
    """
    refuse_in_production()
    cohort = seeded_cohort()
    if cohort is None:
        return 0
    if secret_file.exists():
        secret = read_secret(secret_file)
        stored = db.session.scalar(select(User.password_hash).where(User.email == INSTRUCTOR_EMAIL))
        verdict = passwords.verify_password(
            stored or "",
            password_for(secret, INSTRUCTOR_EMAIL),
            current_app.config["PASSWORD_HASH_COST"],
        )
        if verdict.matches and not verdict.rehash:
            return 0
    else:
        secret = new_secret(secret_file)
    return set_passwords(secret, cohort)


def _staff() -> tuple[User, User]:
    """The bench instructor (on every bench course's team) and the bench admin."""
    now = utcnow()
    people = []
    for email, name, role in (
        (INSTRUCTOR_EMAIL, "Bench Instructor", Role.INSTRUCTOR),
        (ADMIN_EMAIL, "Bench Admin", Role.ADMIN),
    ):
        user = User(
            email=email,
            password_hash=NO_PASSWORD,  # until set_passwords
            legal_name=name,
            profession="Psychologist",
            role=role.value,
            email_confirmed_at=now,
        )
        db.session.add(user)
        people.append(user)
    db.session.flush()
    instructor, admin = people
    for course_id in db.session.scalars(
        select(Course.id).where(Course.slug.startswith(bench_courses.SLUG_PREFIX))
    ):
        db.session.add(CourseStaff(course_id=course_id, user_id=instructor.id, is_owner=True))
    return instructor, admin


def _unlimit_quiz_day_attempts() -> None:
    """Give the quiz-day course the unlimited attempts its spec asks for.

    A first import stores ``attempt_limit: null`` as 3 (Course.attempt_limit's Python
    default fires for None on INSERT; a re-import stores NULL). Until the importer is
    fixed, set it here so load tests can retake the quiz without end.
    """
    db.session.execute(
        update(Course)
        .where(Course.slug == bench_courses.QUIZ_DAY_COURSE)
        .values(attempt_limit=None)
    )
    db.session.commit()


def course_shapes(seed: int) -> list[CourseShape]:
    """The imported bench courses as the planner needs them; popular ones first."""
    statement = (
        select(Course)
        .where(Course.slug.startswith(bench_courses.SLUG_PREFIX))
        .order_by(Course.slug)
        .options(
            selectinload(Course.modules).selectinload(Module.lessons),
            selectinload(Course.modules)
            .selectinload(Module.quiz)
            .selectinload(Quiz.questions)
            .selectinload(Question.choices),
        )
    )
    rng = random.Random(f"{seed}-questions")  # noqa: S311 (data, not secrets)  # nosec B311
    shapes = []
    for rank, course in enumerate(db.session.scalars(statement), start=1):
        modules = []
        for module in course.active_modules:
            assert module.quiz is not None
            snapshot = [snapshot_of(q) for q in module.quiz.active_questions]
            modules.append(
                ModuleShape(
                    id=module.id,
                    lessons=tuple((le.id, le.minutes) for le in module.active_lessons),
                    quiz_id=module.quiz.id,
                    snapshot=snapshot,
                    questions=question_shapes(snapshot, rng),
                )
            )
        shapes.append(
            CourseShape(
                id=course.id,
                slug=course.slug,
                title=course.title,
                version=course.version,
                ce_hours=Decimal(course.ce_hours),
                delivery_format=course.delivery_format,
                approval_statement=approval_statement(course),
                pass_mark=course.pass_mark,
                attempt_limit=course.attempt_limit,
                min_seconds_per_lesson=course.min_seconds_per_lesson,
                objective_ids=tuple(o["id"] for o in course.objectives),
                modules=tuple(modules),
                # Zipf-like: the first course draws about 8 times the last one's learners.
                popularity=rank**-0.7,
            )
        )
    return shapes


def _next_ids() -> Ids:
    return Ids(
        {
            name: (db.session.scalar(select(func.max(metadata.tables[name].c.id))) or 0) + 1
            for name in TABLE_ORDER
        }
    )


def _tune_sqlite(connection: Connection, fast: bool) -> None:
    """Skip fsync and widen the page cache while bulk writing a throwaway bench database."""
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql(f"PRAGMA synchronous={'OFF' if fast else 'FULL'}")
        connection.exec_driver_sql(f"PRAGMA cache_size={-262144 if fast else -2000}")
        connection.commit()


def _planned(planner: Planner, learners: int) -> Iterator[tuple[int, Rows, float]]:
    """Chunks of planned rows; the next chunk is planned while the caller writes this one."""

    def plan(first: int) -> tuple[int, Rows, float]:
        begun = time.perf_counter()
        rows = planner.plan(first, min(LEARNERS_PER_CHUNK, learners - first + 1))
        return first, rows, time.perf_counter() - begun

    firsts = list(range(1, learners + 1, LEARNERS_PER_CHUNK))
    with ThreadPoolExecutor(max_workers=1) as pool:  # one planner thread keeps ids in order
        pending = pool.submit(plan, firsts[0])
        for following in [*firsts[1:], None]:
            planned = pending.result()
            if following is not None:
                pending = pool.submit(plan, following)
            yield planned


def _write_learners(
    planner: Planner, report: SeedReport, batch_size: int, echo: Callable[[str], None]
) -> None:
    """Plan and write every learner, one transaction per chunk."""
    started = time.perf_counter()
    planning = 0.0
    with db.engine.connect() as connection:
        _tune_sqlite(connection, fast=True)
        writer = BulkWriter(connection, batch_size)
        for first, rows, seconds in _planned(planner, report.learners):
            planning += seconds
            with connection.begin():
                for name in TABLE_ORDER:
                    writer.write(metadata.tables[name], rows.tables.get(name, []))
                    report.rows[name] += len(rows.tables.get(name, []))
            done = min(report.learners, first + LEARNERS_PER_CHUNK - 1)
            elapsed = time.perf_counter() - started
            echo(f"  {done:>7,} / {report.learners:,} learners ({elapsed:.0f} s)")
        _tune_sqlite(connection, fast=False)
    report.seconds["learners"] = time.perf_counter() - started
    report.seconds["of which planning (overlapped)"] = planning


def seed(
    secret_file: Path,
    scale: float = 1.0,
    seed: int = 0,
    batch_size: int = 10_000,
    echo: Callable[[str], None] = print,
) -> SeedReport:
    """Generate the benchmark data set at ``scale`` (1 = 100,000 learners).

    A new secret is drawn and stored at ``secret_file`` for the sign-in passwords.
    """
    refuse_unless_safe()
    report = SeedReport(learners=max(1, round(FULL_LEARNERS * scale)))
    started = time.perf_counter()

    import_courses(bench_courses.catalog(seed))
    _unlimit_quiz_day_attempts()
    report.seconds["courses"] = time.perf_counter() - started
    echo(f"Imported {bench_courses.COURSE_COUNT} courses in {report.seconds['courses']:.1f} s.")

    phase = time.perf_counter()
    _instructor, admin = _staff()
    db.session.commit()
    shapes = course_shapes(seed)
    quiz_day = next(s for s in shapes if s.slug == bench_courses.QUIZ_DAY_COURSE)
    planner = Planner(
        shapes,
        _next_ids(),
        now=utcnow(),
        password_hash=NO_PASSWORD,  # set_passwords gives the signing accounts theirs
        provider_name=current_app.config["PROVIDER_NAME"],
        quiz_day_course_id=quiz_day.id,
        quiz_day_cohort=min(report.learners, max(1, round(FULL_QUIZ_DAY_COHORT * scale))),
        revoker_id=admin.id,
        seed=seed,
    )
    db.session.close()
    report.seconds["setup"] = time.perf_counter() - phase

    _write_learners(planner, report, batch_size, echo)

    phase = time.perf_counter()
    with db.engine.begin() as connection:
        move_sequences_past(connection, [metadata.tables[name] for name in TABLE_ORDER])
        if connection.dialect.name == "postgresql":
            # Autovacuum would analyse these tables soon after such a load; do it now.
            connection.execute(text("ANALYZE"))
    tallied = time.perf_counter()
    recount()  # the rows were bulk-written, not graded: sum them as grading would have
    db.session.commit()
    echo(f"Tallied first attempts for the insight page in {time.perf_counter() - tallied:.1f} s.")
    record(
        "bench.seeded",
        "database",
        "bench",
        scale=scale,
        seed=seed,
        learners=report.learners,
        quiz_day_cohort=planner.cohort,
    )
    db.session.commit()
    hashing = time.perf_counter()
    signers = set_passwords(new_secret(secret_file), planner.cohort)
    echo(
        f"Gave {signers:,} accounts their own password in {time.perf_counter() - hashing:.1f} s "
        f"(secret: {secret_file})."
    )
    report.seconds["finish"] = time.perf_counter() - phase
    report.seconds["total"] = time.perf_counter() - started
    return report


def describe(report: SeedReport) -> list[str]:
    """The report as lines for the terminal."""
    lines = [f"{name:<20} {count:>12,}" for name, count in report.rows.items()]
    total = sum(report.rows.values())
    lines.append(f"{'rows in all':<20} {total:>12,}")
    timings = ", ".join(f"{k} {v:.1f} s" for k, v in report.seconds.items())
    lines.append(f"Timings: {timings}.")
    lines.append(
        f"{INSTRUCTOR_EMAIL}, {ADMIN_EMAIL} and the first learners sign in with passwords "
        "derived from this seed's secret (bench/seeding/credentials.py); no others can."
    )
    return lines
