"""What the load tests request, read from the seeded database before the server is loaded."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from seeding.courses import QUIZ_DAY_COURSE
from seeding.credentials import password_for, read_secret, secret_path
from seeding.journeys import EMAIL_DOMAIN, learner_email
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.audit.models import AuditEvent
from app.catalog.models import Choice, Course, Lesson, Module, Question, Quiz
from app.certificates.models import Certificate
from app.db import make_engine
from app.learning.models import Enrollment, LessonProgress


@dataclass(frozen=True)
class Targets:
    """Pages and people for one benchmark run."""

    #: (learner email, lesson path, lesson id): lessons the learner is reading now.
    lessons: list[tuple[str, str, int]]
    #: Public IDs of issued certificates.
    certificates: list[str]
    quiz_day_course: str
    quiz_day_quiz: int
    #: The quiz-day quiz's right answers: question id -> choice keys (positions).
    quiz_day_answers: dict[int, list[int]]
    #: Learners enrolled in the quiz-day course with its first quiz open to them.
    cohort: list[str]
    #: The course with the most enrollments (the heaviest insight page).
    busiest_course: str
    learners: int
    #: This data's sign-in secret (from beside the data, never from the repository).
    secret: bytes = field(repr=False, default=b"")

    def password(self, email: str) -> str:
        """The password of the generated account ``email``."""
        return password_for(self.secret, email)


def load_targets(database_url: str, lesson_readers: int = 64, seed: int = 1) -> Targets:
    """Pick targets at random (repeatably) from the seeded database."""
    rng = random.Random(seed)  # noqa: S311 (choosing pages, not secrets)
    secret = read_secret(secret_path(database_url))
    engine = make_engine(database_url)
    with Session(engine) as session:
        learners = session.scalar(
            select(func.count()).where(User.email.like(f"learner%@{EMAIL_DOMAIN}"))
        )
        cohort = _cohort(session)
        # Learners after the cohort with a password (seeding.credentials.signing_learners).
        readers = [learner_email(n) for n in range(len(cohort) + 1, 2 * len(cohort) + 1)]
        reading = session.execute(
            select(User.email, Course.slug, Module.slug, Lesson.slug, Lesson.id)
            .select_from(LessonProgress)
            .join(User, User.id == LessonProgress.user_id)
            .join(Lesson, Lesson.id == LessonProgress.lesson_id)
            .join(Module, Module.id == Lesson.module_id)
            .join(Course, Course.id == Module.course_id)
            .join(
                Enrollment,
                (Enrollment.user_id == User.id) & (Enrollment.course_id == Course.id),
            )
            .where(LessonProgress.completed_at.is_(None), Enrollment.completed_at.is_(None))
            .where(User.email.in_(readers))
        ).all()
        by_learner: dict[str, tuple[str, str, int]] = {}
        for email, course, module, lesson, lesson_id in reading:
            by_learner.setdefault(email, (email, f"/courses/{course}/{module}/{lesson}", lesson_id))
        lessons = rng.sample(sorted(by_learner.values()), min(lesson_readers, len(by_learner)))
        public_ids = list(session.scalars(select(Certificate.public_id).order_by(Certificate.id)))
        certificates = rng.sample(public_ids, min(1000, len(public_ids)))
        quiz = session.scalar(
            select(Quiz.id)
            .join(Module, Module.id == Quiz.module_id)
            .join(Course, Course.id == Module.course_id)
            .where(Course.slug == QUIZ_DAY_COURSE, Module.position == 1)
        )
        right: dict[int, list[int]] = {}
        for question_id, position in session.execute(
            select(Question.id, Choice.position)
            .join(Choice, Choice.question_id == Question.id)
            .where(Question.quiz_id == quiz, Choice.is_correct.is_(True))
        ):
            right.setdefault(question_id, []).append(position)
        busiest = session.scalar(
            select(Course.slug)
            .join(Enrollment, Enrollment.course_id == Course.id)
            .group_by(Course.slug)
            .order_by(func.count().desc())
            .limit(1)
        )
    engine.dispose()
    assert quiz is not None and busiest is not None, "seed the database first"
    return Targets(
        lessons=lessons,
        certificates=certificates,
        quiz_day_course=QUIZ_DAY_COURSE,
        quiz_day_quiz=quiz,
        quiz_day_answers=right,
        cohort=cohort,
        busiest_course=busiest,
        learners=learners or 0,
        secret=secret,
    )


def _cohort(session: Session) -> list[str]:
    """Quiz-day learners: the first ones, as many as the seed recorded."""
    details = session.scalar(
        select(AuditEvent.details)
        .where(AuditEvent.action == "bench.seeded")
        .order_by(AuditEvent.id.desc())
        .limit(1)
    )
    if not details:
        raise SystemExit("No benchmark data here: run `flask bench seed` first.")
    return [learner_email(n) for n in range(1, details["quiz_day_cohort"] + 1)]
