"""Immutable specs of a course as the files describe it, and their JSON-friendly form."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from app.catalog.kinds import QuestionKind
from app.content.credit import MINUTES_PER_QUESTION, canonical_ce_hours, ce_hours_ceiling
from app.content.seattime import lesson_min_seconds, required_seconds, seat_time_hours

LEVELS = ("beginning", "intermediate", "advanced")
ANSWER_FEEDBACK = ("always", "after_passing")
QUESTION_KINDS: tuple[str, ...] = tuple(QuestionKind)


@dataclass(frozen=True, kw_only=True)
class ObjectiveSpec:
    """A learning objective: a slug `id` and the sentence learners are rated against."""

    id: str
    text: str

    def to_dict(self) -> dict[str, Any]:
        """Return the objective as plain JSON-friendly data."""
        return {"id": self.id, "text": self.text}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ObjectiveSpec:
        """Build an objective from `to_dict` output."""
        return cls(**data)


@dataclass(frozen=True, kw_only=True)
class InstructorSpec:
    """An instructor as printed on the course page: name, credentials, optional bio."""

    name: str
    credentials: str
    bio: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return the instructor as plain JSON-friendly data."""
        return {"name": self.name, "credentials": self.credentials, "bio": self.bio}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> InstructorSpec:
        """Build an instructor from `to_dict` output."""
        return cls(**data)


@dataclass(frozen=True, kw_only=True)
class ApprovalPeriod:
    """The dates (inclusive) between which the course may issue credit."""

    start: date
    end: date

    def to_dict(self) -> dict[str, Any]:
        """Return the period with ISO dates."""
        return {"start": self.start.isoformat(), "end": self.end.isoformat()}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ApprovalPeriod:
        """Build a period from `to_dict` output."""
        return cls(start=date.fromisoformat(data["start"]), end=date.fromisoformat(data["end"]))


@dataclass(frozen=True, kw_only=True)
class ChoiceSpec:
    """One answer choice of a question, with optional feedback shown with the result."""

    text: str
    correct: bool
    feedback: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return the choice as plain JSON-friendly data."""
        return {"text": self.text, "correct": self.correct, "feedback": self.feedback}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ChoiceSpec:
        """Build a choice from `to_dict` output."""
        return cls(**data)


@dataclass(frozen=True, kw_only=True)
class QuestionSpec:
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

    def to_dict(self) -> dict[str, Any]:
        """Return the question as plain JSON-friendly data."""
        return {
            "slug": self.slug,
            "kind": self.kind.value,  # a plain string, as YAML and JSON write it
            "objective": self.objective,
            "prompt": self.prompt,
            "explanation": self.explanation,
            "choices": [choice.to_dict() for choice in self.choices],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> QuestionSpec:
        """Build a question from `to_dict` output."""
        return cls(
            slug=data["slug"],
            kind=QuestionKind(data["kind"]),
            objective=data["objective"],
            prompt=data["prompt"],
            explanation=data["explanation"],
            choices=tuple(ChoiceSpec.from_dict(choice) for choice in data["choices"]),
        )


@dataclass(frozen=True, kw_only=True)
class QuizSpec:
    """A module quiz or the course's final quiz: a title and questions in order."""

    title: str
    questions: tuple[QuestionSpec, ...]

    def to_dict(self) -> dict[str, Any]:
        """Return the quiz as plain JSON-friendly data."""
        return {"title": self.title, "questions": [q.to_dict() for q in self.questions]}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> QuizSpec:
        """Build a quiz from `to_dict` output."""
        questions = tuple(QuestionSpec.from_dict(q) for q in data["questions"])
        return cls(title=data["title"], questions=questions)


@dataclass(frozen=True, kw_only=True)
class LessonSpec:
    """A lesson: slug (its file name), title, honest minutes, Markdown body and, when the
    file sets one, the least seat time in seconds (else derived from the word count)."""

    slug: str
    title: str
    minutes: int
    body: str
    min_seconds: int | None = None

    @property
    def minimum_seconds(self) -> int:
        """The seat time this lesson asks for: declared, or its reading time."""
        return lesson_min_seconds(self.min_seconds, self.body)

    def to_dict(self) -> dict[str, Any]:
        """Return the lesson as plain JSON-friendly data."""
        return {
            "slug": self.slug,
            "title": self.title,
            "minutes": self.minutes,
            "body": self.body,
            "min_seconds": self.min_seconds,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LessonSpec:
        """Build a lesson from `to_dict` output (drafts saved before seat time have none)."""
        return cls(
            slug=data["slug"],
            title=data["title"],
            minutes=data["minutes"],
            body=data["body"],
            min_seconds=data.get("min_seconds"),
        )


@dataclass(frozen=True, kw_only=True)
class ModuleSpec:
    """A module: slug (its folder name), texts, objectives, lessons in order and its quiz."""

    slug: str
    title: str
    summary: str
    objectives: tuple[ObjectiveSpec, ...]
    lessons: tuple[LessonSpec, ...]
    quiz: QuizSpec

    def to_dict(self) -> dict[str, Any]:
        """Return the module as plain JSON-friendly data."""
        return {
            "slug": self.slug,
            "title": self.title,
            "summary": self.summary,
            "objectives": [objective.to_dict() for objective in self.objectives],
            "lessons": [lesson.to_dict() for lesson in self.lessons],
            "quiz": self.quiz.to_dict(),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ModuleSpec:
        """Build a module from `to_dict` output."""
        return cls(
            slug=data["slug"],
            title=data["title"],
            summary=data["summary"],
            objectives=tuple(ObjectiveSpec.from_dict(o) for o in data["objectives"]),
            lessons=tuple(LessonSpec.from_dict(lesson) for lesson in data["lessons"]),
            quiz=QuizSpec.from_dict(data["quiz"]),
        )


@dataclass(frozen=True, kw_only=True)
class CourseSpec:
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
    modules: tuple[ModuleSpec, ...]
    final_quiz: QuizSpec | None = None

    def quizzes(self) -> tuple[QuizSpec, ...]:
        """Return every quiz of the course: module quizzes in order, then the final quiz."""
        module_quizzes = tuple(module.quiz for module in self.modules)
        return module_quizzes + ((self.final_quiz,) if self.final_quiz else ())

    def total_minutes(self) -> int:
        """Return lesson minutes plus two minutes per quiz question (README, "CE hours")."""
        reading = sum(lesson.minutes for module in self.modules for lesson in module.lessons)
        questions = sum(len(quiz.questions) for quiz in self.quizzes())
        return reading + MINUTES_PER_QUESTION * questions

    def seat_time_hours(self) -> Decimal:
        """Hours the least seat time allows: lesson minimums plus quiz time (README)."""
        lessons = sum(
            required_seconds(lesson.minimum_seconds, self.min_seconds_per_lesson)
            for module in self.modules
            for lesson in module.lessons
        )
        questions = sum(len(quiz.questions) for quiz in self.quizzes())
        return seat_time_hours(lessons, MINUTES_PER_QUESTION * questions)

    def max_ce_hours(self) -> Decimal:
        """Return the most CE hours this course's learner time allows."""
        return ce_hours_ceiling(self.total_minutes())

    def to_dict(self) -> dict[str, Any]:
        """Return the course as JSON-friendly data (ISO dates, CE hours as a string)."""
        period = self.approval_period
        return {
            "slug": self.slug,
            "title": self.title,
            "summary": self.summary,
            "description": self.description,
            "ce_hours": str(canonical_ce_hours(self.ce_hours)),
            "level": self.level,
            "delivery_format": self.delivery_format,
            "topics": list(self.topics),
            "objectives": [objective.to_dict() for objective in self.objectives],
            "instructors": [instructor.to_dict() for instructor in self.instructors],
            "references": list(self.references),
            "pass_mark": self.pass_mark,
            "attempt_limit": self.attempt_limit,
            "modules_unlock_in_order": self.modules_unlock_in_order,
            "min_seconds_per_lesson": self.min_seconds_per_lesson,
            "answer_feedback": self.answer_feedback,
            "shuffle_questions": self.shuffle_questions,
            "shuffle_choices": self.shuffle_choices,
            "approval_statement": self.approval_statement,
            "approval_period": period.to_dict() if period else None,
            "modules": [module.to_dict() for module in self.modules],
            "final_quiz": self.final_quiz.to_dict() if self.final_quiz else None,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CourseSpec:
        """Build a course from `to_dict` output; `from_dict(c.to_dict()) == c`."""
        period, final_quiz = data.get("approval_period"), data.get("final_quiz")
        return cls(
            slug=data["slug"],
            title=data["title"],
            summary=data["summary"],
            description=data["description"],
            ce_hours=canonical_ce_hours(data["ce_hours"]),
            level=data["level"],
            delivery_format=data["delivery_format"],
            topics=tuple(data.get("topics", ())),
            objectives=tuple(ObjectiveSpec.from_dict(o) for o in data["objectives"]),
            instructors=tuple(InstructorSpec.from_dict(i) for i in data["instructors"]),
            references=tuple(data["references"]),
            pass_mark=data.get("pass_mark", 80),
            attempt_limit=data.get("attempt_limit", 3),
            modules_unlock_in_order=data.get("modules_unlock_in_order", True),
            min_seconds_per_lesson=data.get("min_seconds_per_lesson", 0),
            answer_feedback=data.get("answer_feedback", "after_passing"),
            shuffle_questions=data.get("shuffle_questions", False),
            shuffle_choices=data.get("shuffle_choices", False),
            approval_statement=data.get("approval_statement"),
            approval_period=ApprovalPeriod.from_dict(period) if period else None,
            modules=tuple(ModuleSpec.from_dict(module) for module in data["modules"]),
            final_quiz=QuizSpec.from_dict(final_quiz) if final_quiz else None,
        )

    def fingerprint(self) -> str:
        """Return the sha256 hex digest of the canonical JSON of `to_dict()`."""
        canonical = json.dumps(
            self.to_dict(), sort_keys=True, separators=(",", ":"), ensure_ascii=False
        )
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
