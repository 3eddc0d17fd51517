"""Edits to a module's case simulation in the draft, as pure functions over specs."""

from __future__ import annotations

import dataclasses

from app.authoring.edits import EditError, module, put_module, slugify
from app.content.spec import CaseChoiceSpec, CaseSpec, CourseSpec, EndingSpec, SceneSpec


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
