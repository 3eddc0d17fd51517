"""Test data: courses built as specs and imported through the real importer."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from app.accounts.models import Role, User
from app.catalog.models import Course, CourseStaff
from app.content.importer import import_courses
from app.content.spec import (
    ChoiceSpec,
    CourseSpec,
    InstructorSpec,
    LessonSpec,
    ModuleSpec,
    ObjectiveSpec,
    QuestionSpec,
    QuizSpec,
)
from app.db import db

REFERENCES = ("Reference one.", "Reference two.", "Reference three.")


def question(slug: str, kind: str = "single") -> QuestionSpec:
    """A question whose first choice (or, for multiple, first two) is correct."""
    if kind == "true_false":
        choices = (ChoiceSpec(text="True", correct=True), ChoiceSpec(text="False", correct=False))
    elif kind == "multiple":
        choices = (
            ChoiceSpec(text="Right A", correct=True),
            ChoiceSpec(text="Right B", correct=True),
            ChoiceSpec(text="Wrong C", correct=False, feedback="C is unsafe."),
        )
    else:
        choices = (
            ChoiceSpec(text="Right", correct=True),
            ChoiceSpec(text="Wrong", correct=False, feedback="Not this one."),
            ChoiceSpec(text="Also wrong", correct=False),
        )
    return QuestionSpec(
        slug=slug,
        kind=kind,
        objective="goal",
        prompt=f"Prompt {slug}?",
        explanation=f"Because {slug}.",
        choices=choices,
    )


def module_spec(
    slug: str, lessons: int = 2, kinds: tuple[str, ...] = ("single", "multiple", "true_false")
) -> ModuleSpec:
    """A module with ``lessons`` lessons and one question per kind."""
    return ModuleSpec(
        slug=slug,
        title=f"Module {slug}",
        summary="A module.",
        objectives=(ObjectiveSpec(id="goal", text="Reach the goal."),),
        lessons=tuple(
            LessonSpec(
                slug=f"lesson-{i}",
                title=f"Lesson {slug} {i}",
                minutes=30,
                body=f"## Part {i}\n\nText of lesson {i}.",
            )
            for i in range(1, lessons + 1)
        ),
        quiz=QuizSpec(
            title=f"Quiz {slug}",
            questions=tuple(question("q-" + k.replace("_", "-"), k) for k in kinds),
        ),
    )


def course_spec(slug: str = "test-course", modules: int = 2, **settings: Any) -> CourseSpec:
    """A small course; keyword arguments override course settings."""
    values: dict[str, Any] = {
        "slug": slug,
        "title": f"Course {slug}",
        "summary": "A test course.",
        "description": "A course for tests.",
        "ce_hours": Decimal("1"),
        "level": "beginning",
        "delivery_format": "Online, self-paced (home study)",
        "topics": ("testing",),
        "objectives": (ObjectiveSpec(id="goal", text="Reach the goal."),),
        "instructors": (InstructorSpec(name="Ann Example", credentials="PhD"),),
        "references": REFERENCES,
        "attempt_limit": 2,
        "modules": tuple(module_spec(f"m{i}") for i in range(1, modules + 1)),
    }
    values.update(settings)
    return CourseSpec(**values)


def make_course(spec: CourseSpec | None = None, **settings: Any) -> Course:
    """Import a course and return it."""
    spec = spec or course_spec(**settings)
    import_courses([spec])
    course = db.session.query(Course).filter_by(slug=spec.slug).one()
    return course


def teach_signed_in(
    make_user: Callable[..., User], sign_in: Callable[..., User]
) -> tuple[Course, User]:
    """A published course (``make_course()``) and a new instructor who owns it, signed in.

    Pass the ``make_user`` and ``sign_in`` fixtures.
    """
    course = make_course()
    owner = make_user(Role.INSTRUCTOR)
    db.session.add(CourseStaff(course_id=course.id, user_id=owner.id, is_owner=True))
    db.session.commit()
    sign_in(user=owner)
    return course, owner
