"""``flask bench seed`` at a thousandth of full scale: the rows it writes obey the app's rules."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select

from app.accounts.models import User
from app.accounts.passwords import Argon2Cost
from app.catalog.models import Course, Lesson, Module, Quiz
from app.certificates.models import Certificate
from app.content.reader import read_course
from app.content.writer import write_course
from app.db import db
from app.evaluations.models import CourseEvaluation
from app.learning.models import Enrollment, LessonProgress, ModuleCompletion
from app.quizzes.grading import grade
from app.quizzes.models import AttemptAnswer, QuizAttempt
from bench.seeding import courses as bench_courses
from bench.seeding.cli import bench
from bench.seeding.credentials import NO_PASSWORD, password_for, read_secret
from bench.seeding.journeys import EMAIL_DOMAIN, learner_email
from bench.seeding.seed import ADMIN_EMAIL, INSTRUCTOR_EMAIL
from tests.conftest import make_app

LEARNERS = 100  # 100,000 x 0.001


@pytest.fixture
def secret_file(tmp_path: Path) -> Path:
    """Where the seed keeps its sign-in secret (outside the repository)."""
    return tmp_path / "bench-secret.key"


@pytest.fixture(scope="session")
def seed_secret(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the worker's one seed on SQLite keeps its secret, for later tests to copy."""
    return tmp_path_factory.mktemp("seed") / "bench-secret.key"


@pytest.fixture
def seeded(
    app: Flask,
    secret_file: Path,
    seed_secret: Path,
    built_database: Callable[[str, Callable[[], None]], bool],
) -> Flask:
    """The test database after ``flask bench seed --scale 0.001``.

    On SQLite the worker seeds once (seconds of CPU) and later tests get copies of that
    database and its secret; every test still starts from the seed's own output.
    """

    def seed() -> None:
        result = app.test_cli_runner().invoke(
            bench, ["seed", "--scale", "0.001", "--secret-file", str(secret_file)]
        )
        assert result.exit_code == 0, result.output
        assert "certificates" in result.output and str(secret_file) in result.output
        shutil.copy(secret_file, seed_secret)  # keeps its owner-only mode

    if not built_database("bench-seed", seed):
        shutil.copy(seed_secret, secret_file)
    return app


def sign_in(app: Flask, email: str, password: str) -> int:
    """The status of a sign-in with ``password``."""
    client = app.test_client()
    return client.post("/sign-in", data={"email": email, "password": password}).status_code


def count(model: type) -> int:
    """Rows in a model's table."""
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def test_generated_courses_pass_the_content_checker(tmp_path: Path) -> None:
    """Bench courses written as files read back with no problems and unchanged."""
    for spec in bench_courses.catalog()[:2]:  # the quiz-day course and a typical one
        back, problems = read_course(write_course(spec, tmp_path / spec.slug))
        assert problems == [] and back == spec, spec.slug


def test_volumes_are_proportional_and_certificates_earned(seeded: Flask) -> None:
    """About 0.1% of the full volumes; certificates only where the learner earned one."""
    learners = db.session.scalar(
        select(func.count()).where(User.email.like(f"learner%@{EMAIL_DOMAIN}"))
    )
    assert learners == LEARNERS
    assert count(Course) == 20
    assert 1.3 * LEARNERS <= count(Enrollment) <= 2.5 * LEARNERS
    assert 1_400 <= count(LessonProgress) <= 3_000
    assert 350 <= count(QuizAttempt) <= 700
    assert 30 <= count(Certificate) <= 75
    assert_certificates_follow_enrollments()


def assert_certificates_follow_enrollments() -> None:
    """Each certificate's enrollment is complete, attested and evaluated, with matching facts."""
    rows = db.session.execute(select(Certificate, Enrollment).join(Enrollment)).all()
    assert rows
    evaluated = set(
        db.session.execute(select(CourseEvaluation.user_id, CourseEvaluation.course_id))
    )
    for certificate, enrollment in rows:
        assert enrollment.completed_at is not None and enrollment.attested_at is not None
        assert (certificate.user_id, certificate.course_id) == (
            enrollment.user_id,
            enrollment.course_id,
        )
        assert (enrollment.user_id, enrollment.course_id) in evaluated
        assert certificate.completed_on == enrollment.completed_at.date()
        assert certificate.issued_at >= enrollment.completed_at


def test_attempts_answers_and_completions_are_consistent(seeded: Flask) -> None:
    """Quiz history and completions could have come from learners using the site."""
    assert_attempts_numbered_from_one()
    assert_answers_match_snapshots()
    assert_completions_follow_rules()


def assert_attempts_numbered_from_one() -> None:
    """Per learner and quiz, attempts are numbered 1..n and only the last may be open."""
    attempts: dict[tuple[int, int], list[QuizAttempt]] = defaultdict(list)
    for attempt in db.session.scalars(select(QuizAttempt).order_by(QuizAttempt.number)):
        attempts[(attempt.user_id, attempt.quiz_id)].append(attempt)
    for tries in attempts.values():
        assert [a.number for a in tries] == list(range(1, len(tries) + 1))
        assert all(not a.is_open for a in tries[:-1])


def assert_answers_match_snapshots() -> None:
    """Answers name the snapshot's questions and keys; stored grades equal the app's grading."""
    answers: dict[int, list[AttemptAnswer]] = defaultdict(list)
    for answer in db.session.scalars(select(AttemptAnswer)):
        answers[answer.attempt_id].append(answer)
    for attempt in db.session.scalars(select(QuizAttempt)):
        asked = {q["id"]: q for q in attempt.snapshot}
        given = answers[attempt.id]
        assert len({a.question_id for a in given}) == len(given)
        for answer in given:
            keys = {c["key"] for c in asked[answer.question_id]["choices"]}
            assert answer.selected and set(answer.selected) <= keys
        if attempt.is_open:
            assert attempt.score is None and all(a.is_correct is None for a in given)
            continue
        assert {a.question_id for a in given} == set(asked)
        result = grade(
            attempt.snapshot,
            {a.question_id: frozenset(a.selected) for a in given},
            attempt.pass_mark,
        )
        assert (result.score, result.passed) == (attempt.score, attempt.passed)
        by_question = {q.question_id: q.is_correct for q in result.questions}
        assert all(a.is_correct == by_question[a.question_id] for a in given)


def assert_completions_follow_rules() -> None:
    """Module completions need its lessons and quiz; course completions need every module."""
    done_lessons = set(
        db.session.execute(
            select(LessonProgress.user_id, LessonProgress.lesson_id).where(
                LessonProgress.completed_at.is_not(None)
            )
        )
    )
    passed = set(
        db.session.execute(
            select(QuizAttempt.user_id, QuizAttempt.quiz_id).where(QuizAttempt.passed.is_(True))
        )
    )
    lessons = defaultdict(set)
    for lesson_id, module_id in db.session.execute(select(Lesson.id, Lesson.module_id)):
        lessons[module_id].add(lesson_id)
    quiz_of = {
        module_id: quiz_id
        for module_id, quiz_id in db.session.execute(select(Quiz.module_id, Quiz.id))
    }
    for user_id, module_id in db.session.execute(
        select(ModuleCompletion.user_id, ModuleCompletion.module_id)
    ):
        assert all((user_id, lesson) in done_lessons for lesson in lessons[module_id])
        assert (user_id, quiz_of[module_id]) in passed
    completed_modules = set(
        db.session.execute(select(ModuleCompletion.user_id, ModuleCompletion.module_id))
    )
    modules = defaultdict(set)
    for module_id, course_id in db.session.execute(select(Module.id, Module.course_id)):
        modules[course_id].add(module_id)
    for enrollment in db.session.scalars(
        select(Enrollment).where(Enrollment.completed_at.is_not(None))
    ):
        assert all(
            (enrollment.user_id, m) in completed_modules for m in modules[enrollment.course_id]
        )


def test_quiz_day_learners_reach_the_quiz_and_reseeding_is_refused(
    seeded: Flask, secret_file: Path
) -> None:
    """A cohort learner signs in and their next step is the sixteen-question quiz."""
    client = seeded.test_client()
    password = password_for(read_secret(secret_file), learner_email(1))
    signed_in = client.post("/sign-in", data={"email": learner_email(1), "password": password})
    assert signed_in.status_code == 302
    resume = client.get(f"/courses/{bench_courses.QUIZ_DAY_COURSE}/continue")
    assert "/quizzes/" in resume.headers["Location"]
    quiz_id = int(resume.headers["Location"].rsplit("/", 1)[1])
    started = client.post(f"/courses/{bench_courses.QUIZ_DAY_COURSE}/quizzes/{quiz_id}/start")
    page = client.get(started.headers["Location"]).get_data(as_text=True)
    assert page.count('<fieldset class="question"') == bench_courses.QUIZ_DAY_QUESTIONS
    # Seeding twice would mix two data sets: the second run is refused and changes nothing.
    before = count(Enrollment)
    secret = secret_file.read_bytes()
    result = seeded.test_cli_runner().invoke(
        bench, ["seed", "--scale", "0.001", "--secret-file", str(secret_file)]
    )
    assert result.exit_code != 0 and "already holds benchmark data" in result.output
    assert count(Enrollment) == before and secret_file.read_bytes() == secret


def test_production_is_refused(database_url: str) -> None:
    """The generator never runs on a production site."""
    production = make_app(database_url, GROUNDWORK_ENV="production")
    with production.app_context():
        result = production.test_cli_runner().invoke(bench, ["seed", "--scale", "0.001"])
        assert result.exit_code != 0 and "production" in result.output
        assert count(User) == 0
    production.extensions["db_engine"].dispose()


def test_scale_must_be_positive(app: Flask) -> None:
    """A zero scale is a usage error, not an empty seed."""
    result = app.test_cli_runner().invoke(bench, ["seed", "--scale", "0"])
    assert result.exit_code == 2


def test_no_password_is_shared_and_only_signing_accounts_can_sign_in(
    seeded: Flask, secret_file: Path
) -> None:
    """Each signing account has its own password from the secret; the others have none."""
    secret = read_secret(secret_file)
    assert secret_file.stat().st_mode & 0o077 == 0  # readable by its owner only
    cohort = 2  # 2,000 x 0.001
    signing = [INSTRUCTOR_EMAIL, ADMIN_EMAIL, *map(learner_email, range(1, 2 * cohort + 1))]
    stored = {e: h for e, h in db.session.execute(select(User.email, User.password_hash))}
    assert len({stored[e] for e in signing}) == len(signing)  # own salt and own password
    assert len({password_for(secret, e) for e in signing}) == len(signing)
    assert all(stored[e] == NO_PASSWORD for e in stored if e not in signing)
    for email in (INSTRUCTOR_EMAIL, learner_email(2 * cohort)):
        assert sign_in(seeded, email, password_for(secret, email)) == 302
    # Another account's password, another seed's secret, or any password for a learner
    # outside the signing set: refused.
    assert sign_in(seeded, learner_email(1), password_for(secret, learner_email(2))) == 200
    assert sign_in(seeded, learner_email(1), password_for(b"x" * 32, learner_email(1))) == 200
    outsider = learner_email(2 * cohort + 1)
    assert sign_in(seeded, outsider, password_for(secret, outsider)) == 200
    assert sign_in(seeded, outsider, NO_PASSWORD) == 200


def test_the_production_cli_has_no_bench_commands(app: Flask) -> None:
    """``flask --app wsgi`` lists no bench group; only the bench server registers it."""
    assert "bench" not in app.cli.commands
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "GROUNDWORK_ENV": "development", "FLASK_APP": ""}
    listed = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "--help"],
        cwd=root, env=env, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    assert "users" in listed and "bench" not in listed
    bench_app = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "bench/wsgi_bench.py", "bench", "--help"],
        cwd=root, env=env, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    assert "seed" in bench_app and "passwords" in bench_app


def test_passwords_follow_the_hash_cost_and_a_lost_secret(
    seeded: Flask, secret_file: Path, make_user
) -> None:
    """A cost change rehashes the signing accounts once; a lost secret draws a new one."""
    someone_else = make_user()
    theirs = someone_else.password_hash
    runner = seeded.test_cli_runner()
    again = ["passwords", "--secret-file", str(secret_file)]
    assert "0 benchmark accounts" in runner.invoke(bench, again).output
    seeded.config["PASSWORD_HASH_COST"] = Argon2Cost(memory_kib=16, iterations=1)
    result = runner.invoke(bench, again)
    assert result.exit_code == 0, result.output
    assert "6 benchmark accounts given a new password hash" in result.output  # 2 staff, 4
    db.session.expire_all()
    cheap = db.session.scalar(select(User.password_hash).where(User.email == INSTRUCTOR_EMAIL))
    assert cheap is not None and cheap.startswith("$argon2id$v=19$m=16,t=1,p=1$")
    assert db.session.get(User, someone_else.id).password_hash == theirs
    assert "0 benchmark accounts" in runner.invoke(bench, again).output
    old = read_secret(secret_file)
    secret_file.unlink()
    assert "6 benchmark accounts" in runner.invoke(bench, again).output
    new = read_secret(secret_file)
    assert new != old
    assert sign_in(seeded, learner_email(1), password_for(old, learner_email(1))) == 200
    assert sign_in(seeded, learner_email(1), password_for(new, learner_email(1))) == 302


def test_passwords_are_refused_in_production(database_url: str, tmp_path: Path) -> None:
    production = make_app(database_url, GROUNDWORK_ENV="production")
    with production.app_context():
        result = production.test_cli_runner().invoke(
            bench, ["passwords", "--secret-file", str(tmp_path / "secret")]
        )
        assert result.exit_code != 0 and "production" in result.output
        assert not (tmp_path / "secret").exists()
    production.extensions["db_engine"].dispose()
