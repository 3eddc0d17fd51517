"""What each generated learner did, as rows ready for bulk insertion (no database here).

Most learners take one to three courses. In each course a learner completes modules
in order (lessons, then the quiz, retaken after a failure), and either stops part
way, finishes without claiming the certificate, or files the evaluation, attests and
receives the certificate. Every row agrees with the app's rules: certificates only
for completed, evaluated and attested enrollments; attempt numbers 1, 2, ... per quiz;
answers drawn from the attempt's own snapshot; a module completed when its lessons
are complete and its quiz passed.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from app.accounts.models import LICENSE_STATES, PROFESSIONS
from app.certificates.identifiers import new_certificate_id

from .answers import QuestionShape, fill_in, partial

#: Courses per learner: 1 (half of them) up to 5.
COURSES_PER_LEARNER = {1: 0.50, 2: 0.28, 3: 0.14, 4: 0.05, 5: 0.03}
#: Share of enrollments that end with a certificate, and completed without one.
CERTIFIED, COMPLETED_ONLY = 0.273, 0.04
#: For learners who stop: modules completed (0-4), then lessons done in the next (5 = at quiz).
STOPPED_MODULES = {0: 0.62, 1: 0.18, 2: 0.10, 3: 0.06, 4: 0.04}
STOPPED_LESSONS = {0: 0.35, 1: 0.20, 2: 0.12, 3: 0.10, 4: 0.08, 5: 0.15}
#: Failed attempts before the pass.
FAILURES = {0: 0.74, 1: 0.20, 2: 0.06}
FIRST_NAMES = (
    "Alex", "Bea", "Carmen", "Dana", "Eli", "Farah", "Grace", "Hiro", "Ines", "Jamal", "Kai",
    "Lena", "Malik", "Nora", "Omar", "Priya", "Quinn", "Rosa", "Sam", "Tomas", "Uma", "Vera",
    "Wen", "Xavier", "Yara", "Zoe", "Maria Elena", "Nguyễn Thị", "José", "Siobhán",
)  # fmt: skip
LAST_NAMES = (
    "Abara", "Brennan", "Castillo", "Dubois", "Eriksen", "Fischer", "García", "Haddad", "Ito",
    "Jensen", "Kowalski", "López", "Mensah", "Novak", "Okafor", "Petrov", "Quint", "Rivera",
    "Schmidt", "Tanaka", "Usman", "Varga", "Williams", "Xu", "Yilmaz", "Zhang", "Minh Khai",
)  # fmt: skip
COMMENTS = (
    "Clear and practical; the tables helped.",
    "More case examples would help.",
    "The quiz questions matched the lessons well.",
    "Some lessons felt long.",
    "Useful for my team's protocols.",
)
EMAIL_DOMAIN = "bench.example"

Row = tuple[Any, ...]


def learner_email(number: int) -> str:
    """The email of generated learner ``number`` (1-based)."""
    return f"learner{number:06d}@{EMAIL_DOMAIN}"


def _pick(rng: random.Random, weights: dict[int, float]) -> int:
    return rng.choices(list(weights), list(weights.values()))[0]


@dataclass(frozen=True)
class ModuleShape:
    """A module's id, its lessons (id, minutes) and its quiz."""

    id: int
    lessons: tuple[tuple[int, int], ...]
    quiz_id: int
    snapshot: list[dict[str, Any]]
    questions: tuple[QuestionShape, ...]


@dataclass(frozen=True)
class CourseShape:
    """What the generator needs of an imported course, and what certificates print."""

    id: int
    slug: str
    title: str
    version: int
    ce_hours: Decimal
    delivery_format: str
    approval_statement: str
    pass_mark: int
    attempt_limit: int | None
    min_seconds_per_lesson: int
    objective_ids: tuple[str, ...]
    modules: tuple[ModuleShape, ...]
    popularity: float


@dataclass
class Rows:
    """Rows per table, in insertion order (parents before children)."""

    tables: dict[str, list[Row]] = field(default_factory=lambda: defaultdict(list))

    def add(self, table: str, row: Row) -> None:
        """Queue one row."""
        self.tables[table].append(row)


@dataclass
class Ids:
    """The next free primary key of each table."""

    next: dict[str, int]

    def take(self, table: str) -> int:
        """Reserve and return one id."""
        value = self.next[table]
        self.next[table] = value + 1
        return value


class Planner:
    """Plans learners in numbered batches; the same seed gives the same journeys."""

    def __init__(
        self,
        courses: list[CourseShape],
        ids: Ids,
        *,
        now: dt.datetime,
        password_hash: str,
        provider_name: str,
        quiz_day_course_id: int,
        quiz_day_cohort: int,
        revoker_id: int,
        seed: int = 0,
    ) -> None:
        self.courses = courses
        self.ids = ids
        self.now = now
        self.password_hash = password_hash
        self.provider_name = provider_name
        self.quiz_day = next(c for c in courses if c.id == quiz_day_course_id)
        self.cohort = quiz_day_cohort
        self.revoker_id = revoker_id
        self.seed = seed

    def plan(self, first: int, count: int) -> Rows:
        """Rows for learners ``first`` to ``first + count - 1``."""
        rows = Rows()
        for number in range(first, first + count):
            self._learner(random.Random(f"{self.seed}:{number}"), number, rows)  # noqa: S311 (data, not secrets)  # nosec B311
        return rows

    def _learner(self, rng: random.Random, number: int, rows: Rows) -> None:
        user_id = self.ids.take("users")
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        profession = rng.choice(PROFESSIONS)
        student = profession in ("Student or trainee", "Other")
        state = None if student else rng.choice(LICENSE_STATES[:51])
        user = _Learner(user_id, f"{first} {chr(65 + rng.randrange(26))}. {last}", profession)
        user.license = (None if student else f"{state}-{rng.randint(10000, 999999)}", state)
        ability = rng.betavariate(6, 2)
        in_cohort = number <= self.cohort
        count = _pick(rng, COURSES_PER_LEARNER)
        others = [c for c in self.courses if not (in_cohort and c is self.quiz_day)]
        chosen = _weighted_sample(rng, others, count - 1 if in_cohort else count)
        activity: list[dt.datetime] = []
        if in_cohort:
            activity += self._enrollment(rng, user, self.quiz_day, ability, rows, quiz_day=True)
        for course in chosen:
            activity += self._enrollment(rng, user, course, ability, rows)
        created = min(activity) - dt.timedelta(days=rng.uniform(0, 30))
        rows.add(
            "users",
            (
                user_id,
                learner_email(number),
                self.password_hash,
                user.name,
                profession,
                user.license[0],
                user.license[1],
                "learner",
                True,
                created,
                1,
                created,
                max(activity),
            ),
        )

    def _enrollment(
        self,
        rng: random.Random,
        user: _Learner,
        course: CourseShape,
        ability: float,
        rows: Rows,
        quiz_day: bool = False,
    ) -> list[dt.datetime]:
        """Plan one enrollment on a timeline from 0; shift it into the past; emit its rows."""
        roll = rng.random()
        complete = not quiz_day and roll < CERTIFIED + COMPLETED_ONLY
        certified = complete and roll < CERTIFIED
        if complete:
            modules_done, lessons_next = len(course.modules), 0
        elif quiz_day:  # ready for the quiz-day quiz: module 1's lessons done, no attempt
            modules_done, lessons_next = 0, len(course.modules[0].lessons)
        else:
            modules_done = _pick(rng, STOPPED_MODULES)
            lessons_next = _pick(rng, STOPPED_LESSONS)
        journey = _Journey(rng, self.ids, user.id, course, ability)
        for module in course.modules[:modules_done]:
            journey.lessons(module, len(module.lessons))
            journey.pass_quiz(module)
        if not complete:
            module = course.modules[modules_done]
            journey.lessons(module, lessons_next, viewed_next=rng.random() < 0.8)
            if lessons_next == len(module.lessons) and not quiz_day:
                journey.stuck_at_quiz(module)
        span = journey.clock
        enrolled = self.now - dt.timedelta(seconds=span + rng.uniform(3600, 300 * 86400))
        journey.emit(rows, enrolled)
        completed_at = enrolled + dt.timedelta(seconds=span) if complete else None
        enrollment_id = self.ids.take("enrollments")
        attested = None
        if complete and (certified or rng.random() < 0.5):
            evaluated = completed_at + dt.timedelta(seconds=rng.uniform(60, 1800))
            self._evaluation(rng, user.id, course, evaluated, rows)
            if certified:
                attested = evaluated + dt.timedelta(seconds=rng.uniform(10, 300))
                self._certificate(rng, user, course, enrollment_id, completed_at, attested, rows)
        rows.add(
            "enrollments",
            (
                enrollment_id,
                user.id,
                course.id,
                enrolled,
                completed_at,
                course.version if complete else None,
                None,
                None,
                attested,
            ),
        )
        return [enrolled, (attested or completed_at or enrolled + dt.timedelta(seconds=span))]

    def _evaluation(
        self, rng: random.Random, user_id: int, course: CourseShape, at: dt.datetime, rows: Rows
    ) -> None:
        evaluation_id = self.ids.take("course_evaluations")
        scale = (1, 2, 3, 4, 5)
        leaning = (0.02, 0.04, 0.10, 0.40, 0.44)
        relevance, teaching = rng.choices(scale, leaning, k=2)
        bias = rng.choices(("yes", "unsure", "no"), (0.90, 0.08, 0.02))[0]
        comment = rng.choice(COMMENTS) if rng.random() < 0.12 else ""
        rows.add(
            "course_evaluations",
            (
                evaluation_id,
                user_id,
                course.id,
                course.version,
                at,
                relevance,
                teaching,
                bias,
                comment,
            ),
        )
        for objective in course.objective_ids:
            rating = rng.choices(scale, leaning)[0]
            rows.add(
                "objective_ratings",
                (self.ids.take("objective_ratings"), evaluation_id, objective, rating),
            )

    def _certificate(
        self,
        rng: random.Random,
        user: _Learner,
        course: CourseShape,
        enrollment_id: int,
        completed_at: dt.datetime,
        issued: dt.datetime,
        rows: Rows,
    ) -> None:
        revoked = rng.random() < 0.001
        revoked_at = min(self.now, issued + dt.timedelta(days=rng.uniform(1, 60)))
        rows.add(
            "certificates",
            (
                self.ids.take("certificates"),
                new_certificate_id(),
                user.id,
                course.id,
                enrollment_id,
                user.name,
                user.profession,
                user.license[0],
                user.license[1],
                course.title,
                course.version,
                course.ce_hours,
                course.delivery_format,
                completed_at.date(),
                issued,
                self.provider_name,
                course.approval_statement,
                None,
                None,
                revoked_at if revoked else None,
                "Issued in error (benchmark data)." if revoked else None,
                self.revoker_id if revoked else None,
            ),
        )


@dataclass
class _Learner:
    id: int
    name: str
    profession: str
    license: tuple[str | None, str | None] = (None, None)


def _weighted_sample(rng: random.Random, courses: list[CourseShape], k: int) -> list[CourseShape]:
    """``k`` distinct courses, popular ones more likely (Efraimidis-Spirakis keys)."""
    keyed = sorted(courses, key=lambda c: -math.log(rng.random()) / c.popularity)
    return keyed[: min(k, len(courses))]


def _gap(rng: random.Random, median_hours: float) -> float:
    """Seconds between two study sessions: log-normal, so most are short, a few long."""
    return math.exp(rng.gauss(math.log(median_hours * 3600), 1.3))


class _Journey:
    """One enrollment's events in seconds from enrollment; ``emit`` turns them into rows."""

    def __init__(
        self, rng: random.Random, ids: Ids, user_id: int, course: CourseShape, ability: float
    ) -> None:
        self.rng, self.ids, self.user_id = rng, ids, user_id
        self.course, self.ability = course, ability
        self.clock = 0.0
        self.progress: list[tuple[int, float, int, float | None]] = []
        self.modules: list[tuple[int, float]] = []
        self.attempts: list[tuple[ModuleShape, int, float, float | None, Any]] = []

    def lessons(self, module: ModuleShape, done: int, viewed_next: bool = False) -> None:
        """Complete the first ``done`` lessons; perhaps open the next one."""
        floor = self.course.min_seconds_per_lesson
        for lesson_id, minutes in module.lessons[:done]:
            self.clock += _gap(self.rng, 4)
            seconds = max(floor, int(minutes * 60 * self.rng.lognormvariate(0, 0.35)))
            self.progress.append((lesson_id, self.clock, seconds, self.clock + seconds + 2))
            self.clock += seconds + 2
        if viewed_next and done < len(module.lessons):
            self.clock += _gap(self.rng, 4)
            seconds = int(module.lessons[done][1] * 60 * self.rng.uniform(0.1, 0.9))
            self.progress.append((module.lessons[done][0], self.clock, seconds, None))
            self.clock += seconds

    def _attempt(self, module: ModuleShape, must_pass: bool | None) -> None:
        self.clock += _gap(self.rng, 1)
        started = self.clock
        if must_pass is None:
            self.attempts.append((module, len(self._of(module)) + 1, started, None, None))
            return
        sheet = fill_in(self.rng, module.questions, self.ability, self.course.pass_mark, must_pass)
        self.clock += len(module.questions) * self.rng.uniform(25, 80)
        self.attempts.append((module, len(self._of(module)) + 1, started, self.clock, sheet))

    def _of(self, module: ModuleShape) -> list[Any]:
        return [a for a in self.attempts if a[0] is module]

    def _failures_allowed(self, wanted: int, passing: bool) -> int:
        limit = self.course.attempt_limit
        if limit is None:
            return wanted
        return min(wanted, limit - 1 if passing else limit)

    def pass_quiz(self, module: ModuleShape) -> None:
        """Fail zero or more times, then pass; the module is then complete."""
        for _ in range(self._failures_allowed(_pick(self.rng, FAILURES), passing=True)):
            self._attempt(module, must_pass=False)
        self._attempt(module, must_pass=True)
        self.modules.append((module.id, self.clock))

    def stuck_at_quiz(self, module: ModuleShape) -> None:
        """Lessons done but quiz not passed: not tried yet, part-way through, or failed."""
        roll = self.rng.random()
        if roll < 0.30:
            return
        if roll < 0.45:
            self._attempt(module, must_pass=None)
            return
        failures = self._failures_allowed(_pick(self.rng, {1: 0.6, 2: 0.3, 3: 0.1}), False)
        for _ in range(max(1, failures)):
            self._attempt(module, must_pass=False)

    def emit(self, rows: Rows, start: dt.datetime) -> None:
        """Write the journey's rows with times counted from ``start``."""

        def at(seconds: float) -> dt.datetime:
            return start + dt.timedelta(seconds=seconds)

        ids, user_id = self.ids, self.user_id
        for lesson_id, viewed, seconds, completed in self.progress:
            done = at(completed) if completed is not None else None
            rows.add(
                "lesson_progress",
                (ids.take("lesson_progress"), user_id, lesson_id, at(viewed), seconds, done),
            )
        for module_id, when in self.modules:
            rows.add(
                "module_completions", (ids.take("module_completions"), user_id, module_id, at(when))
            )
        for module, number, started, submitted, sheet in self.attempts:
            attempt_id = ids.take("quiz_attempts")
            if sheet is None:
                answers = partial(self.rng, module.questions, self.ability)
                rows.add(
                    "quiz_attempts",
                    (
                        attempt_id,
                        user_id,
                        module.quiz_id,
                        number,
                        "in_progress",
                        at(started),
                        None,
                        self.course.pass_mark,
                        None,
                        None,
                        module.snapshot,
                    ),
                )
            else:
                answers = sheet.answers
                rows.add(
                    "quiz_attempts",
                    (
                        attempt_id,
                        user_id,
                        module.quiz_id,
                        number,
                        "submitted",
                        at(started),
                        at(submitted),
                        self.course.pass_mark,
                        sheet.score,
                        sheet.passed,
                        module.snapshot,
                    ),
                )
            for question_id, selected, right in answers:
                rows.add(
                    "attempt_answers",
                    (ids.take("attempt_answers"), attempt_id, question_id, selected, right),
                )
