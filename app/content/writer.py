"""Writing a course spec back to files in the format `courses/README.md` describes."""

from __future__ import annotations

import os
import shutil
import tempfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from app.content.casefile import CASE_FILE
from app.content.coursefile import COURSE_FIELDS
from app.content.credit import canonical_ce_hours
from app.content.lessonfile import FRONT_MATTER_FENCE
from app.content.modulefile import MODULE_FILE, QUIZ_FILE
from app.content.reader import COURSE_FILE, FINAL_QUIZ_FILE
from app.content.spec import (
    CaseSpec,
    ChoiceSpec,
    CourseSpec,
    InstructorSpec,
    ModuleSpec,
    QuestionSpec,
    QuizSpec,
)

YAML_WIDTH = 88
# Optional course keys written only when they hold something (attempt_limit: null stays).
_LEFT_OUT_WHEN_EMPTY = frozenset(
    {"topics", "approval_statement", "approval_period", "credits", "blueprint", "grounding"}
)
_UNUSUAL_LINE_BREAKS = ("\r", "\x85", "\u2028", "\u2029")


class _CourseDumper(yaml.SafeDumper):
    """Block-style YAML, lists indented under their key as the README shows them."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        """Indent list items under their key instead of flush with it."""
        return super().increase_indent(flow, False)


def _represent_text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    """Write multi-line text as a literal block (`|`), other text the plainest way."""
    style = "|" if "\n" in value else None
    if any(mark in value for mark in _UNUSUAL_LINE_BREAKS):
        style = '"'  # only double quotes escape these; elsewhere YAML reads them as "\n"
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


def _represent_hours(dumper: yaml.SafeDumper, value: Decimal) -> yaml.ScalarNode:
    """Write CE hours as a YAML number, `2` or `1.5`."""
    text = str(canonical_ce_hours(value))
    tag = "tag:yaml.org,2002:float" if "." in text else "tag:yaml.org,2002:int"
    return dumper.represent_scalar(tag, text)


_CourseDumper.add_representer(str, _represent_text)
_CourseDumper.add_representer(Decimal, _represent_hours)


def format_yaml(data: dict[str, Any]) -> str:
    """Return `data` as human-friendly YAML: block style, keys in order, unicode kept."""
    return yaml.dump(
        data,
        Dumper=_CourseDumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=YAML_WIDTH,
    )


def _without_none(data: dict[str, Any]) -> dict[str, Any]:
    """Drop optional keys that hold nothing."""
    return {key: value for key, value in data.items() if value is not None}


def _instructor_data(instructor: InstructorSpec) -> dict[str, Any]:
    """Return an instructor as its YAML mapping."""
    return _without_none(instructor.to_dict())


def course_data(spec: CourseSpec) -> dict[str, Any]:
    """Return what `course.yml` holds for `spec`, keys in the README's order."""
    values: dict[str, Any] = {
        "ce_hours": canonical_ce_hours(spec.ce_hours),
        "topics": list(spec.topics) or None,
        "objectives": [objective.to_dict() for objective in spec.objectives],
        "instructors": [_instructor_data(instructor) for instructor in spec.instructors],
        "references": list(spec.references),
        "approval_period": spec.approval_period
        and {
            "start": spec.approval_period.start,
            "end": spec.approval_period.end,
        },
        "credits": [
            {"body": c.body, "hours": canonical_ce_hours(c.hours), "statement": c.statement}
            for c in spec.credits
        ]
        or None,
        "blueprint": [
            {"objective": row.objective, "draw": row.draw}
            | ({"from": list(row.sources)} if row.sources else {})
            for row in spec.blueprint
        ]
        or None,
        "modules": [module.slug for module in spec.modules],
    }
    data = {key: values[key] if key in values else getattr(spec, key) for key in COURSE_FIELDS}
    return {
        key: value
        for key, value in data.items()
        if value is not None or key not in _LEFT_OUT_WHEN_EMPTY
    }


def module_data(module: ModuleSpec) -> dict[str, Any]:
    """Return what `module.yml` holds for `module`."""
    return {
        "slug": module.slug,
        "title": module.title,
        "summary": module.summary,
        "objectives": [objective.to_dict() for objective in module.objectives],
        "lessons": [lesson.slug for lesson in module.lessons],
    }


def _choice_data(choice: ChoiceSpec) -> dict[str, Any]:
    """Return a choice as its YAML mapping."""
    return _without_none(choice.to_dict())


def _question_data(question: QuestionSpec) -> dict[str, Any]:
    """Return a question as its YAML mapping."""
    return {**question.to_dict(), "choices": [_choice_data(c) for c in question.choices]}


def quiz_data(quiz: QuizSpec, default_title: str) -> dict[str, Any]:
    """Return what a quiz file holds; the title is left out when it is the default."""
    questions = [_question_data(question) for question in quiz.questions]
    data: dict[str, Any] = {} if quiz.title == default_title else {"title": quiz.title}
    if quiz.advisories:
        data["advisories"] = list(quiz.advisories)
    if quiz.time_limit_minutes is not None:
        data["time_limit_minutes"] = quiz.time_limit_minutes
    data["questions"] = questions
    return data


def _without_empty(data: dict[str, Any]) -> dict[str, Any]:
    """Drop optional keys that hold nothing (None or an empty list)."""
    return {key: value for key, value in data.items() if value is not None and value != []}


def case_data(case: CaseSpec) -> dict[str, Any]:
    """Return what `case.yml` holds: optional keys only when they say something."""
    data = case.to_dict()
    if data["requirement"] == "none":
        del data["requirement"]
    scenes = []
    for scene in data["scenes"]:
        if scene["ending"] is not None:
            scene["ending"] = _without_empty(scene["ending"])
        scenes.append(_without_empty(scene))
    return {**_without_empty(data), "scenes": scenes}


def lesson_text(
    title: str,
    minutes: int,
    body: str,
    min_seconds: int | None = None,
    advisories: tuple[str, ...] = (),
) -> str:
    """Return a lesson file: front matter between `---` lines, then the Markdown body."""
    fields: dict[str, object] = {"title": title, "minutes": minutes}
    if min_seconds is not None:
        fields["min_seconds"] = min_seconds
    if advisories:
        fields["advisories"] = list(advisories)
    front_matter = format_yaml(fields)
    return f"{FRONT_MATTER_FENCE}\n{front_matter}{FRONT_MATTER_FENCE}\n{body}"


def _write_files(spec: CourseSpec, folder: Path) -> None:
    """Write every file of `spec` into the empty `folder`."""
    (folder / COURSE_FILE).write_text(format_yaml(course_data(spec)), encoding="utf-8")
    if spec.final_quiz is not None:
        final = quiz_data(spec.final_quiz, f"{spec.title}: final quiz")
        (folder / FINAL_QUIZ_FILE).write_text(format_yaml(final), encoding="utf-8")
    for module in spec.modules:
        module_folder = folder / module.slug
        module_folder.mkdir()
        (module_folder / MODULE_FILE).write_text(format_yaml(module_data(module)), "utf-8")
        quiz = quiz_data(module.quiz, f"{module.title}: quiz")
        (module_folder / QUIZ_FILE).write_text(format_yaml(quiz), encoding="utf-8")
        if module.case is not None:
            (module_folder / CASE_FILE).write_text(format_yaml(case_data(module.case)), "utf-8")
        for lesson in module.lessons:
            text = lesson_text(
                lesson.title, lesson.minutes, lesson.body, lesson.min_seconds, lesson.advisories
            )
            (module_folder / f"{lesson.slug}.md").write_text(text, encoding="utf-8")


def write_course(spec: CourseSpec, course_dir: str | os.PathLike[str]) -> Path:
    """Write `spec` into `course_dir` (named after its slug), replacing what it held.

    The files are written next to it first and swapped in at the end, so a failure
    leaves the old folder as it was.
    """
    target = Path(course_dir)
    if target.name != spec.slug:
        raise ValueError(f"the course folder must be named {spec.slug!r}, not {target.name!r}")
    target.parent.mkdir(parents=True, exist_ok=True)
    fresh = Path(tempfile.mkdtemp(prefix=f".{spec.slug}-new-", dir=target.parent))
    fresh.chmod(0o755)  # mkdtemp makes it private; a course folder is ordinary content
    try:
        _write_files(spec, fresh)
    except BaseException:
        shutil.rmtree(fresh, ignore_errors=True)
        raise
    if target.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{spec.slug}-old-", dir=target.parent))
        target.replace(old / spec.slug)
        fresh.replace(target)
        shutil.rmtree(old)
    else:
        fresh.replace(target)
    return target
