"""The rules a case's graph of scenes follows, as pure checks over a `CaseSpec`.

The file reader (`casefile`) maps each problem to a line; the browser editor shows it beside
the field it names. No database, no Flask. The rules (`courses/README.md`, "Cases"):

- every scene can be reached from the start;
- a scene that is not an ending offers two to five choices, each with a rating and a
  target scene; an ending offers none;
- from every reachable scene some ending can be reached (no loop without a way out);
- every ending names at least one objective of its module, and lessons it draws on must be
  lessons of the module;
- the author's recommended path (the best-rated choice in each scene) reaches an ending;
- a case that requires an ending rated acceptable or best can reach one from the start;
- size limits keep a case playable in one sitting.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Collection
from dataclasses import dataclass

from app.content.spec import CASE_RATINGS, CaseSpec, SceneSpec

MAX_SCENES = 40
MIN_CHOICES, MAX_CHOICES = 2, 5
MAX_NARRATIVE = 3000
MAX_CLIENT_SAYS = 600
MAX_CHOICE_TEXT = 300
MAX_FEEDBACK = 1200
MAX_DEBRIEF = 3000
MAX_STATUS_LINES = 6
MAX_ADVISORIES = 6
#: Ratings at least "acceptable", for the module rule "reach an ending rated at least acceptable".
GOOD_RATINGS = frozenset(CASE_RATINGS[:2])
#: Ratings the insight page counts as risky or worse.
RISKY_RATINGS = frozenset(CASE_RATINGS[2:])


@dataclass(frozen=True)
class GraphProblem:
    """A broken rule: which scene (index) and choice (index), which key, and why.

    `scene` None means the case as a whole; `key` names the field the message is about
    (`next`, `rating`, `objectives`, ...), None the scene or choice itself.
    """

    scene: int | None
    choice: int | None
    key: str | None
    message: str


def rank(rating: str) -> int:
    """0 for best, 1 acceptable, 2 risky, 3 harmful; unknown ratings rank last."""
    return CASE_RATINGS.index(rating) if rating in CASE_RATINGS else len(CASE_RATINGS)


def rated_well(rating: str | None) -> bool:
    """Whether an ending's rating meets "at least acceptable"."""
    return rating in GOOD_RATINGS


def reachable(case: CaseSpec) -> set[str]:
    """Scene ids reachable from the start by following choices."""
    ids = {scene.id for scene in case.scenes}
    if case.start not in ids:
        return set()
    seen, queue = {case.start}, deque([case.start])
    while queue:
        scene = case.scene(queue.popleft())
        for choice in scene.choices if scene else ():
            if choice.next in ids and choice.next not in seen:
                seen.add(choice.next)
                queue.append(choice.next)
    return seen


def reaches_an_ending(case: CaseSpec) -> set[str]:
    """Scene ids from which some ending can be reached (endings included)."""
    found = {scene.id for scene in case.scenes if scene.ending is not None}
    changed = True
    while changed:
        changed = False
        for scene in case.scenes:
            if scene.id not in found and any(c.next in found for c in scene.choices):
                found.add(scene.id)
                changed = True
    return found


def recommended_path(case: CaseSpec) -> list[tuple[SceneSpec, int | None]]:
    """The author's path: from the start, the best-rated choice (the first of equals) in each
    scene, as (scene, choice index) pairs ending with (ending scene, None).

    Stops early at a missing scene or a scene seen before, so it always ends.
    """
    path: list[tuple[SceneSpec, int | None]] = []
    seen: set[str] = set()
    scene = case.scene(case.start)
    while scene is not None and scene.id not in seen:
        seen.add(scene.id)
        if scene.ending is not None or not scene.choices:
            path.append((scene, None))
            break
        ratings = [rank(choice.rating) for choice in scene.choices]
        index = ratings.index(min(ratings))
        path.append((scene, index))
        scene = case.scene(scene.choices[index].next)
    return path


def _too_long(text: str | None, limit: int, what: str) -> str | None:
    if text is not None and len(text) > limit:
        return f"{what} is {len(text)} characters; at most {limit}"
    return None


def _check_scene_shape(index: int, scene: SceneSpec, ids: set[str]) -> list[GraphProblem]:
    """Choices against endings, counts, ratings, targets and lengths of one scene."""
    found: list[GraphProblem] = []

    def add(choice: int | None, key: str | None, message: str | None) -> None:
        if message:
            found.append(GraphProblem(index, choice, key, message))

    add(None, "narrative", _too_long(scene.narrative, MAX_NARRATIVE, "narrative"))
    add(None, "client_says", _too_long(scene.client_says, MAX_CLIENT_SAYS, "client_says"))
    if len(scene.status) > MAX_STATUS_LINES:
        add(None, "status", f"status has {len(scene.status)} lines; at most {MAX_STATUS_LINES}")
    if scene.ending is not None:
        if scene.choices:
            add(None, "choices", "an ending offers no choices (remove them or the ending)")
        return found
    if not scene.choices:
        add(None, None, f"scene {scene.id!r} has no way forward and is not an ending")
        return found
    count = len(scene.choices)
    if not MIN_CHOICES <= count <= MAX_CHOICES:
        add(None, "choices", f"scene offers {count} choice(s); a scene offers two to five")
    for number, choice in enumerate(scene.choices):
        if not choice.rating:
            add(number, "rating", "choice has no rating (best, acceptable, risky or harmful)")
        elif choice.rating not in CASE_RATINGS:
            add(
                number,
                "rating",
                f"rating {choice.rating!r} is not one of {', '.join(CASE_RATINGS)}",
            )
        if not choice.next:
            add(number, "next", "choice has no target scene (next)")
        elif choice.next not in ids:
            add(
                number,
                "next",
                f"choice leads to {choice.next!r}, which is not a scene of this case",
            )
        add(number, "text", _too_long(choice.text, MAX_CHOICE_TEXT, "text"))
        add(number, "feedback", _too_long(choice.feedback, MAX_FEEDBACK, "feedback"))
    return found


def _check_ending(
    index: int, scene: SceneSpec, objective_ids: Collection[str], lesson_slugs: Collection[str]
) -> list[GraphProblem]:
    """An ending is tied to objectives (and lessons) of its module, with a sane score."""
    ending = scene.ending
    assert ending is not None
    found = []
    if not ending.objectives:
        found.append(GraphProblem(index, None, "objectives", "ending is not tied to an objective"))
    for objective in ending.objectives:
        if objective not in objective_ids:
            message = f"objective {objective!r} is not an objective of this module"
            found.append(GraphProblem(index, None, "objectives", message))
    for lesson in ending.lessons:
        if lesson not in lesson_slugs:
            message = f"lesson {lesson!r} is not a lesson of this module"
            found.append(GraphProblem(index, None, "lessons", message))
    if ending.rating not in CASE_RATINGS:
        message = f"rating {ending.rating!r} is not one of {', '.join(CASE_RATINGS)}"
        found.append(GraphProblem(index, None, "rating", message))
    if not 0 <= ending.score <= 100:
        found.append(GraphProblem(index, None, "score", "score must be from 0 to 100"))
    too_long = _too_long(ending.debrief, MAX_DEBRIEF, "debrief")
    if too_long:
        found.append(GraphProblem(index, None, "debrief", too_long))
    return found


def check_case(
    case: CaseSpec, objective_ids: Collection[str], lesson_slugs: Collection[str]
) -> list[GraphProblem]:
    """Every broken rule of the case, in scene order (case-wide problems first)."""
    found: list[GraphProblem] = []
    ids = [scene.id for scene in case.scenes]
    if len(case.scenes) > MAX_SCENES:
        message = f"case has {len(case.scenes)} scenes; at most {MAX_SCENES}"
        found.append(GraphProblem(None, None, "scenes", message))
    if len(case.advisories) > MAX_ADVISORIES:
        message = f"advisories has {len(case.advisories)} entries; at most {MAX_ADVISORIES}"
        found.append(GraphProblem(None, None, "advisories", message))
    if case.start not in ids:
        message = f"start {case.start!r} is not a scene of this case"
        found.append(GraphProblem(None, None, "start", message))
    if not any(scene.ending is not None for scene in case.scenes):
        found.append(GraphProblem(None, None, "scenes", "case has no ending"))
    seen: set[str] = set()
    for index, scene in enumerate(case.scenes):
        if scene.id in seen:
            found.append(GraphProblem(index, None, "id", f"duplicate scene id {scene.id!r}"))
        seen.add(scene.id)
    for index, scene in enumerate(case.scenes):
        found += _check_scene_shape(index, scene, seen)
        if scene.ending is not None:
            found += _check_ending(index, scene, objective_ids, lesson_slugs)
    if case.start in seen:
        found += _check_flow(case)
    return found


def _check_flow(case: CaseSpec) -> list[GraphProblem]:
    """Unreachable scenes, loops with no way out, a required acceptable ending out of reach,
    and a recommended path that never ends."""
    found = []
    reached, ending_reachable = reachable(case), reaches_an_ending(case)
    for index, scene in enumerate(case.scenes):
        if scene.id not in reached:
            message = f"scene {scene.id!r} cannot be reached from the start"
            found.append(GraphProblem(index, None, None, message))
        elif scene.choices and scene.id not in ending_reachable:
            message = (
                f"no ending can be reached from scene {scene.id!r}: "
                "its choices loop with no way out to an ending"
            )
            found.append(GraphProblem(index, None, None, message))
    if case.requirement == "acceptable_ending" and not any(
        scene.ending is not None and rated_well(scene.ending.rating)
        for scene in case.scenes
        if scene.id in reached
    ):
        message = (
            "the case requires an ending rated acceptable or best, "
            "but no such ending can be reached from the start"
        )
        found.append(GraphProblem(None, None, "requirement", message))
    path = recommended_path(case)
    if path and path[-1][0].ending is None and case.start in ending_reachable:
        message = (
            "the recommended path (the best-rated choice in each scene) never reaches an ending"
        )
        found.append(GraphProblem(None, None, "start", message))
    return found
