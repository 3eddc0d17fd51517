"""The final post-test's blueprint: which questions each course objective draws (pure).

A course's blueprint names, for every course objective, how many questions a final
post-test attempt draws and where they come from: the module objectives whose module-quiz
questions serve it (`module-slug/objective-id`), and the final-quiz questions written for
the course objective itself. Each attempt draws its own questions when it starts, from a
seed the attempt keeps, so the same seed and pool always give the same questions.

Pools never overlap (the checker refuses a module objective named under two course
objectives, and a final-quiz question names one course objective), so "the pool holds
enough" is exact per row.
"""

from __future__ import annotations

import random
from collections.abc import Collection, Hashable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from app.content.spec import BlueprintSpec, CourseSpec

K = TypeVar("K", bound=Hashable)


@dataclass(frozen=True)
class PoolQuestion:
    """Where a question may be drawn from: its module (None: the final quiz) and objective."""

    module: str | None
    objective: str


def source_key(module: str, objective: str) -> str:
    """How a blueprint names a module objective: `module-slug/objective-id`."""
    return f"{module}/{objective}"


def row_takes(row: BlueprintSpec, question: PoolQuestion) -> bool:
    """Whether the blueprint row draws from `question`."""
    if question.module is None:
        return question.objective == row.objective
    return source_key(question.module, question.objective) in row.sources


def pool_of(row: BlueprintSpec, questions: Sequence[tuple[K, PoolQuestion]]) -> list[K]:
    """The keys of the questions `row` may draw, in the order given."""
    return [key for key, where in questions if row_takes(row, where)]


def draw(
    rows: Sequence[BlueprintSpec], questions: Sequence[tuple[K, PoolQuestion]], seed: int
) -> list[K]:
    """The questions one attempt asks: `draw` of each row's pool, row by row.

    Deterministic: the same rows, questions (in the same order) and seed give the same
    list. A pool smaller than its row asks (a question retired since the check) gives
    all it has. No question is drawn twice.
    """
    rng = random.Random(seed)  # noqa: S311 - a reproducible draw from a secret seed, not a key
    drawn: list[K] = []
    taken: set[K] = set()
    for row in rows:
        pool = [key for key in pool_of(row, questions) if key not in taken]
        chosen = rng.sample(pool, min(row.draw, len(pool)))
        drawn += chosen
        taken.update(chosen)
    return drawn


def spec_pool(spec: CourseSpec) -> list[tuple[tuple[str | None, str], PoolQuestion]]:
    """Every question of a course spec as (module slug or None, question slug) keys."""
    found: list[tuple[tuple[str | None, str], PoolQuestion]] = [
        ((module.slug, question.slug), PoolQuestion(module.slug, question.objective))
        for module in spec.modules
        for question in module.quiz.questions
    ]
    if spec.final_quiz is not None:
        found += [
            ((None, question.slug), PoolQuestion(None, question.objective))
            for question in spec.final_quiz.questions
        ]
    return found


def blueprint_problems(
    rows: Sequence[BlueprintSpec],
    course_objectives: Sequence[str],
    module_objectives: Collection[str],
    questions: Sequence[tuple[Hashable, PoolQuestion]],
) -> list[tuple[int | None, str]]:
    """(row index, or None for the whole blueprint, message) for every broken rule.

    Every course objective has exactly one row; rows name known course objectives and
    known module objectives (`module/objective`), each module objective under one row at
    most; every row draws at least one question and no more than its pool holds.
    """
    found: list[tuple[int | None, str]] = []
    seen: dict[str, int] = {}
    owner: dict[str, str] = {}
    for index, row in enumerate(rows):
        if row.objective not in course_objectives:
            known = ", ".join(course_objectives) or "none are defined"
            found.append(
                (index, f"objective {row.objective!r} is not a course objective ({known})")
            )
        elif row.objective in seen:
            found.append((index, f"objective {row.objective!r} has more than one row"))
        seen.setdefault(row.objective, index)
        for source in row.sources:
            if source not in module_objectives:
                found.append(
                    (index, f"from {source!r} is not a module objective (module/objective)")
                )
            elif source in owner and owner[source] != row.objective:
                found.append((index, f"from {source!r} is already drawn for {owner[source]!r}"))
            owner.setdefault(source, row.objective)
        if row.draw < 1:
            found.append((index, "draw must be a whole number, 1 or more"))
        available = len(pool_of(row, questions))
        if row.draw > available:
            found.append(
                (
                    index,
                    f"draw {row.draw} for {row.objective!r} is more than its pool holds "
                    f"({available} question{'' if available == 1 else 's'})",
                )
            )
    missing = [objective for objective in course_objectives if objective not in seen]
    if missing:
        found.append((None, "the blueprint misses the course objective(s) " + ", ".join(missing)))
    return found
