"""Starting, saving and submitting quiz attempts.

An attempt freezes what it asks when it starts (the snapshot), so a later edit to
a question never changes a past result. Submitting is a conditional UPDATE from
``in_progress`` to ``submitted``: whichever request gets there first grades the
attempt; a double click, a second tab or a second worker finds it already
submitted and changes nothing.
"""

from __future__ import annotations

import datetime as dt
import random
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import Insert, Text, bindparam, cast, delete, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from app import events
from app.accounts.models import User
from app.audit.services import record
from app.catalog.kinds import QuestionKind
from app.catalog.models import Course, Module, Question, Quiz
from app.content.blueprint import PoolQuestion, draw
from app.content.spec import BlueprintSpec
from app.db import FOR_CHANGE, db, rows_matched, upsert_insert, utcnow
from app.learning.models import Enrollment
from app.learning.queries import OPEN_COURSE, ROW_ONLY
from app.quizzes.deadlines import GRACE, Phase, deadline_for, phase
from app.quizzes.grading import AnswerError, Grade, grade, unanswered
from app.quizzes.models import Accommodation, AttemptAnswer, AttemptState, QuizAttempt
from app.quizzes.snapshot import QuestionSnapshot, snapshot_of


class QuizError(Exception):
    """A refused quiz action; the message is safe to show the learner."""


@dataclass(frozen=True)
class QuizStanding:
    """A learner's attempts at a quiz and what they may do next."""

    attempts: list[QuizAttempt]
    limit: int | None
    #: The learner's accommodation in this course, if any (its extra attempts are in `limit`).
    accommodation: Accommodation | None = None

    @property
    def used(self) -> int:
        """Attempts started so far."""
        return len(self.attempts)

    @property
    def open_attempt(self) -> QuizAttempt | None:
        """The attempt in progress, if any."""
        return next((a for a in self.attempts if a.is_open), None)

    @property
    def passed(self) -> bool:
        """Whether any attempt passed."""
        return any(a.passed for a in self.attempts)

    @property
    def remaining(self) -> int | None:
        """Attempts left (None when unlimited)."""
        return None if self.limit is None else max(0, self.limit - self.used)

    @property
    def can_start(self) -> bool:
        """Whether a new attempt may begin."""
        return self.open_attempt is None and (self.remaining is None or self.remaining > 0)


def quiz_with_questions(quiz_id: int) -> Quiz | None:
    """A quiz with its questions and choices loaded."""
    return db.session.scalar(
        select(Quiz)
        .where(Quiz.id == quiz_id)
        .options(selectinload(Quiz.questions).selectinload(Question.choices))
    )


def accommodation_for(user_id: int, course_id: int) -> Accommodation | None:
    """The learner's extra time and attempts in the course, if any were set."""
    return db.session.scalar(
        select(Accommodation).where(
            Accommodation.user_id == user_id, Accommodation.course_id == course_id
        )
    )


def attempt_limit(course: Course, accommodation: Accommodation | None) -> int | None:
    """The course's attempt limit plus the learner's extra attempts (None stays unlimited)."""
    if course.attempt_limit is None:
        return None
    return course.attempt_limit + (accommodation.extra_attempts if accommodation else 0)


def standing(user: User, quiz: Quiz, course: Course) -> QuizStanding:
    """The user's attempts at ``quiz``, oldest first; a timed one past its deadline is graded.

    The learner's accommodation rides on the attempts' statement (an outer join), so the
    result page costs no more statements than before; only a learner with no attempt yet
    reads it separately.
    """
    rows = db.session.execute(
        select(QuizAttempt, Accommodation)
        .outerjoin(
            Accommodation,
            (Accommodation.user_id == QuizAttempt.user_id) & (Accommodation.course_id == course.id),
        )
        .where(QuizAttempt.user_id == user.id, QuizAttempt.quiz_id == quiz.id)
        .order_by(QuizAttempt.number)
    ).all()
    attempts = [attempt for attempt, _ in rows]
    if any(close_if_expired(a, course) for a in attempts if a.is_open):
        return standing(user, quiz, course)
    accommodation = rows[0][1] if rows else accommodation_for(user.id, course.id)
    return QuizStanding(
        attempts=attempts, limit=attempt_limit(course, accommodation), accommodation=accommodation
    )


def blueprint_of(quiz: Quiz, course: Course) -> tuple[BlueprintSpec, ...]:
    """The blueprint ``quiz`` draws from: the course's, for its final post-test; else none."""
    if quiz.module_id is not None or quiz.course_id != course.id:
        return ()
    return tuple(BlueprintSpec.from_dict(row) for row in course.blueprint or ())


def asked_count(quiz: Quiz, course: Course) -> int:
    """How many questions an attempt at ``quiz`` asks (a blueprint's draws, or all)."""
    rows = blueprint_of(quiz, course)
    return sum(row.draw for row in rows) if rows else quiz.question_count


def draw_pool(course: Course) -> list[tuple[Question, PoolQuestion]]:
    """Every question a blueprint may draw: current questions of the course's current
    module quizzes and of its final quiz, in course order (the draw depends on it)."""
    rows = db.session.execute(
        select(Question, Module.slug)
        .join(Quiz, Quiz.id == Question.quiz_id)
        .outerjoin(Module, Module.id == Quiz.module_id)
        .where(
            Quiz.course_id == course.id,
            Question.retired_at.is_(None),
            (Quiz.module_id.is_(None)) | (Module.retired_at.is_(None)),
        )
        .order_by(Module.position.is_(None), Module.position, Question.position, Question.id)
        .options(selectinload(Question.choices))
    ).all()
    return [(question, PoolQuestion(slug, question.objective)) for question, slug in rows]


def drawn_questions(course: Course, rows: tuple[BlueprintSpec, ...], seed: int) -> list[Question]:
    """The questions the attempt with ``seed`` asks, drawn by the blueprint ``rows``."""
    return draw(rows, draw_pool(course), seed)


def _snapshot(
    quiz: Quiz, course: Course, questions: list[Question] | None = None
) -> list[QuestionSnapshot]:
    asked = [snapshot_of(q) for q in (quiz.active_questions if questions is None else questions)]
    rng = random.SystemRandom()
    if course.shuffle_questions:
        rng.shuffle(asked)
    if course.shuffle_choices:
        for question in asked:
            if question["kind"] != QuestionKind.TRUE_FALSE:
                rng.shuffle(question["choices"])
    return asked


def start_attempt(user: User, quiz: Quiz, course: Course) -> QuizAttempt:
    """Resume the open attempt, or start the next one if the limit allows."""
    current = standing(user, quiz, course)
    if current.open_attempt is not None:
        return current.open_attempt
    if not current.can_start:
        raise QuizError(
            f"You have used all {current.limit} attempts at this quiz. "
            "Please contact the course team if you need help."
        )
    rows = blueprint_of(quiz, course)
    seed = secrets.randbits(62) if rows else None
    questions = drawn_questions(course, rows, seed) if seed is not None else None
    if not (quiz.active_questions if questions is None else questions):
        raise QuizError("This quiz has no questions yet.")
    number = (
        db.session.scalar(
            select(func.max(QuizAttempt.number)).where(
                QuizAttempt.user_id == user.id, QuizAttempt.quiz_id == quiz.id
            )
        )
        or 0
    ) + 1
    started = utcnow()
    multiplier = current.accommodation.time_multiplier if current.accommodation else Decimal(1)
    attempt = QuizAttempt(
        user_id=user.id,
        quiz_id=quiz.id,
        number=number,
        state=AttemptState.IN_PROGRESS.value,
        started_at=started,
        # Fixed now, on the server: nothing the browser sends can move it.
        deadline_at=deadline_for(started, quiz.time_limit_minutes, multiplier),
        pass_mark=course.pass_mark,
        snapshot=_snapshot(quiz, course, questions),
        draw_seed=seed,
    )
    db.session.add(attempt)
    try:
        db.session.flush()
        record("quiz.attempt_started", "quiz", quiz.id, actor_id=user.id, attempt=number)
        db.session.commit()
    except IntegrityError:  # another tab started one at the same moment: use that one
        db.session.rollback()
        resumed = standing(user, quiz, course).open_attempt
        if resumed is None:
            raise QuizError("That attempt could not be started. Please try again.") from None
        return resumed
    return attempt


#: An attempt page's whole read after the user, in one statement: the attempt if it is
#: theirs, its quiz, and its course's row if learners can still reach the course. Quiz day
#: is mostly autosaves, so each statement saved here is saved thousands of times.
_OWN_ATTEMPT = (
    select(QuizAttempt, Quiz, Course)
    .join(Quiz, Quiz.id == QuizAttempt.quiz_id)
    .join(Course, Course.id == Quiz.course_id)
    .where(
        QuizAttempt.id == bindparam("attempt_id"),
        QuizAttempt.user_id == bindparam("user_id"),
        OPEN_COURSE,
    )
    .options(*ROW_ONLY)
)
#: The same read for a save or a submission, locking the attempt's row until the write
#: commits (PostgreSQL; SQLite serialises writers anyway and SQLAlchemy leaves the clause
#: out there). Two tabs saving at once then replace the answers one after the other instead
#: of both deleting and both inserting, which broke the unique key (HTTP 500) or could mix
#: two answer sets; and a save queued behind a submission sees it submitted and changes
#: nothing. The lock rides on a read the request makes anyway, so it costs no statement.
_OWN_ATTEMPT_TO_WRITE = _OWN_ATTEMPT.with_for_update(of=QuizAttempt, **FOR_CHANGE)


def own_attempt(
    user: User, attempt_id: int, *, to_write: bool = False
) -> tuple[QuizAttempt, Quiz, Course] | None:
    """The user's attempt with its quiz and course; None for anyone else's attempt, or for
    one whose course is no longer open to learners. ``to_write`` locks the attempt until
    the request's transaction ends, so saves and submissions of it take turns."""
    found = db.session.execute(
        _OWN_ATTEMPT_TO_WRITE if to_write else _OWN_ATTEMPT,
        {"attempt_id": attempt_id, "user_id": user.id},
    ).one_or_none()
    if found is None:
        return None
    attempt, quiz, course = found
    return attempt, quiz, course


def _write_answers(
    attempt: QuizAttempt, answers: Mapping[int, frozenset[int]], result: Grade | None = None
) -> None:
    """Make the stored answers these: rows of cleared questions deleted, the rest upserted.

    An autosave sends the whole form but usually changes one answer. One INSERT ... ON
    CONFLICT DO UPDATE writes only the rows whose choices (or grade) differ, in place, so a
    save costs one small update instead of deleting and re-inserting every answer with its
    index entries (on quiz day the old way was the busiest statement in PostgreSQL). Graded,
    every question gets a row, an unanswered one with no choices and marked wrong.
    """
    correct = {q.question_id: q.is_correct for q in result.questions} if result else {}
    rows = [
        {
            "attempt_id": attempt.id,
            "question_id": question_id,
            "selected": sorted(keys),
            "is_correct": correct.get(question_id),
        }
        for question_id, keys in answers.items()
    ]
    if result:
        rows += [
            {
                "attempt_id": attempt.id,
                "question_id": question.question_id,
                "selected": [],
                "is_correct": False,
            }
            for question in result.questions
            if question.question_id not in answers
        ]
    kept = [row["question_id"] for row in rows]
    cleared = delete(AttemptAnswer).where(AttemptAnswer.attempt_id == attempt.id)
    if kept:
        cleared = cleared.where(AttemptAnswer.question_id.not_in(kept))
    db.session.execute(cleared)
    if not rows:
        return
    db.session.execute(_upsert_answers(), rows)


def _upsert_answers() -> Insert:
    """INSERT one answer, or update its row in place when its choices or grade differ.

    Run with a list of rows it is one prepared statement executed many times (one round
    trip with psycopg's pipeline), built once per dialect: a multi-row VALUES would be
    compiled afresh on every save. JSON has no equality operator in PostgreSQL; its
    text, written by one serialiser from a sorted list, is equal exactly when the
    choices are.
    """
    dialect = db.engine.dialect.name
    if dialect not in _UPSERTS:
        answers = AttemptAnswer.metadata.tables[AttemptAnswer.__tablename__]
        statement = upsert_insert(answers)
        new = statement.excluded
        table = answers.c
        _UPSERTS[dialect] = statement.on_conflict_do_update(
            index_elements=["attempt_id", "question_id"],
            set_={"selected": new.selected, "is_correct": new.is_correct},
            where=or_(
                cast(table.selected, Text) != cast(new.selected, Text),
                table.is_correct.is_distinct_from(new.is_correct),
            ),
        )
    return _UPSERTS[dialect]


_UPSERTS: dict[str, Insert] = {}


class TimeUp(QuizError):
    """A save or submission after the attempt's time ran out; the saved answers count."""


def save_answers(
    attempt: QuizAttempt, answers: Mapping[int, frozenset[int]], now: dt.datetime | None = None
) -> None:
    """Keep the answers given so far, so the attempt can be resumed anywhere.

    A timed attempt takes saves only until its deadline: what was saved then is what counts.
    """
    if not attempt.is_open:
        raise QuizError("This attempt has already been submitted; its answers cannot change.")
    if phase(now or utcnow(), attempt.deadline_at) is not Phase.OPEN:
        raise TimeUp(
            "Time is up for this attempt, so its answers can no longer change. "
            "The answers saved before the deadline are the ones graded."
        )
    _write_answers(attempt, answers)
    db.session.commit()


def _close(
    user: User,
    attempt: QuizAttempt,
    answers: Mapping[int, frozenset[int]],
    course: Course,
    enrollment: Enrollment | None,
    *,
    at_deadline: bool,
) -> bool:
    """Grade ``answers`` and mark the attempt submitted, if no one else did first.

    One conditional UPDATE decides: whichever request (a submission, a read after the
    deadline, the cron command) moves the row from ``in_progress`` grades it; every other
    finds nothing to move, rolls back and changes nothing. Returns whether this call graded.
    """
    result = grade(attempt.snapshot, answers, attempt.pass_mark)
    now = utcnow()
    claimed = db.session.execute(
        update(QuizAttempt)
        .where(QuizAttempt.id == attempt.id, QuizAttempt.state == AttemptState.IN_PROGRESS.value)
        .values(
            state=AttemptState.SUBMITTED.value,
            submitted_at=now,
            score=result.score,
            passed=result.passed,
            closed_at_deadline=at_deadline,
        )
        .execution_options(synchronize_session=False)
    )
    if rows_matched(claimed) != 1:
        db.session.rollback()
        return False
    _write_answers(attempt, answers, result)
    record(
        "quiz.closed_at_deadline" if at_deadline else "quiz.graded",
        "quiz_attempt",
        attempt.id,
        actor_id=user.id if not at_deadline else None,
        quiz=attempt.quiz_id,
        number=attempt.number,
        score=str(result.score),
        passed=result.passed,
        learner=user.id,
    )
    # Insight tallies a first attempt and learning settles completions (if passed), in
    # this transaction: the grade, its tallies and any completion commit together.
    if enrollment is not None:
        events.attempt_graded.emit(events.AttemptGraded(user, course, enrollment, attempt, result))
    db.session.commit()
    db.session.refresh(attempt)
    return True


def close_if_expired(attempt: QuizAttempt, course: Course, now: dt.datetime | None = None) -> bool:
    """Grade a timed attempt from its saved answers once its grace period is over.

    Called on every read of the attempt (its page, its result, the quiz page) and by
    ``flask quizzes close-expired``, so a learner who never comes back is still graded.
    Returns whether this call graded it.
    """
    if not attempt.is_open or phase(now or utcnow(), attempt.deadline_at) is not Phase.CLOSED:
        return False
    user = db.session.get(User, attempt.user_id)
    if user is None:
        return False
    enrollment = db.session.scalar(
        select(Enrollment).where(
            Enrollment.user_id == attempt.user_id, Enrollment.course_id == course.id
        )
    )
    return _close(user, attempt, attempt.answer_map(), course, enrollment, at_deadline=True)


def close_expired(now: dt.datetime | None = None) -> int:
    """Grade every timed attempt whose grace period is over; returns how many were graded."""
    moment = now or utcnow()
    ids = list(
        db.session.scalars(
            select(QuizAttempt.id).where(
                QuizAttempt.state == AttemptState.IN_PROGRESS.value,
                QuizAttempt.deadline_at.is_not(None),
                QuizAttempt.deadline_at < moment - GRACE,
            )
        )
    )
    graded = 0
    for attempt_id in ids:
        found = db.session.execute(
            select(QuizAttempt, Course)
            .join(Quiz, Quiz.id == QuizAttempt.quiz_id)
            .join(Course, Course.id == Quiz.course_id)
            .where(QuizAttempt.id == attempt_id)
            .with_for_update(of=QuizAttempt, **FOR_CHANGE)
        ).one_or_none()
        if found is not None:
            graded += close_if_expired(found[0], found[1], moment)
        db.session.rollback()  # ends the lock of one that someone else had graded
    return graded


def submit_attempt(
    user: User,
    attempt: QuizAttempt,
    answers: Mapping[int, frozenset[int]],
    course: Course,
    enrollment: Enrollment,
    now: dt.datetime | None = None,
) -> QuizAttempt:
    """Grade the attempt once; a second submission is refused and changes nothing.

    A timed attempt takes its submission until the grace period ends, unanswered questions
    and all once the deadline has passed (there is no time left to answer them). After
    the grace period the submission is refused and the answers saved before the deadline
    are graded instead.
    """
    if not attempt.is_open:
        raise QuizError("This attempt was already submitted; here is its result.")
    moment = now or utcnow()
    when = phase(moment, attempt.deadline_at)
    if when is Phase.CLOSED:
        close_if_expired(attempt, course, moment)
        raise TimeUp(
            "Time ran out for this attempt before these answers arrived, so they were not "
            "accepted. The answers saved before the deadline were graded; here is the result."
        )
    missing = unanswered(attempt.snapshot, answers)
    if missing and when is Phase.OPEN:
        save_answers(attempt, answers, moment)
        raise AnswerError(
            f"Please answer every question before submitting: {missing} "
            f"{'is' if missing == 1 else 'are'} still unanswered. Your answers so far are saved."
        )
    if not _close(user, attempt, answers, course, enrollment, at_deadline=False):
        raise QuizError("This attempt was already submitted; here is its result.")
    return attempt
