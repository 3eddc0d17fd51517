"""A run's debrief, worked out from the case as played and the choices made (pure).

The path taken stands beside the path the author recommends (the best-rated choice in
each scene, `casegraph.recommended_path`), with each choice's rating and feedback.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from app.content.casegraph import recommended_path
from app.content.spec import CaseSpec, EndingSpec, SceneSpec

#: How each rating reads on the page, next to its symbol (never colour alone).
RATING_LABELS = {
    "best": "Best",
    "acceptable": "Acceptable",
    "risky": "Risky",
    "harmful": "Harmful",
}


@dataclass(frozen=True)
class Taken:
    """One choice made in a run, as the run recorded it."""

    scene: str
    choice: int  # 1-based position in the scene
    text: str
    rating: str


@dataclass(frozen=True)
class PathStep:
    """One step of a path: the scene, what was chosen there, its rating and feedback."""

    scene_title: str
    choice_text: str
    rating: str
    feedback: str
    on_recommended_path: bool


@dataclass(frozen=True)
class Debrief:
    """Everything the debrief page shows."""

    taken: tuple[PathStep, ...]
    recommended: tuple[PathStep, ...]
    ending_scene: SceneSpec | None
    ending: EndingSpec | None
    followed_recommended: bool


def _step(scene: SceneSpec, index: int, recommended: set[tuple[str, int]]) -> PathStep:
    choice = scene.choices[index]
    return PathStep(
        scene.title,
        choice.text,
        choice.rating,
        choice.feedback,
        (scene.id, index + 1) in recommended,
    )


def debrief(case: CaseSpec, choices: Sequence[Taken], ending_scene: str | None) -> Debrief:
    """The debrief of a run of `case` (its snapshot) that made `choices` in order."""
    path = recommended_path(case)
    best = {(scene.id, index + 1) for scene, index in path if index is not None}
    recommended = tuple(_step(scene, index, best) for scene, index in path if index is not None)
    taken = []
    for made in choices:
        scene = case.scene(made.scene)
        if scene is not None and 1 <= made.choice <= len(scene.choices):
            taken.append(_step(scene, made.choice - 1, best))
        else:  # the snapshot always has it; keep the run's own record if not
            taken.append(PathStep(made.scene, made.text, made.rating, "", False))
    end = case.scene(ending_scene) if ending_scene else None
    followed = [(c.scene, c.choice) for c in choices] == [
        (scene.id, index + 1) for scene, index in path if index is not None
    ]
    return Debrief(
        tuple(taken),
        recommended,
        end,
        end.ending if end is not None else None,
        followed,
    )
