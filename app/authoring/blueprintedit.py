"""The final post-test blueprint editor's logic, pure: what a course shows and what it checks.

The editor shows one row per course objective (its draw and the size of its pool) and,
for every module objective, the course objective its questions serve (the rows' `from`).
Every rule is the checker's own (`app.content.blueprint.blueprint_problems`, the draw rule
of `course.yml`, and the CE-hours ceiling the draws feed), so the browser and
`flask courses check` cannot disagree about a blueprint.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from app.content.blueprint import blueprint_problems, pool_of, source_key, spec_pool
from app.content.coursefile import BLUEPRINT_FIELDS, MAX_DRAW
from app.content.rules import check_ce_hours_ceiling
from app.content.spec import BlueprintSpec, CourseSpec

#: Draws this long or longer are far above `MAX_DRAW`; they are not converted at all.
_LONGEST_DRAW = 9


@dataclass(frozen=True)
class SourceOption:
    """A module objective the blueprint may draw from, and how many questions name it."""

    key: str
    module_title: str
    text: str
    questions: int


@dataclass(frozen=True)
class Problem:
    """A broken rule: the course objective whose row breaks it (None: the whole blueprint)."""

    objective: str | None
    message: str


def source_options(spec: CourseSpec) -> list[SourceOption]:
    """Every module objective of the course, in module order, with its question count."""
    return [
        SourceOption(
            key=source_key(module.slug, objective.id),
            module_title=module.title,
            text=objective.text,
            questions=sum(1 for q in module.quiz.questions if q.objective == objective.id),
        )
        for module in spec.modules
        for objective in module.objectives
    ]


def serving(rows: Sequence[BlueprintSpec]) -> dict[str, str]:
    """Module objective (`module/objective`) -> the course objective whose row draws it."""
    return {source: row.objective for row in rows for source in row.sources}


def pool_sizes(spec: CourseSpec, rows: Sequence[BlueprintSpec]) -> dict[str, int]:
    """Course objective -> how many of the course's questions its row may draw."""
    questions = spec_pool(spec)
    return {row.objective: len(pool_of(row, questions)) for row in rows}


def parse_draw(text: str | None) -> tuple[int | None, str | None]:
    """A draw as typed: (the number, None), or (None, what is wrong with it).

    Only the digits 0-9 make a number here: a space, a sign, a decimal point, an exponent
    or another script's digit ("²", "٣") is refused rather than guessed at. The range is
    the course file's own rule for `draw`.
    """
    raw = text or ""
    if not raw:
        return None, f"Enter how many questions each attempt draws (1 to {MAX_DRAW})."
    if not (raw.isascii() and raw.isdigit()):
        return None, (
            "Enter a whole number using only the digits 0 to 9 "
            "(no spaces, signs, decimal points or exponents)."
        )
    value = int(raw) if len(raw) < _LONGEST_DRAW else MAX_DRAW + 1
    rule = BLUEPRINT_FIELDS["draw"].rule
    assert rule is not None  # the course file checks every draw
    message = rule(value)
    if message:
        return None, f"The number of questions {message}."
    return value, None


def build_rows(
    objectives: Sequence[str], draws: Mapping[str, int], serves: Mapping[str, str]
) -> tuple[BlueprintSpec, ...]:
    """The blueprint the form describes: a row per objective (in the order posted), drawing
    `draws[objective]` from the module objectives that `serves` gives it, in their order."""
    return tuple(
        BlueprintSpec(
            objective=objective,
            draw=draws[objective],
            sources=tuple(source for source, owner in serves.items() if owner == objective),
        )
        for objective in objectives
    )


def same(first: Sequence[BlueprintSpec], second: Sequence[BlueprintSpec]) -> bool:
    """Whether two blueprints draw alike: the same draws from the same module objectives
    per course objective, whatever order the rows or their `from` entries are in."""

    def drawn(rows: Sequence[BlueprintSpec]) -> dict[str, tuple[int, frozenset[str]]]:
        return {row.objective: (row.draw, frozenset(row.sources)) for row in rows}

    return len(first) == len(second) and drawn(first) == drawn(second)


def form_data(spec: CourseSpec) -> dict[str, Any]:
    """The blueprint form as the draft holds it, by form field name (without its version).

    Rows follow the course objectives and module objectives follow the modules. A course
    without a blueprint is offered one drawing each module objective for the course
    objective of the same id, if there is one; nothing is saved until the author saves.
    """
    ids = [objective.id for objective in spec.objectives]
    options = source_options(spec)
    serves = serving(spec.blueprint) or {
        option.key: option.key.split("/")[1]
        for option in options
        if option.key.split("/")[1] in ids
    }
    draws = {row.objective: row.draw for row in spec.blueprint}
    return {
        "use": "yes" if spec.blueprint else "no",
        "rows": [
            {"objective": objective, "draw": str(draws[objective]) if objective in draws else ""}
            for objective in ids
        ],
        "sources": [
            {"source": option.key, "serves": serves.get(option.key, "")} for option in options
        ],
    }


def problems(spec: CourseSpec, before: CourseSpec | None = None) -> list[Problem]:
    """What `flask courses check` would refuse in the blueprint of `spec`, and in the CE
    hours its draws support (a drawn post-test counts its draws, not its pool).

    With `before` (the course as it was), the hours are checked only when the new
    blueprint asks fewer questions: a draft already over its ceiling for another reason
    does not block a blueprint that makes it no worse.
    """
    found: list[Problem] = []
    if spec.blueprint:
        for index, message in blueprint_problems(
            spec.blueprint,
            [objective.id for objective in spec.objectives],
            {source.key for source in source_options(spec)},
            spec_pool(spec),
        ):
            objective = spec.blueprint[index].objective if index is not None else None
            found.append(Problem(objective, message[:1].upper() + message[1:]))
    minutes = spec.total_minutes()
    if before is not None and minutes >= before.total_minutes():
        return found
    claims = [("The course's CE hours", spec.ce_hours)] + [
        (f"The {credit.body} credit's hours", credit.hours) for credit in spec.credits
    ]
    for what, hours in claims:
        over = check_ce_hours_ceiling(hours, minutes)
        if over:
            found.append(
                Problem(
                    None,
                    f"{what} would be above what the course's measured time supports with these "
                    f"questions ({over}). "
                    "Draw more questions, or lower the hours in the course settings first.",
                )
            )
    return found


def summary(rows: Sequence[BlueprintSpec]) -> str:
    """The blueprint in a line, for the audit log: `objective: draw from sources; ...`."""
    if not rows:
        return "no blueprint"
    return "; ".join(
        f"{row.objective}: {row.draw} from {', '.join(row.sources) or 'the final quiz'}"
        for row in rows
    )
