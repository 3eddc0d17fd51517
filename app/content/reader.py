"""Reading courses from files into specs, with every problem as `path:line: message`."""

from __future__ import annotations

import os
from pathlib import Path

from app.content.blueprint import blueprint_problems, source_key, spec_pool
from app.content.coursefile import CourseFile, read_course_file
from app.content.modulefile import check_slug_matches, lesson_files, read_module, visible_entries
from app.content.problems import FileProblems, Problem, ProblemLog
from app.content.quizfile import read_quiz_file
from app.content.rules import check_ce_hours_ceiling
from app.content.spec import CourseSpec, QuizSpec
from app.content.yamlsource import YamlList, YamlMap

__all__ = ["Problem", "check_path", "read_catalog", "read_course"]

COURSE_FILE = "course.yml"
FINAL_QUIZ_FILE = "final-quiz.yml"
#: The files the courses root may hold besides course folders: the format description and
#: the list of sources every citation in the content must come from (tests/content guards it).
CATALOG_NOTES = frozenset({"README.md", "SOURCES.md"})


def read_course(course_dir: str | os.PathLike[str]) -> tuple[CourseSpec | None, list[Problem]]:
    """Read one course folder; the spec is None when any problem was found."""
    folder = Path(course_dir)
    log = ProblemLog(folder, os.fspath(course_dir))
    if not folder.is_dir():
        log.file(folder).add(1, "not a folder" if folder.exists() else "no such folder")
        return None, log.found
    spec = _read_course(folder, log)
    return spec, sorted(log.found)


def read_catalog(path: str | os.PathLike[str]) -> tuple[list[CourseSpec], list[Problem]]:
    """Read every course under `path` (the courses root, or one course folder).

    Specs are returned for the courses without problems; the importer imports nothing
    while any problem is left.
    """
    root = Path(path)
    log = ProblemLog(root, os.fspath(path))
    if not root.is_dir():
        log.file(root).add(1, "not a folder" if root.exists() else "no such folder")
        return [], log.found
    if (root / COURSE_FILE).is_file():
        spec = _read_course(root, log)
        return ([spec] if spec else []), sorted(log.found)
    specs = []
    for entry in visible_entries(root):
        if entry.is_dir():
            spec = _read_course(entry, log)
            if spec is not None:
                specs.append(spec)
        elif entry.name not in CATALOG_NOTES:
            log.file(entry).add(1, "unexpected file (the courses folder holds course folders)")
    return specs, sorted(log.found)


def check_path(path: str | os.PathLike[str]) -> list[Problem]:
    """Return every problem in the courses under `path`, sorted by path, then line."""
    return read_catalog(path)[1]


def _read_course(folder: Path, log: ProblemLog) -> CourseSpec | None:
    """Read a course folder: course.yml, every module folder and the optional final quiz."""
    before = len(log.found)
    module_folders = {entry.name: entry for entry in visible_entries(folder) if entry.is_dir()}
    lessons = {
        (name, slug) for name, module in module_folders.items() for slug in lesson_files(module)
    }
    for entry in visible_entries(folder):
        if entry.is_file() and entry.name not in (COURSE_FILE, FINAL_QUIZ_FILE):
            log.file(entry).add(1, "unexpected file (not part of the course format)")
    course = _read_course_settings(folder, log.file(folder / COURSE_FILE), lessons)
    listed = [name for name in course.module_slugs if name in module_folders]
    modules = [
        read_module(module_folders[name], log, lessons)
        for name in dict.fromkeys(listed + sorted(module_folders))
    ]
    final_quiz = _read_final_quiz(folder, log, course, lessons)
    if len(log.found) > before or course.data is None:
        return None
    spec = CourseSpec(
        **course.settings,
        modules=tuple(module for module in modules if module is not None),
        final_quiz=final_quiz,
    )
    problems = log.file(folder / COURSE_FILE)
    message = check_ce_hours_ceiling(spec.ce_hours, spec.total_minutes())
    if message:
        problems.add(course.data.line_of("ce_hours"), message)
    _check_credit_hours(spec, course.data, problems)
    _check_blueprint(spec, course.data, problems)
    return None if len(log.found) > before else spec


def _check_credit_hours(spec: CourseSpec, data: YamlMap, problems: FileProblems) -> None:
    """Each credit's hours, like `ce_hours`, stay within the course's measured ceiling."""
    items = data.get("credits")
    if not isinstance(items, YamlList):
        return
    for index, credit in enumerate(spec.credits):
        message = check_ce_hours_ceiling(credit.hours, spec.total_minutes())
        if message:
            item = items[index]
            line = item.line_of("hours") if isinstance(item, YamlMap) else items.line_of(index)
            problems.add(
                line, f"credit {credit.body!r}: " + message.replace("ce_hours", "hours", 1)
            )


def _check_blueprint(spec: CourseSpec, data: YamlMap, problems: FileProblems) -> None:
    """The blueprint covers every course objective and asks no more than each pool holds."""
    items = data.get("blueprint")
    if not spec.blueprint or not isinstance(items, YamlList):
        return
    module_objectives = {
        source_key(module.slug, objective.id)
        for module in spec.modules
        for objective in module.objectives
    }
    found = blueprint_problems(
        spec.blueprint,
        [objective.id for objective in spec.objectives],
        module_objectives,
        spec_pool(spec),
    )
    for index, message in found:
        line = data.line_of("blueprint") if index is None else items.line_of(index)
        problems.add(line, f"blueprint: {message}")


def _read_course_settings(
    folder: Path, problems: FileProblems, lessons: set[tuple[str, str]]
) -> CourseFile:
    """Read course.yml and check its slug and module list against the folders present."""
    path = folder / COURSE_FILE
    if not path.is_file():
        problems.add(1, f"missing {COURSE_FILE} (every course folder has one)")
        return CourseFile()
    course = read_course_file(path, problems, lessons)
    if course.data is not None:
        check_slug_matches(course.data, folder.name, problems)
        _check_module_order(folder, course, problems)
    return course


def _check_module_order(folder: Path, course: CourseFile, problems: FileProblems) -> None:
    """Report listed modules without a folder, and module folders that are not listed."""
    assert course.data is not None
    listed = course.data.get("modules")
    if not course.module_slugs or not isinstance(listed, YamlList):
        return
    module_folders = {entry.name for entry in visible_entries(folder) if entry.is_dir()}
    for index, slug in enumerate(listed):
        if slug in course.module_slugs and slug not in module_folders:
            message = f"module {slug!r} is listed but its folder does not exist"
            problems.add(listed.line_of(index), message)
    for name in sorted(module_folders - set(course.module_slugs)):
        message = f"module folder {name!r} is not listed in modules"
        problems.add(course.data.line_of("modules"), message)


def _read_final_quiz(
    folder: Path, log: ProblemLog, course: CourseFile, lessons: set[tuple[str, str]]
) -> QuizSpec | None:
    """Read final-quiz.yml if present; its questions name course objectives."""
    path = folder / FINAL_QUIZ_FILE
    if not path.is_file():
        return None
    title = course.settings.get("title")
    default_title = f"{title}: final quiz" if title else "Final quiz"
    return read_quiz_file(path, log.file(path), default_title, course.objective_ids, None, lessons)
