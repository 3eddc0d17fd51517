"""Each broken copy of the example course gets exactly the `path:line: message` a writer needs."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from app.content.reader import check_path, read_catalog, read_course

Edit = Callable[[Path], None]

C = "courses/orienting-basics"
M = f"{C}/first-steps"
LESSON = "first-steps/orienting-to-the-room.md"


def replace(relative: str, old: str, new: str | bytes) -> Edit:
    """Edit one file of the course: `old` (which must occur once) becomes `new`."""

    def edit(course: Path) -> None:
        path = course / relative
        data = path.read_bytes()
        assert data.count(old.encode()) == 1, f"{old!r} must occur once in {relative}"
        replacement = new if isinstance(new, bytes) else new.encode()
        path.write_bytes(data.replace(old.encode(), replacement))

    return edit


def add_file(relative: str, text: str) -> Edit:
    """Add a file (or, with a trailing slash, a folder) to the course."""

    def edit(course: Path) -> None:
        path = course / relative
        if relative.endswith("/"):
            path.mkdir(parents=True)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")

    return edit


def remove(relative: str) -> Edit:
    """Delete one file of the course."""
    return lambda course: (course / relative).unlink()


def copy_module_as(slug: str) -> Edit:
    """Add a second, valid module folder that course.yml does not list."""

    def edit(course: Path) -> None:
        shutil.copytree(course / "first-steps", course / slug)
        replace(f"{slug}/module.yml", "slug: first-steps", f"slug: {slug}")(course)

    return edit


FIRST_WRONG_CHOICE = "        correct: false\n        feedback: Detail"
SECOND_CHOICE = (
    "      - text: Ask the client to describe the feeling in detail\n"
    "        correct: false\n"
    "        feedback: Detail-seeking can deepen distress before safety is re-established.\n"
)
SANACORA = (
    "  - >-\n    Sanacora G, Frye MA, McDonald W, et al. A consensus statement on the use\n"
    "    of ketamine in the treatment of mood disorders. JAMA Psychiatry.\n"
    "    2017;74(4):399-405.\n"
)
MCINTYRE = (
    "  - >-\n    McIntyre RS, Rosenblat JD, Nemeroff CB, et al. Synthesizing the evidence\n"
    "    for ketamine and esketamine in treatment-resistant depression: an\n"
    "    international expert opinion on the available evidence and\n"
    "    implementation. Am J Psychiatry. 2021;178(5):383-399.\n"
    "    doi:10.1176/appi.ajp.2020.20081251.\n"
)
MULTIPLE_CORRECT = (
    "      - text: A change in breathing\n        correct: true\n"
    "      - text: A client you cannot rouse\n        correct: true\n"
)

CASES: dict[str, tuple[Edit, str]] = {
    # Reading the files
    "invalid YAML": (
        replace("course.yml", "level: beginning", "level: [beginning"),
        f"{C}/course.yml:14: invalid YAML: expected ',' or ']', but got ':'",
    ),
    "not UTF-8": (
        replace(LESSON, "Say the three", b"Say the thr\xe9e"),
        f"{M}/orienting-to-the-room.md:26: not valid UTF-8",
    ),
    "invalid YAML in front matter": (
        replace(LESSON, "title: Orienting to the room", "title: [Orienting to the room"),
        f"{M}/orienting-to-the-room.md:3: invalid YAML: expected ',' or ']', but got ':'",
    ),
    "duplicate YAML key": (
        replace("course.yml", "level: beginning\n", "level: beginning\nlevel: advanced\n"),
        f"{C}/course.yml:14: duplicate key 'level'",
    ),
    "lesson without front matter": (
        replace(LESSON, "---\ntitle: Orienting to the room\nminutes: 9\n---\n", ""),
        f"{M}/orienting-to-the-room.md:1: a lesson starts with front matter"
        " between two '---' lines",
    ),
    # Keys and types
    "unknown key": (
        replace("course.yml", "attempt_limit: null", "pass_mrk: 80\nattempt_limit: null"),
        f"{C}/course.yml:39: unknown key 'pass_mrk' (did you mean 'pass_mark'?)",
    ),
    "missing key": (
        replace("first-steps/module.yml", "title: First Steps\n", ""),
        f"{M}/module.yml:1: missing key 'title'",
    ),
    "missing key in a list item": (
        replace("course.yml", "    credentials: LCSW\n", ""),
        f"{C}/course.yml:21: missing key 'credentials'",
    ),
    "minutes not a number": (
        replace(LESSON, "minutes: 9", "minutes: nine"),
        f"{M}/orienting-to-the-room.md:3: minutes must be a whole number from 1 to 600",
    ),
    "octal-looking minutes are text": (
        replace(LESSON, "minutes: 9", "minutes: 010"),
        f"{M}/orienting-to-the-room.md:3: minutes must be a whole number from 1 to 600",
    ),
    "a boolean is not a number": (
        replace("course.yml", "attempt_limit: null", "attempt_limit: true"),
        f"{C}/course.yml:39: attempt_limit must be a whole number from 1 to 100,"
        " or null for unlimited",
    ),
    "ce_hours 0": (
        replace("course.yml", "ce_hours: 0.25", "ce_hours: 0"),
        f"{C}/course.yml:12: ce_hours must be more than 0",
    ),
    "ce_hours not a quarter hour": (
        replace("course.yml", "ce_hours: 0.25", "ce_hours: 0.3"),
        f"{C}/course.yml:12: ce_hours must be a multiple of 0.25",
    ),
    "ce_hours above the ceiling": (
        replace("course.yml", "ce_hours: 0.25", "ce_hours: 0.5"),
        f"{C}/course.yml:12: ce_hours 0.5 is above the ceiling of 0.25 for 15 total minutes"
        " (lesson minutes + 2 per quiz question)",
    ),
    "pass_mark 101": (
        replace("course.yml", "attempt_limit: null", "attempt_limit: null\npass_mark: 101"),
        f"{C}/course.yml:40: pass_mark must be a whole number from 0 to 100",
    ),
    "level not in the list": (
        replace("course.yml", "level: beginning", "level: expert"),
        f"{C}/course.yml:13: level must be one of beginning, intermediate, advanced",
    ),
    "answer_feedback not in the list": (
        replace("course.yml", "attempt_limit: null", "answer_feedback: never"),
        f"{C}/course.yml:39: answer_feedback must be one of always, after_passing",
    ),
    "approval period backwards": (
        replace(
            "course.yml",
            "attempt_limit: null",
            "approval_period:\n  start: 2026-01-01\n  end: 2025-12-31",
        ),
        f"{C}/course.yml:39: approval_period start must not be after end",
    ),
    "impossible date": (
        replace(
            "course.yml",
            "attempt_limit: null",
            "approval_period:\n  start: 2025-02-30\n  end: 2025-12-31",
        ),
        f"{C}/course.yml:40: start must be a date written YYYY-MM-DD",
    ),
    "title too long": (
        replace("first-steps/module.yml", "title: First Steps", "title: " + "x" * 201),
        f"{M}/module.yml:2: title must be at most 200 characters (it has 201)",
    ),
    "too few references": (
        lambda course: [replace("course.yml", block, "")(course) for block in (SANACORA, MCINTYRE)],
        f"{C}/course.yml:24: references must have 3 to 10 entries (it has 1)",
    ),
    # Slugs
    "slug syntax": (
        replace("course.yml", "  - grounding", "  - Grounding"),
        f"{C}/course.yml:16: topic must be a slug: 1 to 80 lowercase letters, digits and single"
        " hyphens",
    ),
    "course slug differs from its folder": (
        replace("course.yml", "slug: orienting-basics", "slug: orienting-basic"),
        f"{C}/course.yml:1: slug 'orienting-basic' must equal the folder name 'orienting-basics'",
    ),
    "duplicate question slug": (
        replace("first-steps/quiz.yml", "slug: medical-signs", "slug: first-response"),
        f"{M}/quiz.yml:17: duplicate question slug 'first-response'",
    ),
    "duplicate objective id": (
        replace(
            "course.yml", "instructors:", "  - id: use-orienting\n    text: Again.\ninstructors:"
        ),
        f"{C}/course.yml:20: duplicate objective id 'use-orienting'",
    ),
    "duplicate module in the list": (
        replace("course.yml", "  - first-steps\n", "  - first-steps\n  - first-steps\n"),
        f"{C}/course.yml:42: duplicate module 'first-steps'",
    ),
    # Folders and files
    "module folder not listed": (
        copy_module_as("second-steps"),
        f"{C}/course.yml:40: module folder 'second-steps' is not listed in modules",
    ),
    "listed module folder missing": (
        replace("course.yml", "  - first-steps\n", "  - first-steps\n  - next-steps\n"),
        f"{C}/course.yml:42: module 'next-steps' is listed but its folder does not exist",
    ),
    "lesson file not listed": (
        add_file("first-steps/extra.md", "---\ntitle: Extra\nminutes: 3\n---\nMore.\n"),
        f"{M}/module.yml:9: lesson file 'extra.md' is not listed in lessons",
    ),
    "listed lesson file missing": (
        replace(
            "first-steps/module.yml",
            "  - orienting-to-the-room",
            "  - orienting-to-the-room\n  - breath",
        ),
        f"{M}/module.yml:11: lesson 'breath' is listed but breath.md does not exist",
    ),
    "missing quiz.yml": (
        remove("first-steps/quiz.yml"),
        f"{M}/quiz.yml:1: missing quiz.yml (every module has a quiz)",
    ),
    "unexpected file in a module": (
        add_file("first-steps/notes.txt", "to do\n"),
        f"{M}/notes.txt:1: unexpected file (not part of the course format)",
    ),
    "unexpected folder in a module": (
        add_file("first-steps/images/", ""),
        f"{M}/images:1: unexpected folder (a module folder holds no folders)",
    ),
    "unexpected file in a course": (
        add_file("notes.md", "to do\n"),
        f"{C}/notes.md:1: unexpected file (not part of the course format)",
    ),
    # Questions
    "single with two correct": (
        replace(
            "first-steps/quiz.yml", FIRST_WRONG_CHOICE, FIRST_WRONG_CHOICE.replace("false", "true")
        ),
        f"{M}/quiz.yml:11: a single question needs exactly one correct choice (it has 2)",
    ),
    "one choice only": (
        replace("first-steps/quiz.yml", SECOND_CHOICE, ""),
        f"{M}/quiz.yml:11: a question needs at least two choices",
    ),
    "multiple with no correct choice": (
        replace(
            "first-steps/quiz.yml", MULTIPLE_CORRECT, MULTIPLE_CORRECT.replace("true", "false")
        ),
        f"{M}/quiz.yml:24: a multiple question needs at least one correct choice",
    ),
    "duplicate choice text": (
        replace(
            "first-steps/quiz.yml",
            "text: A client you cannot rouse",
            "text: a change in  breathing",
        ),
        f"{M}/quiz.yml:27: duplicate choice text 'a change in  breathing'",
    ),
    "true_false with other texts": (
        replace("first-steps/quiz.yml", "      - text: False\n", "      - text: Not sure\n"),
        f"{M}/quiz.yml:36: a true_false question needs exactly two choices, True and False",
    ),
    "objective of another level": (
        replace(
            "first-steps/quiz.yml", "objective: know-when-to-escalate", "objective: use-orienting"
        ),
        f"{M}/quiz.yml:19: objective must be one of the objective ids: offer-orienting,"
        " know-when-to-escalate",
    ),
    # Markdown
    "link to a missing lesson": (
        replace(LESSON, "## Exercise", "See [breath](../first-steps/breath.md).\n\n## Exercise"),
        f"{M}/orienting-to-the-room.md:24: link to a missing lesson: ../first-steps/breath.md",
    ),
    "script in a lesson": (
        replace(LESSON, "## Exercise", "<script>alert(1)</script>\n\n## Exercise"),
        f"{M}/orienting-to-the-room.md:24: raw HTML is not allowed; write Markdown instead",
    ),
    "javascript link in a lesson": (
        replace(LESSON, "(https://988lifeline.org)", "(JaVaScRiPt:alert(1))"),
        f"{M}/orienting-to-the-room.md:29: javascript: links are not allowed",
    ),
    "http link in a lesson": (
        replace(LESSON, "(https://988lifeline.org)", "(http://988lifeline.org)"),
        f"{M}/orienting-to-the-room.md:29: links to other sites must start with https://"
        " (http://988lifeline.org)",
    ),
    "link in the course description to a missing lesson": (
        replace(
            "course.yml", "the room, your voice", "the [room](first-steps/room.md), your voice"
        ),
        f"{C}/course.yml:8: link to a missing lesson: first-steps/room.md",
    ),
    "lesson without a body": (
        lambda course: (course / LESSON).write_text("---\ntitle: Orienting\nminutes: 9\n---\n"),
        f"{M}/orienting-to-the-room.md:4: the lesson has no text after its front matter",
    ),
    "comment in the course description": (
        replace("course.yml", "  everyone; medical", "  <!-- draft -->\n  everyone; medical"),
        f"{C}/course.yml:11: raw HTML is not allowed; write Markdown instead",
    ),
    "HTML in a choice's feedback": (
        replace(
            "first-steps/quiz.yml", "feedback: Detail-seeking", "feedback: <b>Detail</b>-seeking"
        ),
        f"{M}/quiz.yml:16: raw HTML is not allowed; write Markdown instead",
    ),
    "data link in a question prompt": (
        replace(
            "first-steps/quiz.yml",
            "prompt: A client may decline orienting.",
            "prompt: A client may decline [this](data:text/html,x).",
        ),
        f"{M}/quiz.yml:34: data: links are not allowed",
    ),
}


@pytest.mark.parametrize("name", list(CASES))
def test_one_error_gives_one_exact_problem(course: Path, name: str) -> None:
    edit, expected = CASES[name]
    edit(course)
    assert [str(problem) for problem in check_path("courses")] == [expected]


@pytest.mark.parametrize("name", list(CASES))
def test_a_course_with_a_problem_is_not_returned(course: Path, name: str) -> None:
    CASES[name][0](course)
    specs, problems = read_catalog("courses")
    assert specs == [] and problems
    assert read_course(course)[0] is None
