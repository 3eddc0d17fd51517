"""Case time: the least time a required case simulation asks of a learner (pure, no app).

A case counts toward a course's seat time only when module completion requires it
(`requirement` other than ``none``): time nobody is required to spend cannot be credited.
Its minimum is the cheapest path the player lets a learner take from ``start`` to an ending
that meets the requirement (any ending for ``ending``; one rated best or acceptable for
``acceptable_ending``). A path costs:

- the reading time (``READING_WORDS_PER_MINUTE``, as for lessons) of the text the player
  shows on it: each scene's title, narrative, what the client says, status lines and the
  texts of its choices; the feedback of each choice taken (shown after choosing); and, at
  the end, the ending scene's title and narrative with the ending's outcome and debrief;
- ``MINUTES_PER_QUESTION`` for every decision taken, the time a quiz question is credited.

The words of the whole path are added up and rounded up to a second once, like a lesson's
reading time, so the result is exact. Scenes may loop, so the search is Dijkstra's. The
rule and its reasons are in docs/completion.md ("Seat time").
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Iterable

from app.content.casegraph import rated_well
from app.content.credit import MINUTES_PER_QUESTION
from app.content.seattime import READING_WORDS_PER_MINUTE, word_count
from app.content.spec import CaseChoiceSpec, CaseSpec, EndingSpec, SceneSpec

#: One decision in the path's cost unit (a word costs 60; 238 of these make a second).
_DECISION_COST = MINUTES_PER_QUESTION * 60 * READING_WORDS_PER_MINUTE


def _words(texts: Iterable[str | None]) -> int:
    return sum(word_count(text) for text in texts if text)


def scene_words(scene: SceneSpec) -> int:
    """Words the scene page shows: title, narrative, client's words, status, choice texts."""
    status = (part for line in scene.status for part in (line.label, line.value))
    choices = (choice.text for choice in scene.choices)
    return _words((scene.title, scene.narrative, scene.client_says, *status, *choices))


def ending_words(scene: SceneSpec) -> int:
    """Words the debrief shows of an ending: the scene's title and narrative, the outcome
    and the debrief (a scene that is not an ending has none)."""
    if scene.ending is None:
        return 0
    ending = scene.ending
    return _words((scene.title, scene.narrative, ending.outcome, ending.debrief))


def feedback_words(choice: CaseChoiceSpec) -> int:
    """Words of a choice's feedback, shown once the learner has made it."""
    return word_count(choice.feedback)


def meets_requirement(requirement: str, ending: EndingSpec) -> bool:
    """Whether reaching `ending` satisfies the case's `requirement` (never for ``none``)."""
    if requirement == "ending":
        return True
    if requirement == "acceptable_ending":
        return rated_well(ending.rating)
    return False


def _entry_cost(scene: SceneSpec) -> int:
    """The cost of reading a scene on arriving at it (its page, or its debrief)."""
    words = ending_words(scene) if scene.ending is not None else scene_words(scene)
    return words * 60


def cheapest_path(case: CaseSpec) -> tuple[int, int] | None:
    """(words, decisions) of the cheapest path to an ending meeting the requirement.

    None when the case requires nothing or no such ending can be reached from the start.
    """
    first = case.scene(case.start)
    if case.requirement == "none" or first is None:
        return None
    # (cost, words, decisions, scene id): cost orders the heap; words and decisions are
    # carried so the answer is given in the units the rule is stated in.
    heap = [(_entry_cost(first), _entry_cost(first) // 60, 0, first.id)]
    settled: set[str] = set()
    while heap:
        _cost, words, decisions, scene_id = heapq.heappop(heap)
        if scene_id in settled:
            continue
        settled.add(scene_id)
        scene = case.scene(scene_id)
        assert scene is not None
        if scene.ending is not None:
            if meets_requirement(case.requirement, scene.ending):
                return words, decisions
            continue  # a run ends here: no way on from an ending that does not count
        for choice in scene.choices:
            target = case.scene(choice.next)
            if target is None or target.id in settled:
                continue
            more = feedback_words(choice) + _entry_cost(target) // 60
            step_words, step_decisions = words + more, decisions + 1
            cost = step_words * 60 + step_decisions * _DECISION_COST
            heapq.heappush(heap, (cost, step_words, step_decisions, target.id))
    return None


def case_min_seconds(case: CaseSpec) -> int:
    """Seconds the cheapest qualifying path takes: its words read at the lesson rate,
    rounded up, plus the decision time; 0 when the case requires nothing or cannot be
    completed (the checker reports the latter)."""
    path = cheapest_path(case)
    if path is None:
        return 0
    words, decisions = path
    reading = math.ceil(words * 60 / READING_WORDS_PER_MINUTE)
    return reading + decisions * MINUTES_PER_QUESTION * 60


def case_minutes(case: CaseSpec) -> int:
    """``case_min_seconds`` in whole minutes, rounded up, as a syllabus shows it."""
    return math.ceil(case_min_seconds(case) / 60)
