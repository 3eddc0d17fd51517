"""`flask courses check` on case files: one fixture per rule, each problem at its line."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from app.content.reader import check_path, read_course
from tests.content.conftest import VALID_CATALOG

FIXTURES = Path(__file__).parent / "fixtures"
README = Path(__file__).resolve().parents[2] / "courses" / "README.md"
UNREACHABLE_ALONE = "scene 'alone' cannot be reached from the start"

#: What the checker must say of each fixture (a copy of example-case.yml with one rule broken).
EXPECTED = {
    "example-case.yml": [],
    "unreachable-scene.yml": [
        "29: scene 'rising' cannot be reached from the start",
        f"53: {UNREACHABLE_ALONE}",
    ],
    "dead-end.yml": [
        "29: scene 'rising' has no way forward and is not an ending",
        f"44: {UNREACHABLE_ALONE}",
    ],
    "choice-without-rating.yml": ["25: choice has no rating (best, acceptable, risky or harmful)"],
    "choice-without-target.yml": [
        "37: choice has no target scene (next)",
        f"52: {UNREACHABLE_ALONE}",
    ],
    "choice-to-unknown-scene.yml": [
        "40: choice leads to 'nowhere', which is not a scene of this case",
        f"53: {UNREACHABLE_ALONE}",
    ],
    "loop-without-exit.yml": [
        "29: no ending can be reached from scene 'rising': its choices loop with no way out "
        "to an ending",
        f"53: {UNREACHABLE_ALONE}",
    ],
    "ending-without-objective.yml": ["56: ending is not tied to an objective"],
    "ending-with-unknown-objective.yml": [
        "61: objective 'keep-calm' is not an objective of this module"
    ],
    "one-choice.yml": [
        "32: scene offers 1 choice(s); a scene offers two to five",
        f"49: {UNREACHABLE_ALONE}",
    ],
    "too-long-narrative.yml": ["55: narrative is 3499 characters; at most 3000"],
}


def _course_with_case(tmp_path: Path, case_text: str) -> Path:
    """The README's example course with `case_text` as its module's case.yml."""
    shutil.copytree(VALID_CATALOG, tmp_path / "courses")
    module = tmp_path / "courses" / "orienting-basics" / "first-steps"
    (module / "case.yml").write_text(case_text, encoding="utf-8")
    return tmp_path / "courses"


def test_every_fixture_is_expected() -> None:
    assert sorted(p.name for p in FIXTURES.glob("*.yml")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_the_checker_reports_each_broken_rule_at_its_line(tmp_path: Path, name: str) -> None:
    catalog = _course_with_case(tmp_path, (FIXTURES / name).read_text(encoding="utf-8"))
    problems = check_path(catalog)
    where = "courses/orienting-basics/first-steps/case.yml"
    assert {p.path.removeprefix(str(tmp_path) + "/") for p in problems} <= {where}
    assert [f"{p.line}: {p.message}" for p in problems] == EXPECTED[name]


def test_the_readme_example_is_the_fixture_and_is_read_whole(tmp_path: Path) -> None:
    text = README.read_text(encoding="utf-8")
    blocks = re.findall(r"`case\.yml` of the example module:\n\n```yaml\n(.*?)```", text, re.S)
    assert blocks == [(FIXTURES / "example-case.yml").read_text(encoding="utf-8")]
    catalog = _course_with_case(tmp_path, blocks[0])
    spec, problems = read_course(catalog / "orienting-basics")
    assert problems == [] and spec is not None
    case = spec.modules[0].case
    assert case is not None and case.requirement == "acceptable_ending"
    assert case.advisories == ("panic-during-a-session",)
    assert [scene.id for scene in case.scenes] == ["drifting", "rising", "settling", "alone"]
    assert case.scenes[0].status[1].value == "Faster than before (medical monitor)"
    assert case.scenes[2].ending is not None and case.scenes[2].ending.score == 100


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("requirement: acceptable_ending", "requirement: always", "4: requirement must be one of"),
        ("    client_says: The", "    client_sayz: The", "14: unknown key 'client_sayz'"),
        ("      score: 0\n", "      score: 101\n", "59: score must be a whole number"),
        ("narrative: Ana presses", "narrative: <b>Ana</b> presses", "43: raw HTML is not allowed"),
        ("  - panic-during-a-session", "  - distress in a session", "5: advisories has 'distress"),
    ],
)
def test_shape_problems_are_reported_at_their_line(
    tmp_path: Path, old: str, new: str, expected: str
) -> None:
    text = (FIXTURES / "example-case.yml").read_text(encoding="utf-8")
    assert old in text
    problems = check_path(_course_with_case(tmp_path, text.replace(old, new, 1)))
    assert any(f"{p.line}: {p.message}".startswith(expected) for p in problems), problems


def test_a_module_without_a_case_is_read_as_before() -> None:
    spec, problems = read_course(VALID_CATALOG / "orienting-basics")
    assert problems == [] and spec is not None and spec.modules[0].case is None
    assert "case" not in spec.modules[0].to_dict()  # fingerprints of such courses stay put
