"""Hostile course files: the reader, the zip reader and ``flask courses import`` only report.

Whatever the files hold (broken YAML, object tags, aliases, NULs, markup, hostile
names, random bytes), reading gives either a course or a list of ``file:line``
problems, never an exception; and an import that is refused leaves every table as
it was (nothing is half-imported).
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import Flask
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from app.catalog.models import Course
from app.content.archive import read_course_zip
from app.content.problems import Problem
from app.content.reader import read_catalog, read_course
from app.db import db
from tests.security.hostile import hostile_text
from tests.security.mutations import (
    SLUG,
    CourseFiles,
    example_files,
    mutated_course,
    write_course,
    zip_of,
)
from tests.security.snapshot import changed_tables, snapshot

FAST = settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def assert_reported(spec: object, problems: list[Problem]) -> None:
    """A course with no problems, or problems and no course; each problem names a line."""
    assert (spec is None) == bool(problems), problems
    for problem in problems:
        assert isinstance(problem, Problem) and problem.line >= 1 and problem.message


@FAST
@given(mutated_course())
def test_hostile_course_files_are_reported_never_raised(files: CourseFiles) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = write_course(files, Path(tmp))
        if folder is None:
            return
        assert_reported(*read_course(folder))
        specs, problems = read_catalog(Path(tmp))
        assert len(specs) <= 1 and all(spec.slug == SLUG for spec in specs)
        assert_reported(specs[0] if specs else None, problems)


@FAST
@given(mutated_course(), st.lists(hostile_text(), max_size=3))
def test_hostile_zips_are_reported_never_raised(files: CourseFiles, names: list[str]) -> None:
    for name in names:
        files[name] = b"stray"
    assert_reported(*read_course_zip(zip_of(files)))


def test_yaml_tags_never_build_objects(tmp_path: Path) -> None:
    files = example_files()
    canary = tmp_path / "pwned"
    files["course.yml"] = files["course.yml"].replace(
        b"level: beginning", f"level: !!python/object/apply:os.system ['touch {canary}']".encode()
    )
    folder = write_course(files, tmp_path)
    assert folder is not None
    spec, problems = read_course(folder)
    assert spec is None and any("course.yml" in p.path for p in problems)
    assert not canary.exists()


def test_a_billion_laughs_is_refused_quickly(tmp_path: Path) -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [
        f"{chr(98 + i)}: &{chr(98 + i)} [{','.join([f'*{chr(97 + i)}'] * 9)}]" for i in range(8)
    ]
    files = example_files()
    files["course.yml"] = ("\n".join(lines) + "\n").encode() + files["course.yml"]
    folder = write_course(files, tmp_path)
    assert folder is not None
    started = time.monotonic()
    spec, problems = read_course(folder)
    assert spec is None and problems
    assert time.monotonic() - started < 5


def _import(runner: CliRunner, folder: Path) -> tuple[int, str]:
    """Run ``flask courses import``; any exception but the exit is a failure."""
    result = runner.invoke(args=["courses", "import", str(folder)])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.output


def test_refused_imports_change_nothing(app: Flask) -> None:
    """Hypothesis's mangled courses through ``flask courses import``: all or nothing."""
    runner = app.test_cli_runner()
    engine = app.extensions["db_engine"]

    @settings(
        max_examples=25,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(mutated_course())
    def import_hostile_course(files: CourseFiles) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            folder = write_course(files, Path(tmp))
            if folder is None:
                return
            before = snapshot(engine)
            code, output = _import(runner, folder)
            event(f"exit status {code}")
            assert code in (0, 1), output
            if code == 1:
                assert "Nothing was imported." in output
                after = snapshot(engine)
                assert after == before, f"a refused import changed {changed_tables(before, after)}"
            else:
                db.session.expire_all()
                assert db.session.query(Course).filter_by(slug=SLUG).count() == 1

    import_hostile_course()


LESSON_FILE = "first-steps/orienting-to-the-room.md"
#: Values the checker lets through today that no database column can hold.
TRAPS = {
    "an attempt limit no column holds": (
        "course.yml", b"attempt_limit: null", b"attempt_limit: 999999999999999999999999"
    ),
    "a seat time no column holds": (
        "course.yml", b"attempt_limit: null",
        b"attempt_limit: null\nmin_seconds_per_lesson: 99999999999999999999",
    ),
    "minutes no column holds": (LESSON_FILE, b"minutes: 9", b"minutes: 99999999999999999999"),
    "a NUL written as a YAML escape": (
        "course.yml", b"title: Orienting a Client to the Room", b'title: "Orienting\\0 a Client"'
    ),
    "a NUL byte in a lesson": (LESSON_FILE, b"Say the three steps", b"Say the\x00 three steps"),
}  # fmt: skip


@pytest.mark.parametrize("trap", sorted(TRAPS))
def test_values_no_column_can_hold_are_problems_not_crashes(
    app: Flask, trap: str, tmp_path: Path
) -> None:
    name, old, new = TRAPS[trap]
    files = example_files()
    assert old in files[name]
    files[name] = files[name].replace(old, new)
    folder = write_course(files, tmp_path)
    assert folder is not None
    spec, problems = read_course(folder)
    assert spec is None and problems, "flask courses check lets it through"
    before = snapshot(app.extensions["db_engine"])
    code, output = _import(app.test_cli_runner(), folder)
    assert code == 1 and "Nothing was imported." in output
    assert snapshot(app.extensions["db_engine"]) == before


def test_an_unlimited_attempt_limit_survives_the_first_import(app: Flask, tmp_path: Path) -> None:
    """``attempt_limit: null`` in course.yml means unlimited, from the first import on."""
    folder = write_course(example_files(), tmp_path)
    assert folder is not None
    code, output = _import(app.test_cli_runner(), folder)
    assert code == 0, output
    db.session.expire_all()
    course = db.session.query(Course).filter_by(slug=SLUG).one()
    assert course.attempt_limit is None
