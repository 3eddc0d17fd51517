"""Advisories, time limits and the grounding text in the course files: read, checked, written."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from app.content.advisories import ADVISORIES
from app.content.reader import check_path, read_course
from app.content.writer import write_course
from app.delivery.grounding import safe_return_path
from tests.content.conftest import EXAMPLE_COURSE

LESSON = "first-steps/orienting-to-the-room.md"
QUIZ = "first-steps/quiz.yml"
M = "courses/orienting-basics/first-steps"


def _edit(course: Path, relative: str, old: str, new: str) -> None:
    path = course / relative
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_advisories_time_limit_and_grounding_are_read(course: Path) -> None:
    _edit(course, LESSON, "minutes: 9\n", "minutes: 9\nadvisories:\n  - panic-during-a-session\n")
    _edit(
        course,
        QUIZ,
        "questions:\n",
        "advisories: [suicidal-ideation, self-harm]\ntime_limit_minutes: 12\nquestions:\n",
    )
    _edit(
        course,
        "course.yml",
        "attempt_limit: null\n",
        "attempt_limit: null\ngrounding: Feet on the floor.\n",
    )
    spec, problems = read_course(course)
    assert [str(p) for p in problems] == []
    assert spec is not None
    module = spec.modules[0]
    assert module.lessons[0].advisories == ("panic-during-a-session",)
    assert module.quiz.advisories == ("suicidal-ideation", "self-harm")
    assert module.quiz.time_limit_minutes == 12
    assert spec.grounding == "Feet on the floor."


@pytest.mark.parametrize(
    ("relative", "old", "new", "expected"),
    [
        (
            LESSON,
            "minutes: 9\n",
            "minutes: 9\nadvisories:\n  - gore\n",
            f"{M}/orienting-to-the-room.md:4: advisories has 'gore', which is not one of: ",
        ),
        (
            LESSON,
            "minutes: 9\n",
            "minutes: 9\nadvisories: suicidal-ideation\n",
            f"{M}/orienting-to-the-room.md:4: advisories must be a list of advisory codes",
        ),
        (
            LESSON,
            "minutes: 9\n",
            "minutes: 9\nadvisories: [self-harm, self-harm]\n",
            f"{M}/orienting-to-the-room.md:4: advisories lists an advisory twice",
        ),
        (
            QUIZ,
            "questions:\n",
            "time_limit_minutes: 0\nquestions:\n",
            f"{M}/quiz.yml:1: time_limit_minutes must be a whole number from 1 to 240",
        ),
        (
            QUIZ,
            "questions:\n",
            "time_limit_minutes: 241\nquestions:\n",
            f"{M}/quiz.yml:1: time_limit_minutes must be a whole number from 1 to 240",
        ),
        (
            QUIZ,
            "questions:\n",
            "time_limit_minutes: '10'\nquestions:\n",
            f"{M}/quiz.yml:1: time_limit_minutes must be a whole number from 1 to 240",
        ),
        (
            QUIZ,
            "questions:\n",
            "advisories: []\nquestions:\n",
            f"{M}/quiz.yml:1: advisories must list at least one advisory (or leave the key out)",
        ),
        (
            "course.yml",
            "attempt_limit: null\n",
            "attempt_limit: null\ngrounding: '<b>breathe</b>'\n",
            "courses/orienting-basics/course.yml:",
        ),
    ],
)
def test_each_bad_value_gets_its_file_and_line(
    course: Path, relative: str, old: str, new: str, expected: str
) -> None:
    _edit(course, relative, old, new)
    problems = [str(problem) for problem in check_path("courses")]
    assert len(problems) == 1, problems
    assert problems[0].startswith(expected)
    if relative == "course.yml":
        assert "HTML" in problems[0] or "html" in problems[0]


def test_the_new_fields_survive_writing_and_reading_back(tmp_path: Path) -> None:
    spec, _ = read_course(EXAMPLE_COURSE)
    assert spec is not None
    module = spec.modules[0]
    lesson = dataclasses.replace(module.lessons[0], advisories=("trauma-memories",))
    quiz = dataclasses.replace(module.quiz, advisories=("self-harm",), time_limit_minutes=20)
    changed = dataclasses.replace(
        spec,
        grounding="Notice the room.",
        modules=(dataclasses.replace(module, lessons=(lesson,), quiz=quiz),),
    )
    again, problems = read_course(write_course(changed, tmp_path / spec.slug))
    assert [str(p) for p in problems] == []
    assert again == changed
    assert again is not None and again.fingerprint() == changed.fingerprint()
    assert changed.fingerprint() != spec.fingerprint()


def test_content_without_the_new_fields_keeps_its_plain_data() -> None:
    # Fields added after courses were fingerprinted are left out at their defaults, so an
    # upgrade re-imports nothing and bumps no course's version.
    spec, _ = read_course(EXAMPLE_COURSE)
    assert spec is not None
    data = spec.to_dict()
    assert "grounding" not in data
    assert "advisories" not in data["modules"][0]["lessons"][0]
    assert not {"advisories", "time_limit_minutes"} & set(data["modules"][0]["quiz"])


def test_the_readme_lists_exactly_the_advisories_the_checker_knows() -> None:
    readme = (Path(__file__).resolve().parents[2] / "courses" / "README.md").read_text("utf-8")
    # The advisory section only: other tables (credit types) have code rows too.
    readme = readme.split("## Content advisories", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| `([a-z-]+)` \| (.+?) \|$", readme, flags=re.MULTILINE)
    listed = {code: words for code, words in rows if code in ADVISORIES or "-" in code}
    assert listed == ADVISORIES


@pytest.mark.parametrize(
    ("value", "kept"),
    [
        ("/courses/x/m/lesson", "/courses/x/m/lesson"),
        ("/attempts/3?x=1#q-4", "/attempts/3?x=1#q-4"),
        ("//evil.example/", None),
        ("https://evil.example/", None),
        ("/\\evil.example", None),
        ("javascript:alert(1)", None),
        ("/courses/\nSet-Cookie:x", None),
        ("", None),
        (None, None),
        ("/" + "a" * 500, None),
    ],
)
def test_return_to_where_i_was_stays_on_the_site(value: str | None, kept: str | None) -> None:
    assert safe_return_path(value) == kept
