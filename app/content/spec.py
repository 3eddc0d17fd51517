"""Immutable specs of a course as the files describe them; `SpecData` gives their plain form."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from app.catalog.kinds import QuestionKind
from app.content.credit import MINUTES_PER_QUESTION, ce_hours_ceiling
from app.content.seattime import lesson_min_seconds, required_seconds, seat_time_hours
from app.content.specdata import SpecData

LEVELS = ("beginning", "intermediate", "advanced")
#: A field added after courses were fingerprinted: left out of the plain data while it holds
#: its default, so content that does not use it keeps its fingerprint (and its version).
OMIT_DEFAULT = {"omit_default": True}
ANSWER_FEEDBACK = ("always", "after_passing")
QUESTION_KINDS: tuple[str, ...] = tuple(QuestionKind)


@dataclass(frozen=True, kw_only=True)
class ObjectiveSpec(SpecData):
    """A learning objective: a slug `id` and the sentence learners are rated against."""

    id: str
    text: str


@dataclass(frozen=True, kw_only=True)
class InstructorSpec(SpecData):
    """An instructor as printed on the course page: name, credentials, optional bio."""

    name: str
    credentials: str
    bio: str | None = None


@dataclass(frozen=True, kw_only=True)
class ApprovalPeriod(SpecData):
    """The dates (inclusive) between which the course may issue credit."""

    start: date
    end: date


@dataclass(frozen=True, kw_only=True)
class CreditSpec(SpecData):
    """A credit the course offers: the approving body's code (`app.content.credittypes`),
    the hours it grants and the approval statement printed for it."""

    body: str
    hours: Decimal
    statement: str


@dataclass(frozen=True, kw_only=True)
class BlueprintSpec(SpecData):
    """One row of the final post-test's blueprint: a course objective, how many questions
    an attempt draws for it, and the module objectives (`module/objective`) they come from
    (the final quiz's questions on the course objective always count)."""

    objective: str
    draw: int
    sources: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class ChoiceSpec(SpecData):
    """One answer choice of a question, with optional feedback shown with the result."""

    text: str
    correct: bool
    feedback: str | None = None


@dataclass(frozen=True, kw_only=True)
class QuestionSpec(SpecData):
    """A quiz question: its slug, kind, the objective it assesses, texts and choices."""

    slug: str
    kind: QuestionKind
    objective: str
    prompt: str
    explanation: str
    choices: tuple[ChoiceSpec, ...]

    def __post_init__(self) -> None:
        """Hold the kind as a QuestionKind even when given its string ("single")."""
        object.__setattr__(self, "kind", QuestionKind(self.kind))


@dataclass(frozen=True, kw_only=True)
class QuizSpec(SpecData):
    """A module quiz or the course's final quiz: a title and questions in order."""

    title: str
    questions: tuple[QuestionSpec, ...]
    #: What the quiz depicts (codes of `app.content.advisories.ADVISORIES`).
    advisories: tuple[str, ...] = field(default=(), metadata=OMIT_DEFAULT)
    #: Minutes from the start of an attempt to its deadline; None: untimed.
    time_limit_minutes: int | None = field(default=None, metadata=OMIT_DEFAULT)


@dataclass(frozen=True, kw_only=True)
class LessonSpec(SpecData):
    """A lesson: slug (its file name), title, honest minutes, Markdown body and, when the
    file sets one, the least seat time in seconds (else derived from the word count)."""

    slug: str
    title: str
    minutes: int
    body: str
    min_seconds: int | None = None
    #: What the lesson depicts (codes of `app.content.advisories.ADVISORIES`).
    advisories: tuple[str, ...] = field(default=(), metadata=OMIT_DEFAULT)

    @property
    def minimum_seconds(self) -> int:
        """The seat time this lesson asks for: declared, or its reading time."""
        return lesson_min_seconds(self.min_seconds, self.body)


#: How an author rates a case choice (and an ending), best first (`courses/README.md`).
CASE_RATINGS = ("best", "acceptable", "risky", "harmful")
#: What a module asks of its case: nothing, any ending, or an ending rated acceptable or best.
CASE_REQUIREMENTS = ("none", "ending", "acceptable_ending")


@dataclass(frozen=True, kw_only=True)
class StatusLineSpec(SpecData):
    """One line of a scene's status panel, e.g. `Breathing` / `Fast and shallow`."""

    label: str
    value: str


@dataclass(frozen=True, kw_only=True)
class CaseChoiceSpec(SpecData):
    """What the therapist may do in a scene: the author's rating, feedback and next scene."""

    text: str
    rating: str
    next: str
    feedback: str


@dataclass(frozen=True, kw_only=True)
class EndingSpec(SpecData):
    """How a case ends: outcome, the author's rating and score, and what it draws on."""

    outcome: str
    rating: str
    score: int
    debrief: str
    objectives: tuple[str, ...]
    lessons: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class SceneSpec(SpecData):
    """One scene of a case: narrative, what the client says, a status panel, and either
    two to five choices or an ending."""

    id: str
    title: str
    narrative: str
    client_says: str | None = None
    status: tuple[StatusLineSpec, ...] = ()
    choices: tuple[CaseChoiceSpec, ...] = ()
    ending: EndingSpec | None = None


@dataclass(frozen=True, kw_only=True)
class CaseSpec(SpecData):
    """A branching case simulation: a graph of scenes from `start` to its endings."""

    slug: str
    title: str
    summary: str
    requirement: str = "none"
    advisories: tuple[str, ...] = ()
    start: str
    scenes: tuple[SceneSpec, ...]

    def scene(self, scene_id: str) -> SceneSpec | None:
        """The scene with this id, if the case has one."""
        return next((scene for scene in self.scenes if scene.id == scene_id), None)


@dataclass(frozen=True, kw_only=True)
class ModuleSpec(SpecData):
    """A module: slug (its folder name), texts, objectives, lessons in order and its quiz."""

    slug: str
    title: str
    summary: str
    objectives: tuple[ObjectiveSpec, ...]
    lessons: tuple[LessonSpec, ...]
    quiz: QuizSpec
    #: Left out of the plain form when absent, so courses without cases keep their fingerprint.
    case: CaseSpec | None = field(default=None, metadata=OMIT_DEFAULT)


@dataclass(frozen=True, kw_only=True)
class CourseSpec(SpecData):
    """A whole course as its files describe it; defaults are the README's."""

    slug: str
    title: str
    summary: str
    description: str
    ce_hours: Decimal
    level: str
    delivery_format: str
    topics: tuple[str, ...] = ()
    objectives: tuple[ObjectiveSpec, ...]
    instructors: tuple[InstructorSpec, ...]
    references: tuple[str, ...]
    pass_mark: int = 80
    attempt_limit: int | None = 3
    modules_unlock_in_order: bool = True
    min_seconds_per_lesson: int = 0
    answer_feedback: str = "after_passing"
    shuffle_questions: bool = False
    shuffle_choices: bool = False
    approval_statement: str | None = None
    approval_period: ApprovalPeriod | None = None
    credits: tuple[CreditSpec, ...] = field(default=(), metadata=OMIT_DEFAULT)
    blueprint: tuple[BlueprintSpec, ...] = field(default=(), metadata=OMIT_DEFAULT)
    modules: tuple[ModuleSpec, ...]
    final_quiz: QuizSpec | None = None
    #: The grounding exercise the Pause control opens; None: the site's default.
    grounding: str | None = field(default=None, metadata=OMIT_DEFAULT)

    def quizzes(self) -> tuple[QuizSpec, ...]:
        """Return every quiz of the course: module quizzes in order, then the final quiz."""
        module_quizzes = tuple(module.quiz for module in self.modules)
        return module_quizzes + ((self.final_quiz,) if self.final_quiz else ())

    def questions_asked(self) -> int:
        """Questions a learner answers: every module quiz's, then the final post-test's
        (as many as the blueprint draws, when there is one, else the final quiz's)."""
        asked = sum(len(module.quiz.questions) for module in self.modules)
        if self.blueprint:
            return asked + sum(row.draw for row in self.blueprint)
        return asked + (len(self.final_quiz.questions) if self.final_quiz else 0)

    def case_seconds(self) -> int:
        """Seconds the required cases ask at least: the cheapest path through each to an
        ending its requirement accepts (`app.content.casetime`); practice cases add none."""
        # Imported here: casetime reads the case specs this module defines.
        from app.content.casetime import case_min_seconds

        return sum(case_min_seconds(module.case) for module in self.modules if module.case)

    def total_minutes(self) -> int:
        """Return lesson minutes, two minutes per quiz question and the required cases'
        measured minutes, rounded down (README, "CE hours")."""
        reading = sum(lesson.minutes for module in self.modules for lesson in module.lessons)
        cases = self.case_seconds() // 60
        return reading + MINUTES_PER_QUESTION * self.questions_asked() + cases

    def seat_time_hours(self) -> Decimal:
        """Hours the least seat time allows: lesson minimums, quiz time and the required
        cases' minimum time (README, "CE hours")."""
        lessons = sum(
            required_seconds(lesson.minimum_seconds, self.min_seconds_per_lesson)
            for module in self.modules
            for lesson in module.lessons
        )
        seconds = lessons + self.case_seconds()
        return seat_time_hours(seconds, MINUTES_PER_QUESTION * self.questions_asked())

    def max_ce_hours(self) -> Decimal:
        """Return the most CE hours this course's learner time allows."""
        return ce_hours_ceiling(self.total_minutes())

    def fingerprint(self) -> str:
        """Return the sha256 hex digest of the canonical JSON of `to_dict()`.

        Fields added after courses were first imported (`credits`, `blueprint`,
        `grounding`, a step's `advisories`...) are marked ``omit_default`` and left out of
        `to_dict()` while they hold their default, so a course that does not use them
        keeps its fingerprint and is not re-versioned by an unchanged import.
        """
        data = self.to_dict()
        canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
