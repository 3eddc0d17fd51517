"""``flask bench seed`` at a thousandth of full scale: the rows it writes obey the app's rules."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select

from app.accounts.models import User
from app.accounts.passwords import Argon2Cost
from app.benchdata import courses as bench_courses
from app.benchdata.cli import bench
from app.benchdata.journeys import EMAIL_DOMAIN, learner_email
from app.benchdata.seed import PASSWORD
from app.catalog.models import Course, Lesson, Module, Quiz
from app.certificates.models import Certificate
from app.content.reader import read_course
from app.content.writer import write_course
from app.db import db
from app.evaluations.models import CourseEvaluation
from app.learning.models import Enrollment, LessonProgress, ModuleCompletion
from app.quizzes.grading import grade
from app.quizzes.models import AttemptAnswer, QuizAttempt
from tests.conftest import make_app

LEARNERS = 100  # 100,000 x 0.001


@pytest.fixture
def seeded(app: Flask) -> Flask:
    """The test database after ``flask bench seed --scale 0.001``."""
    result = app.test_cli_runner().invoke(bench, ["seed", "--scale", "0.001"])
    assert result.exit_code == 0, result.output
    assert "certificates" in result.output and PASSWORD in result.output
    return app


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
    seeded: Flask,
) -> None:
    """The shared password works and the cohort's next step is the sixteen-question quiz."""
    client = seeded.test_client()
    signed_in = client.post("/sign-in", data={"email": learner_email(1), "password": PASSWORD})
    assert signed_in.status_code == 302
    resume = client.get(f"/courses/{bench_courses.QUIZ_DAY_COURSE}/continue")
    assert "/quizzes/" in resume.headers["Location"]
    quiz_id = int(resume.headers["Location"].rsplit("/", 1)[1])
    started = client.post(f"/courses/{bench_courses.QUIZ_DAY_COURSE}/quizzes/{quiz_id}/start")
    page = client.get(started.headers["Location"]).get_data(as_text=True)
    assert page.count('<fieldset class="question"') == bench_courses.QUIZ_DAY_QUESTIONS
    # Seeding twice would mix two data sets: the second run is refused and changes nothing.
    before = count(Enrollment)
    result = seeded.test_cli_runner().invoke(bench, ["seed", "--scale", "0.001"])
    assert result.exit_code != 0 and "already holds benchmark data" in result.output
    assert count(Enrollment) == before


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


def test_rehash_moves_the_generated_accounts_only_and_only_once(seeded: Flask, make_user) -> None:
    """A data set seeded under an older hash cost is brought to the current one."""
    someone_else = make_user()
    theirs = someone_else.password_hash
    seeded.config["PASSWORD_HASH_COST"] = Argon2Cost(memory_kib=16, iterations=1)
    runner = seeded.test_cli_runner()
    result = runner.invoke(bench, ["rehash"])
    assert result.exit_code == 0, result.output
    generated = count(User) - 1
    assert f"{generated:,} benchmark accounts given a new password hash" in result.output
    db.session.expire_all()
    hashes = set(db.session.scalars(select(User.password_hash).where(User.id != someone_else.id)))
    assert len(hashes) == 1 and hashes.pop().startswith("$argon2id$v=19$m=16,t=1,p=1$")
    assert db.session.get(User, someone_else.id).password_hash == theirs
    assert "0 benchmark accounts" in runner.invoke(bench, ["rehash"]).output
    signed_in = seeded.test_client().post(
        "/sign-in", data={"email": learner_email(1), "password": PASSWORD}
    )
    assert signed_in.status_code == 302


def test_rehash_is_refused_in_production(database_url: str) -> None:
    production = make_app(database_url, GROUNDWORK_ENV="production")
    with production.app_context():
        result = production.test_cli_runner().invoke(bench, ["rehash"])
        assert result.exit_code != 0 and "production" in result.output
    production.extensions["db_engine"].dispose()
