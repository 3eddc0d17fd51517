"""Credit types per profession and the final post-test blueprint, without an app.

The vocabulary matches the profile's professions; the checker names the file and line of
an unknown body, hours over the measured ceiling, a missing statement and a blueprint that
misses an objective or asks more than its pool holds; the draw is deterministic per seed,
covers every objective and never repeats a question; the real courses offer credits whose
audience and level their descriptions state.
"""

from __future__ import annotations

import dataclasses
import re
from decimal import Decimal
from pathlib import Path

import pytest

from app.accounts.models import PROFESSIONS
from app.content.blueprint import PoolQuestion, blueprint_problems, draw, spec_pool
from app.content.ceclaim import CeClaim, claim_changed
from app.content.credittypes import (
    BODIES_BY_CODE,
    CREDIT_BODIES,
    attendance_statement,
    credit_for,
    served_professions,
)
from app.content.reader import read_course
from app.content.spec import BlueprintSpec, CourseSpec, CreditSpec
from app.content.writer import write_course
from tests.content.conftest import REAL_CATALOG

REAL_COURSES = sorted(p.parent for p in REAL_CATALOG.glob("*/course.yml"))


def _problems(course: Path) -> list[str]:
    """The checker's messages as `file:line: message` text."""
    return [str(problem) for problem in read_course(course)[1]]


def _append(course: Path, text: str) -> None:
    """Add keys to the end of course.yml (after `modules`, which YAML does not mind)."""
    path = course / "course.yml"
    path.write_text(path.read_text() + text)


def _line_of(course: Path, needle: str) -> int:
    """The 1-based line of course.yml holding `needle`."""
    lines = (course / "course.yml").read_text().splitlines()
    return next(number for number, line in enumerate(lines, start=1) if needle in line)


# The vocabulary ------------------------------------------------------------------------


def test_every_body_serves_professions_the_profile_offers() -> None:
    for body in CREDIT_BODIES:
        assert body.professions, body.code
        assert set(body.professions) <= set(PROFESSIONS), body.code
        assert len(body.audience) == len(body.professions), body.code
    served = [p for body in CREDIT_BODIES for p in body.professions]
    assert len(served) == len(set(served)), "a profession is served by one credit type"


def test_the_credit_for_a_profession_is_the_one_serving_it() -> None:
    credits = (
        CreditSpec(body="aswb-ace", hours=Decimal("3"), statement="S"),
        CreditSpec(body="apa", hours=Decimal("3.25"), statement="P"),
    )
    assert credit_for(credits, "Psychologist") == credits[1]
    assert credit_for(credits, "Licensed clinical social worker") == credits[0]
    assert credit_for(credits, "Registered nurse") is None
    assert credit_for(credits, "psychologist") is None  # the profile's spelling, exactly
    assert served_professions(credits) == ("Psychologist", "Licensed clinical social worker")
    assert "no continuing-education credit" in attendance_statement("Physician")


# The checker: credits ------------------------------------------------------------------

CREDIT = """credits:
  - body: {body}
    hours: {hours}
{statement}"""
STATEMENT = "    statement: Demonstration text, not an approval.\n"


def test_an_unknown_body_is_named_with_its_line(course: Path) -> None:
    _append(course, CREDIT.format(body="apaa", hours=0.25, statement=STATEMENT))
    line = _line_of(course, "body: apaa")
    assert _problems(course) == [
        f"{course}/course.yml:{line}: body must be one of " + ", ".join(BODIES_BY_CODE)
    ]


def test_hours_over_the_measured_ceiling_are_refused_with_their_line(course: Path) -> None:
    # The example course measures 15 minutes: at most 0.25 hours.
    _append(course, CREDIT.format(body="apa", hours=0.5, statement=STATEMENT))
    line = _line_of(course, "hours: 0.5")
    [problem] = _problems(course)
    assert problem.startswith(f"{course}/course.yml:{line}: credit 'apa': hours 0.5 is above")
    assert "ceiling of 0.25 for 15 total minutes" in problem


def test_a_missing_statement_is_refused_with_its_line(course: Path) -> None:
    _append(course, CREDIT.format(body="nbcc", hours=0.25, statement=""))
    line = _line_of(course, "- body: nbcc")
    assert _problems(course) == [f"{course}/course.yml:{line}: missing key 'statement'"]


def test_a_body_offered_twice_is_refused(course: Path) -> None:
    twice = CREDIT.format(body="apa", hours=0.25, statement=STATEMENT)
    _append(course, twice + twice.removeprefix("credits:\n"))
    problems = _problems(course)
    assert len(problems) == 1 and problems[0].endswith("duplicate credit body 'apa'")


def test_hours_at_the_ceiling_and_an_empty_list_are_accepted(course: Path) -> None:
    _append(course, CREDIT.format(body="apa", hours=0.25, statement=STATEMENT))
    spec, problems = read_course(course)
    assert problems == [] and spec is not None
    assert spec.credits == (
        CreditSpec(
            body="apa", hours=Decimal("0.25"), statement="Demonstration text, not an approval."
        ),
    )


# The checker: blueprints ---------------------------------------------------------------

# The example course: one course objective (use-orienting); its module `first-steps` has
# objectives offer-orienting (2 questions) and know-when-to-escalate (1 question).
BLUEPRINT = """blueprint:
  - objective: use-orienting
    draw: {draw}
    from:
{sources}"""


def _sources(*names: str) -> str:
    return "".join(f"      - first-steps/{name}\n" for name in names)


def test_a_blueprint_within_its_pool_is_read_and_counts_its_draws(course: Path) -> None:
    _append(course, BLUEPRINT.format(draw=2, sources=_sources("offer-orienting")))
    spec, problems = read_course(course)
    assert problems == [] and spec is not None
    assert spec.blueprint == (
        BlueprintSpec(objective="use-orienting", draw=2, sources=("first-steps/offer-orienting",)),
    )
    # The final post-test's draws are learner time: 2 minutes each.
    assert spec.questions_asked() == 3 + 2
    assert spec.total_minutes() == 9 + 2 * 5


def test_a_blueprint_asking_more_than_its_pool_is_refused(course: Path) -> None:
    _append(course, BLUEPRINT.format(draw=3, sources=_sources("offer-orienting")))
    line = _line_of(course, "- objective: use-orienting")
    assert _problems(course) == [
        f"{course}/course.yml:{line}: blueprint: draw 3 for 'use-orienting' is more than "
        "its pool holds (2 questions)"
    ]


def test_a_blueprint_missing_an_objective_is_refused(course: Path) -> None:
    path = course / "course.yml"
    path.write_text(
        path.read_text().replace(
            "objectives:\n",
            "objectives:\n  - id: name-the-limits\n    text: Name the limits of orienting.\n",
            1,
        )
    )
    _append(course, BLUEPRINT.format(draw=1, sources=_sources("offer-orienting")))
    line = _line_of(course, "blueprint:")
    assert _problems(course) == [
        f"{course}/course.yml:{line}: blueprint: the blueprint misses the course "
        "objective(s) name-the-limits"
    ]


def test_a_blueprint_naming_unknown_objectives_is_refused(course: Path) -> None:
    _append(course, BLUEPRINT.format(draw=1, sources=_sources("no-such-objective")))
    problems = _problems(course)
    assert any("'first-steps/no-such-objective' is not a module objective" in p for p in problems)
    assert any("draw 1 for 'use-orienting' is more than its pool holds (0" in p for p in problems)


def test_badly_written_sources_are_refused_with_their_line(course: Path) -> None:
    _append(course, BLUEPRINT.format(draw=1, sources="      - first-steps\n"))
    line = _line_of(course, "      - first-steps")
    assert _problems(course) == [
        f"{course}/course.yml:{line}: from entries are module-slug/objective-id"
    ]


ROWS = (
    BlueprintSpec(objective="a", draw=2, sources=("m1/x",)),
    BlueprintSpec(objective="b", draw=1, sources=("m1/y", "m2/z")),
)


def test_the_rules_without_files() -> None:
    questions = [
        (1, PoolQuestion("m1", "x")),
        (2, PoolQuestion("m1", "x")),
        (3, PoolQuestion("m1", "y")),
        (4, PoolQuestion(None, "b")),
    ]
    objectives = ("a", "b")
    sources = {"m1/x", "m1/y", "m2/z"}
    assert blueprint_problems(ROWS, objectives, sources, questions) == []
    one_short = questions[1:]
    assert blueprint_problems(ROWS, objectives, sources, one_short) == [
        (0, "draw 2 for 'a' is more than its pool holds (1 question)")
    ]
    shared = (ROWS[0], dataclasses.replace(ROWS[1], sources=("m1/x",)))
    assert (1, "from 'm1/x' is already drawn for 'a'") in blueprint_problems(
        shared, objectives, sources, questions
    )
    twice = (ROWS[0], ROWS[0], ROWS[1])
    assert (1, "objective 'a' has more than one row") in blueprint_problems(
        twice, objectives, sources, questions
    )
    assert blueprint_problems(ROWS[:1], objectives, sources, questions) == [
        (None, "the blueprint misses the course objective(s) b")
    ]


# The draw --------------------------------------------------------------------------------


def _pool(size: int) -> list[tuple[str, PoolQuestion]]:
    """`size` questions on each of m1/x, m1/y and the final quiz's objective b."""
    return [
        *((f"x{i}", PoolQuestion("m1", "x")) for i in range(size)),
        *((f"y{i}", PoolQuestion("m1", "y")) for i in range(size)),
        *((f"b{i}", PoolQuestion(None, "b")) for i in range(size)),
    ]


def test_the_same_seed_draws_the_same_questions() -> None:
    pool = _pool(6)
    assert draw(ROWS, pool, 1234) == draw(ROWS, pool, 1234)
    assert draw(ROWS, pool, 1234) == draw(ROWS, list(pool), 1234)


def test_each_row_draws_its_count_from_its_own_pool_and_nothing_twice() -> None:
    pool = _pool(6)
    where = dict(pool)
    for seed in range(200):
        drawn = draw(ROWS, pool, seed)
        assert len(drawn) == len(set(drawn)) == 3
        assert [where[key].objective for key in drawn[:2]] == ["x", "x"]
        assert where[drawn[2]] in (PoolQuestion("m1", "y"), PoolQuestion(None, "b"))


def test_different_seeds_reach_the_whole_pool() -> None:
    pool = _pool(6)
    seen = {key for seed in range(300) for key in draw(ROWS, pool, seed)}
    assert seen == {key for key, _ in pool}
    assert len({tuple(draw(ROWS, pool, seed)) for seed in range(50)}) > 25


def test_a_pool_smaller_than_its_row_gives_what_it_has() -> None:
    pool = [("x0", PoolQuestion("m1", "x"))]
    assert draw(ROWS, pool, 7) == ["x0"]
    assert draw(ROWS, [], 7) == []


# The real courses --------------------------------------------------------------------------


def _real(course_dir: Path) -> CourseSpec:
    spec, problems = read_course(course_dir)
    assert [str(p) for p in problems] == [] and spec is not None
    return spec


@pytest.mark.parametrize("course_dir", REAL_COURSES, ids=lambda p: p.name)
def test_each_real_course_blueprint_covers_every_objective(course_dir: Path) -> None:
    spec = _real(course_dir)
    assert [row.objective for row in spec.blueprint] == [o.id for o in spec.objectives]
    pool = spec_pool(spec)
    for seed in range(20):
        drawn = draw(spec.blueprint, pool, seed)
        assert len(drawn) == len(set(drawn)) == sum(row.draw for row in spec.blueprint)


@pytest.mark.parametrize("course_dir", REAL_COURSES, ids=lambda p: p.name)
def test_each_real_course_offers_credits_with_demonstration_statements(course_dir: Path) -> None:
    spec = _real(course_dir)
    assert spec.credits, "the shipped courses show credit types per profession"
    for credit in spec.credits:
        assert credit.hours <= spec.max_ce_hours()
        assert credit.hours <= spec.seat_time_hours()
        text = " ".join(credit.statement.split())
        # Demonstration content never claims an approval it does not hold.
        assert text.startswith("Demonstration text, not an approval:"), credit.body
        assert "fictional provider" in text
        assert re.search(r"\bis not approved by\b", text), credit.body
        assert not re.search(r"(?<!not )\b(is|are) approved by\b", text), credit.body


def _paragraphs(description: str) -> list[str]:
    return [" ".join(p.split()) for p in description.split("\n\n")]


@pytest.mark.parametrize("course_dir", REAL_COURSES, ids=lambda p: p.name)
def test_the_audience_and_level_agree_with_the_credits(course_dir: Path) -> None:
    """The description names every profession given credit, names the level, and says
    that professions it mentions without a credit type get none."""
    spec = _real(course_dir)
    opening = _paragraphs(spec.description)[0]
    assert spec.level in opening.lower(), "the opening states the course level"
    offered = {credit.body for credit in spec.credits}
    for body in CREDIT_BODIES:
        for audience in body.audience:
            named = re.search(rf"\b{audience}\b", opening)
            if body.code in offered:
                assert named, f"{audience} get {body.short_name} credit but are not named"
    # Anyone else the opening names (nurses, prescribers, ...) is told in the same sentence
    # that the course claims no credit for them.
    uncredited = [a for b in CREDIT_BODIES if b.code not in offered for a in b.audience]
    for sentence in re.split(r"(?<=\.)\s", opening):
        others = [w for w in (*uncredited, "prescribers") if re.search(rf"\b{w}\b", sentence, re.I)]
        if others:
            assert "credit" in sentence and "does not claim" in sentence, sentence


@pytest.mark.parametrize("course_dir", REAL_COURSES, ids=lambda p: p.name)
def test_credits_and_blueprint_survive_export(course_dir: Path, tmp_path: Path) -> None:
    spec = _real(course_dir)
    written = write_course(spec, tmp_path / spec.slug)
    assert read_course(written)[0] == spec


def test_credits_are_part_of_the_ce_claim_the_provider_approves() -> None:
    spec = _real(REAL_COURSES[0])
    claim = CeClaim.of_spec(spec)
    assert claim.credits == spec.credits
    rows = dict(claim.rows("The site's statement."))
    assert rows["Credit: APA"].startswith("4.25 hours. Demonstration text, not an approval:")
    fewer = dataclasses.replace(spec, credits=spec.credits[1:])
    assert claim_changed(spec, fewer)
    assert not claim_changed(spec, dataclasses.replace(spec, blueprint=spec.blueprint[1:]))
    # A claim stored before credit types existed still reads, with none.
    old = {k: v for k, v in claim.to_dict().items() if k != "credits"}
    assert CeClaim.from_dict(old).credits == ()
