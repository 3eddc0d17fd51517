"""What a draft changes compared with the published course, in words (pure)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from app.content.spec import CourseSpec, ModuleSpec, QuizSpec

SETTINGS = (
    "title", "summary", "description", "ce_hours", "level", "delivery_format", "topics",
    "objectives", "instructors", "references", "pass_mark", "attempt_limit",
    "modules_unlock_in_order", "min_seconds_per_lesson", "answer_feedback",
    "shuffle_questions", "shuffle_choices", "approval_statement", "approval_period",
    "credits", "blueprint",
)  # fmt: skip

T = TypeVar("T")


def _compare(
    kind: str,
    old: Sequence[T],
    new: Sequence[T],
    slug: Callable[[T], str],
    title: Callable[[T], str],
    inside: str = "",
) -> list[str]:
    where = f" in {inside}" if inside else ""
    before = {slug(item): item for item in old}
    after = {slug(item): item for item in new}
    lines = [f"Added {kind} “{title(item)}”{where}." for item in new if slug(item) not in before]
    lines += [
        f"Removed {kind} “{title(item)}”{where} (kept for learners' records)."
        for item in old
        if slug(item) not in after
    ]
    lines += [
        f"Changed {kind} “{title(item)}”{where}."
        for item in new
        if slug(item) in before and before[slug(item)] != item and kind != "module"
    ]
    if [slug(i) for i in old if slug(i) in after] != [slug(i) for i in new if slug(i) in before]:
        lines.append(f"Reordered {kind}s{where}.")
    return lines


def _quiz_changes(old: QuizSpec | None, new: QuizSpec | None, inside: str) -> list[str]:
    return _compare(
        "question",
        old.questions if old else (),
        new.questions if new else (),
        lambda q: q.slug,
        lambda q: q.prompt[:60],
        inside,
    )


def _module_changes(old: ModuleSpec, new: ModuleSpec) -> list[str]:
    inside = f"module “{new.title}”"
    lines = []
    if (old.title, old.summary, old.objectives) != (new.title, new.summary, new.objectives):
        lines.append(f"Changed the title, summary or objectives of {inside}.")
    lines += _compare(
        "lesson", old.lessons, new.lessons, lambda le: le.slug, lambda le: le.title, inside
    )
    lines += _quiz_changes(old.quiz, new.quiz, inside)
    lines += _compare(
        "case",
        (old.case,) if old.case else (),
        (new.case,) if new.case else (),
        lambda case: case.slug,
        lambda case: case.title,
        inside,
    )
    return lines


def describe_changes(published: CourseSpec | None, draft: CourseSpec) -> list[str]:
    """Sentences describing every difference between the published course and the draft."""
    if published is None:
        return ["First publication of this course."]
    lines = [
        f"Changed the course setting “{name.replace('_', ' ')}”."
        for name in SETTINGS
        if getattr(published, name) != getattr(draft, name)
    ]
    lines += _compare(
        "module", published.modules, draft.modules, lambda m: m.slug, lambda m: m.title
    )
    old_modules = {m.slug: m for m in published.modules}
    for module in draft.modules:
        if module.slug in old_modules and old_modules[module.slug] != module:
            lines += _module_changes(old_modules[module.slug], module)
    lines += _quiz_changes(published.final_quiz, draft.final_quiz, "the final post-test")
    return lines
