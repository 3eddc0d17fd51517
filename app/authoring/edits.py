"""Edits to a course spec as pure functions: each returns a new spec, the old one untouched."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
import unicodedata
from collections.abc import Mapping, Sequence
from typing import Any, Protocol, TypeVar

from app.content.spec import (
    BlueprintSpec,
    CaseSpec,
    CourseSpec,
    LessonSpec,
    ModuleSpec,
    ObjectiveSpec,
    QuestionSpec,
    SceneSpec,
)


class _Slugged(Protocol):
    """A module, lesson or question: what a list of them is searched by."""

    @property
    def slug(self) -> str:
        """The item's slug, unique among its siblings."""
        ...


T = TypeVar("T", bound=_Slugged)
#: The quiz fields the module form edits.
QUIZ_SETTINGS = ("advisories", "time_limit_minutes")
Editable = LessonSpec | QuestionSpec | ModuleSpec | CourseSpec | CaseSpec | SceneSpec


class EditError(ValueError):
    """An edit that cannot apply (the item is gone, the slug is taken); safe to show."""


class EditConflict(EditError):
    """Someone else saved the item since the form was loaded; ``theirs`` is what they saved."""

    def __init__(self, kind: str, theirs: Editable) -> None:
        super().__init__(
            f"A co-instructor (or you, in another tab) saved a change to this {kind} after "
            "you opened it, so your version is not saved yet: it is still in the form. The "
            "version now in the draft is shown below. Bring in what you need from it, then "
            "save again; or cancel to keep it."
        )
        self.kind = kind
        self.theirs = theirs


def _edited_fields(item: Editable) -> dict[str, object]:
    """What an item's edit form edits: a module's texts and objectives, not its lessons or
    its case; a course's settings, not its modules; a case's settings, not its scenes."""
    data = item.to_dict()
    if isinstance(item, ModuleSpec):
        quiz = data.pop("quiz")
        del data["lessons"]
        data.pop("case", None)  # the case editor's, with versions of its own
        # The module form edits its quiz's advisories and time limit too (when set).
        settings = {key: quiz[key] for key in QUIZ_SETTINGS if key in quiz}
        if settings:
            data["quiz_settings"] = settings
    if isinstance(item, CourseSpec):
        # The blueprint has its own page and version (`blueprint_fingerprint`).
        del data["modules"], data["final_quiz"]
        data.pop("blueprint", None)
    if isinstance(item, CaseSpec):
        del data["scenes"]
    return data


def fingerprint(item: Editable) -> str:
    """The version of an item an edit form was loaded from: a digest of what the form edits.

    Digesting the item rather than numbering the whole draft means a colleague's edit to
    another lesson is not a conflict, and it needs no column of its own.
    """
    canonical = json.dumps(_edited_fields(item), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()[:32]


def _unchanged_since(current: Editable, base: str | None, new: Editable, kind: str) -> None:
    """Refuse to replace ``current`` unless it is still the version the form was loaded from.

    No base (an old form, a script) keeps last-writer-wins; a save that would store what is
    already there is not a conflict, so a double click goes through.
    """
    if base and _edited_fields(current) != _edited_fields(new) and fingerprint(current) != base:
        raise EditConflict(kind, current)


def slugify(text: str, taken: Sequence[str] = (), fallback: str = "item") -> str:
    """A new slug from a title, unique among ``taken``: "A Title" becomes a-title."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    base = re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")[:60].strip("-") or fallback
    slug, number = base, 2
    while slug in taken:
        slug = f"{base}-{number}"
        number += 1
    return slug


def _index(items: Sequence[T], slug: str, kind: str) -> int:
    for index, item in enumerate(items):
        if item.slug == slug:
            return index
    raise EditError(f"That {kind} is no longer in the draft. Reload the page.")


def _replace(items: tuple[T, ...], slug: str, new: T, kind: str) -> tuple[T, ...]:
    index = _index(items, slug, kind)
    return (*items[:index], new, *items[index + 1 :])


def _move(items: tuple[T, ...], slug: str, step: int, kind: str) -> tuple[T, ...]:
    index = _index(items, slug, kind)
    target = index + step
    if not 0 <= target < len(items):
        return items
    moved = list(items)
    moved[index], moved[target] = moved[target], moved[index]
    return tuple(moved)


def _remove(items: tuple[T, ...], slug: str, kind: str) -> tuple[T, ...]:
    index = _index(items, slug, kind)
    return items[:index] + items[index + 1 :]


def module(spec: CourseSpec, slug: str) -> ModuleSpec:
    """The draft's module with this slug."""
    return spec.modules[_index(spec.modules, slug, "module")]


def put_module(spec: CourseSpec, new: ModuleSpec, slug: str | None = None) -> CourseSpec:
    """Add a module at the end, or replace the one with ``slug``."""
    if slug is None:
        if any(m.slug == new.slug for m in spec.modules):
            raise EditError("A module with that slug already exists.")
        return dataclasses.replace(spec, modules=(*spec.modules, new))
    return dataclasses.replace(spec, modules=_replace(spec.modules, slug, new, "module"))


def revise_module(
    spec: CourseSpec,
    slug: str,
    title: str,
    summary: str,
    objectives: tuple[ObjectiveSpec, ...],
    base: str | None = None,
    quiz_settings: Mapping[str, Any] | None = None,
) -> CourseSpec:
    """Change a module's title, summary and objectives (and its quiz's `QUIZ_SETTINGS`) if
    they are still the version ``base``; its lessons and questions are taken as they are
    now, never from the form's time."""
    current = module(spec, slug)
    quiz = dataclasses.replace(current.quiz, **(quiz_settings or {}))
    new = dataclasses.replace(
        current, title=title, summary=summary, objectives=objectives, quiz=quiz
    )
    _unchanged_since(current, base, new, "module")
    return put_module(spec, new, slug)


def revise_settings(
    spec: CourseSpec, settings: Mapping[str, Any], base: str | None = None
) -> CourseSpec:
    """Change the course's settings (anything but its modules) if they are still the version
    ``base``; the modules are taken as they are now."""
    new = dataclasses.replace(spec, **settings)
    _unchanged_since(spec, base, new, "course's settings")
    return new


def blueprint_fingerprint(spec: CourseSpec) -> str:
    """The version of the course's blueprint a blueprint form was loaded from."""
    rows = [row.to_dict() for row in spec.blueprint]
    return hashlib.sha256(json.dumps(rows, sort_keys=True).encode()).hexdigest()[:32]


def set_blueprint(
    spec: CourseSpec, rows: tuple[BlueprintSpec, ...], base: str | None = None
) -> CourseSpec:
    """Give the course this final post-test blueprint (none when ``rows`` is empty) if its
    blueprint is still the version ``base``; everything else is taken as it is now.

    Only the blueprint is compared: a colleague's new question or settings change is no
    conflict (the rules are checked again on the spec as it is now).
    """
    if base and spec.blueprint != rows and blueprint_fingerprint(spec) != base:
        raise EditConflict("final post-test blueprint", spec)
    return dataclasses.replace(spec, blueprint=rows)


def move_module(spec: CourseSpec, slug: str, step: int) -> CourseSpec:
    """Move a module up (-1) or down (+1)."""
    return dataclasses.replace(spec, modules=_move(spec.modules, slug, step, "module"))


def remove_module(spec: CourseSpec, slug: str) -> CourseSpec:
    """Take a module out of the draft (publishing retires it)."""
    return dataclasses.replace(spec, modules=_remove(spec.modules, slug, "module"))


def put_lesson(
    spec: CourseSpec,
    module_slug: str,
    new: LessonSpec,
    slug: str | None = None,
    base: str | None = None,
) -> CourseSpec:
    """Add a lesson at the end of a module, or replace the one with ``slug`` if it is still
    the version ``base`` (its fingerprint when the form was loaded)."""
    owner = module(spec, module_slug)
    if slug is None:
        lessons = (*owner.lessons, new)
    else:
        _unchanged_since(owner.lessons[_index(owner.lessons, slug, "lesson")], base, new, "lesson")
        lessons = _replace(owner.lessons, slug, new, "lesson")
    return put_module(spec, dataclasses.replace(owner, lessons=lessons), module_slug)


def move_lesson(spec: CourseSpec, module_slug: str, slug: str, step: int) -> CourseSpec:
    """Move a lesson up or down within its module."""
    owner = module(spec, module_slug)
    lessons = _move(owner.lessons, slug, step, "lesson")
    return put_module(spec, dataclasses.replace(owner, lessons=lessons), module_slug)


def remove_lesson(spec: CourseSpec, module_slug: str, slug: str) -> CourseSpec:
    """Take a lesson out of the draft (publishing retires it)."""
    owner = module(spec, module_slug)
    lessons = _remove(owner.lessons, slug, "lesson")
    return put_module(spec, dataclasses.replace(owner, lessons=lessons), module_slug)


def put_question(
    spec: CourseSpec,
    module_slug: str,
    new: QuestionSpec,
    slug: str | None = None,
    base: str | None = None,
) -> CourseSpec:
    """Add a question at the end of a module's quiz, or replace the one with ``slug`` if it
    is still the version ``base`` (its fingerprint when the form was loaded)."""
    owner = module(spec, module_slug)
    questions = owner.quiz.questions
    if slug is not None:
        _unchanged_since(questions[_index(questions, slug, "question")], base, new, "question")
    questions = (*questions, new) if slug is None else _replace(questions, slug, new, "question")
    quiz = dataclasses.replace(owner.quiz, questions=questions)
    return put_module(spec, dataclasses.replace(owner, quiz=quiz), module_slug)


def move_question(spec: CourseSpec, module_slug: str, slug: str, step: int) -> CourseSpec:
    """Move a question up or down within its quiz."""
    owner = module(spec, module_slug)
    quiz = dataclasses.replace(
        owner.quiz, questions=_move(owner.quiz.questions, slug, step, "question")
    )
    return put_module(spec, dataclasses.replace(owner, quiz=quiz), module_slug)


def remove_question(spec: CourseSpec, module_slug: str, slug: str) -> CourseSpec:
    """Take a question out of the draft (publishing retires it; past attempts keep it)."""
    owner = module(spec, module_slug)
    quiz = dataclasses.replace(
        owner.quiz, questions=_remove(owner.quiz.questions, slug, "question")
    )
    return put_module(spec, dataclasses.replace(owner, quiz=quiz), module_slug)
