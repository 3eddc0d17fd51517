"""Reading one module folder: `module.yml`, its lesson files and its `quiz.yml`."""

from __future__ import annotations

from collections.abc import Collection
from functools import partial
from pathlib import Path
from typing import Any

from app.content.casefile import CASE_FILE, read_case_file
from app.content.coursefile import read_objectives
from app.content.fields import Field, read_fields, read_slug_list
from app.content.lessonfile import read_lesson_file
from app.content.problems import FileProblems, ProblemLog
from app.content.quizfile import read_quiz_file
from app.content.rules import (
    SUMMARY_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    check_line_text,
    check_slug,
)
from app.content.spec import CaseSpec, ModuleSpec, ObjectiveSpec, QuizSpec
from app.content.yamlsource import YamlMap, load_mapping, read_text_file

MODULE_FILE = "module.yml"
QUIZ_FILE = "quiz.yml"
LESSON_SUFFIX = ".md"

MODULE_FIELDS = {
    "slug": Field(check_slug),
    "title": Field(partial(check_line_text, max_length=TITLE_MAX_LENGTH)),
    "summary": Field(partial(check_line_text, max_length=SUMMARY_MAX_LENGTH)),
    "objectives": Field(),
    "lessons": Field(),
}


def visible_entries(folder: Path) -> list[Path]:
    """Return the folder's entries in name order, leaving out hidden ones (`.git`, `.DS_Store`)."""
    return sorted(entry for entry in folder.iterdir() if not entry.name.startswith("."))


def lesson_files(folder: Path) -> dict[str, Path]:
    """Return the folder's lesson files by slug (file name without `.md`)."""
    return {
        entry.name.removesuffix(LESSON_SUFFIX): entry
        for entry in visible_entries(folder)
        if entry.is_file() and entry.name.endswith(LESSON_SUFFIX)
    }


def check_slug_matches(data: YamlMap, expected: str, problems: FileProblems) -> None:
    """Report a `slug` that is a valid slug but not the folder's name."""
    slug = data.get("slug")
    if isinstance(slug, str) and not check_slug(slug) and slug != expected:
        message = f"slug {slug!r} must equal the folder name {expected!r}"
        problems.add(data.line_of("slug"), message)


def read_module_file(folder: Path, problems: FileProblems) -> YamlMap | None:
    """Load `module.yml` as a mapping, reporting a missing or unreadable file."""
    if not (folder / MODULE_FILE).is_file():
        problems.add(1, f"missing {MODULE_FILE} (every module folder has one)")
        return None
    text = read_text_file(folder / MODULE_FILE, problems)
    return load_mapping(text, problems) if text is not None else None


def _report_unexpected(folder: Path, log: ProblemLog) -> None:
    """Report files and folders that are not part of a module."""
    for entry in visible_entries(folder):
        if entry.is_dir():
            log.file(entry).add(1, "unexpected folder (a module folder holds no folders)")
        elif (
            entry.name not in (MODULE_FILE, QUIZ_FILE, CASE_FILE) and entry.suffix != LESSON_SUFFIX
        ):
            log.file(entry).add(1, "unexpected file (not part of the course format)")


def read_module(
    folder: Path, log: ProblemLog, lessons: Collection[tuple[str, str]]
) -> ModuleSpec | None:
    """Read a module folder; `lessons` are the (module, lesson) pairs links may name."""
    before = len(log.found)
    _report_unexpected(folder, log)
    files = lesson_files(folder)
    problems = log.file(folder / MODULE_FILE)
    data = read_module_file(folder, problems)
    values = read_fields(data, 1, MODULE_FIELDS, problems, "module settings") if data else None
    order, objectives = tuple(sorted(files)), None
    if data is not None and values is not None:
        check_slug_matches(data, folder.name, problems)
        objectives = read_objectives(data, problems) if "objectives" in data else None
        if "lessons" in data:
            order = read_slug_list(data, "lessons", "lesson", problems)
            if order:  # without a readable list, every file would look unlisted
                _check_lesson_order(data, order, files, problems)
    specs = [
        read_lesson_file(files[slug], log.file(files[slug]), folder.name, lessons)
        for slug in dict.fromkeys(order + tuple(sorted(files)))
        if slug in files
    ]
    quiz = _read_module_quiz(folder, log, values, objectives, lessons)
    case = _read_module_case(folder, log, objectives, lessons)
    if len(log.found) > before or values is None or objectives is None or quiz is None:
        return None
    return ModuleSpec(
        slug=values["slug"],
        title=values["title"],
        summary=values["summary"],
        objectives=objectives,
        lessons=tuple(spec for spec in specs if spec is not None),
        quiz=quiz,
        case=case,
    )


def _read_module_case(
    folder: Path,
    log: ProblemLog,
    objectives: tuple[ObjectiveSpec, ...] | None,
    lessons: Collection[tuple[str, str]],
) -> CaseSpec | None:
    """Read the module's optional `case.yml`; its endings name the module's objectives."""
    path = folder / CASE_FILE
    if not path.is_file():
        return None
    objective_ids = [objective.id for objective in objectives] if objectives is not None else []
    return read_case_file(path, log.file(path), folder.name, objective_ids, lessons)


def _read_module_quiz(
    folder: Path,
    log: ProblemLog,
    values: dict[str, Any] | None,
    objectives: tuple[ObjectiveSpec, ...] | None,
    lessons: Collection[tuple[str, str]],
) -> QuizSpec | None:
    """Read the module's `quiz.yml`; its title defaults to "<module title>: quiz"."""
    path = folder / QUIZ_FILE
    if not path.is_file():
        log.file(path).add(1, f"missing {QUIZ_FILE} (every module has a quiz)")
        return None
    title = values.get("title") if values else None
    objective_ids = [objective.id for objective in objectives] if objectives is not None else None
    default_title = f"{title}: quiz" if title else "Quiz"
    return read_quiz_file(path, log.file(path), default_title, objective_ids, folder.name, lessons)


def _check_lesson_order(
    data: YamlMap, order: tuple[str, ...], files: dict[str, Path], problems: FileProblems
) -> None:
    """Report listed lessons without a file, and lesson files that are not listed."""
    listed = data["lessons"]
    for index, slug in enumerate(listed):
        if isinstance(slug, str) and slug in order and slug not in files:
            message = f"lesson {slug!r} is listed but {slug}{LESSON_SUFFIX} does not exist"
            problems.add(listed.line_of(index), message)
    for slug in sorted(set(files) - set(order)):
        message = f"lesson file '{slug}{LESSON_SUFFIX}' is not listed in lessons"
        problems.add(data.line_of("lessons"), message)
