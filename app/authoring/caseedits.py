"""Edits to a module's case simulation in the draft, as pure functions over specs.

Two instructors may edit one case at once, so every edit made from a form names the version
the form was loaded from, as lessons and questions do (`app.authoring.edits`): the case's
settings, a scene, or (to take the case out) the whole case. A save or removal based on an
older version raises `EditConflict` with the version now in the draft. Unlike the lesson
forms, every case form has carried its version from the start, so a form without one is
treated as stale too: no post can overwrite a colleague's work by leaving the field out.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Mapping
from typing import Any

from app.authoring.edits import (
    EditConflict,
    EditError,
    _unchanged_since,
    fingerprint,
    module,
    put_module,
    slugify,
)
from app.content.spec import CaseChoiceSpec, CaseSpec, CourseSpec, EndingSpec, SceneSpec

#: The version an "Add the case" form was loaded from: the module had no case.
NO_CASE = "none"
#: What a missing version is compared as: never a fingerprint, so never current.
_UNKNOWN = "unknown"
#: The case fields its settings form edits.
CASE_SETTINGS = ("title", "summary", "requirement", "advisories", "start")


class RemovalConflict(EditConflict):
    """A removal from a page loaded before someone changed what it would remove."""

    def __init__(self, kind: str, theirs: CaseSpec | SceneSpec) -> None:
        super().__init__(kind, theirs)
        self.args = (
            f"A co-instructor (or you, in another tab) changed this {kind} after you opened "
            f"it, so it has not been taken out. The version now in the draft is shown below; "
            f"if you still mean to take it out, do it again from this page.",
        )


def whole_case_version(case: CaseSpec) -> str:
    """The version of a case with all its scenes: what taking the case out would lose."""
    parts = [fingerprint(case), *(fingerprint(scene) for scene in case.scenes)]
    return hashlib.sha256(" ".join(parts).encode()).hexdigest()[:32]


def case_of(spec: CourseSpec, module_slug: str) -> CaseSpec | None:
    """The draft module's case, if it has one (EditError when the module is gone)."""
    return module(spec, module_slug).case


def set_case(spec: CourseSpec, module_slug: str, case: CaseSpec | None) -> CourseSpec:
    """Give the module this case (None takes the case out of the module)."""
    current = module(spec, module_slug)
    return put_module(spec, dataclasses.replace(current, case=case), module_slug)


def starter_case(title: str, summary: str, objective: str, taken: tuple[str, ...] = ()) -> CaseSpec:
    """A new case that plays from the first save: an opening scene with two choices, each
    leading to an ending tied to `objective`. The author rewrites it scene by scene."""

    def end(scene_id: str, outcome: str, rating: str, score: int) -> SceneSpec:
        return SceneSpec(
            id=scene_id,
            title=outcome,
            narrative="Describe how the session ends.",
            ending=EndingSpec(
                outcome=outcome,
                rating=rating,
                score=score,
                debrief="Say what this ending shows and which objective it draws on.",
                objectives=(objective,),
            ),
        )

    return CaseSpec(
        slug=slugify(title, taken, "case"),
        title=title,
        summary=summary,
        start="opening",
        scenes=(
            SceneSpec(
                id="opening",
                title="Opening",
                narrative="Describe the moment the learner must respond to.",
                choices=(
                    CaseChoiceSpec(
                        text="The response you recommend",
                        rating="best",
                        next="good-ending",
                        feedback="Why this response fits.",
                    ),
                    CaseChoiceSpec(
                        text="A response that puts the client at risk",
                        rating="risky",
                        next="poor-ending",
                        feedback="Why this response is risky.",
                    ),
                ),
            ),
            end("good-ending", "A good outcome", "best", 100),
            end("poor-ending", "A poor outcome", "risky", 30),
        ),
    )


def put_scene(case: CaseSpec, scene: SceneSpec, old_id: str | None = None) -> CaseSpec:
    """Add a scene at the end (`old_id` None) or replace the scene `old_id` (ids stay)."""
    ids = [s.id for s in case.scenes]
    if old_id is None:
        if scene.id in ids:
            raise EditError(f"A scene with the id {scene.id!r} already exists in this case.")
        return dataclasses.replace(case, scenes=(*case.scenes, scene))
    if old_id not in ids:
        raise EditError("That scene is no longer in the draft. Reload the page.")
    index = ids.index(old_id)
    return dataclasses.replace(
        case, scenes=(*case.scenes[:index], scene, *case.scenes[index + 1 :])
    )


def remove_scene(case: CaseSpec, scene_id: str) -> CaseSpec:
    """Take a scene out; choices that led to it are left for the checker to name."""
    if case.scene(scene_id) is None:
        raise EditError("That scene is no longer in the draft. Reload the page.")
    if scene_id == case.start:
        raise EditError("This is the case's first scene: choose another start before removing it.")
    return dataclasses.replace(case, scenes=tuple(s for s in case.scenes if s.id != scene_id))


def _current_case(spec: CourseSpec, module_slug: str) -> CaseSpec:
    case = case_of(spec, module_slug)
    if case is None:
        raise EditError("This module has no case in the draft any more. Reload the page.")
    return case


def save_settings(
    spec: CourseSpec,
    module_slug: str,
    settings: Mapping[str, Any],
    base: str | None,
    objective: str,
) -> CourseSpec:
    """Add the module's case (``base`` `NO_CASE`) or change its `CASE_SETTINGS` if they are
    still the version ``base``; its scenes are taken as they are now."""
    current = case_of(spec, module_slug)
    if base == NO_CASE:
        if current is not None:
            raise EditConflict("case", current)  # a colleague added one meanwhile
        new = dataclasses.replace(
            starter_case(settings["title"], settings["summary"], objective),
            **{key: value for key, value in settings.items() if key != "start"},
        )
        return set_case(spec, module_slug, new)
    current = _current_case(spec, module_slug)
    if settings.get("start") not in {scene.id for scene in current.scenes}:
        settings = {**settings, "start": current.start}
    new = dataclasses.replace(current, **settings)
    _unchanged_since(current, base or _UNKNOWN, new, "case")
    return set_case(spec, module_slug, new)


def save_scene(
    spec: CourseSpec,
    module_slug: str,
    scene: SceneSpec,
    old_id: str | None,
    base: str | None,
) -> CourseSpec:
    """Add a scene (`old_id` None) or replace the scene `old_id` if it is still the version
    ``base``; the other scenes are taken as they are now."""
    case = _current_case(spec, module_slug)
    if old_id is not None:
        current = case.scene(old_id)
        if current is None:
            raise EditError("That scene is no longer in the draft. Reload the page.")
        _unchanged_since(current, base or _UNKNOWN, scene, "scene")
    return set_case(spec, module_slug, put_scene(case, scene, old_id))


def drop_scene(spec: CourseSpec, module_slug: str, scene_id: str, base: str | None) -> CourseSpec:
    """Take a scene out if it is still the version ``base`` (else `RemovalConflict`)."""
    case = _current_case(spec, module_slug)
    current = case.scene(scene_id)
    if current is not None and fingerprint(current) != base:
        raise RemovalConflict("scene", current)
    return set_case(spec, module_slug, remove_scene(case, scene_id))


def drop_case(spec: CourseSpec, module_slug: str, base: str | None) -> CourseSpec:
    """Take the case out of its module if it is still, scenes and all, the version ``base``."""
    current = _current_case(spec, module_slug)
    if whole_case_version(current) != base:
        raise RemovalConflict("case", current)
    return set_case(spec, module_slug, None)
