"""Importing course files into the database: all or nothing, idempotent, history kept."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.catalog.models import Course, Lesson, Question
from app.content.exporter import course_spec
from app.content.importer import import_courses
from app.content.reader import read_course
from app.db import db
from app.learning.models import Enrollment, LessonProgress
from app.models import metadata
from app.quizzes.models import QuizAttempt
from tests.factories import course_spec as make_spec
from tests.factories import module_spec
from tests.learning.helpers import complete_module_lessons, pass_quiz

SHIPPED = Path(__file__).resolve().parents[2] / "courses"


def row_counts() -> dict[str, int]:
    """Rows per table, to prove an operation changed nothing."""
    return {
        table.name: db.session.scalar(select(func.count()).select_from(table)) or 0
        for table in metadata.sorted_tables
    }


def test_an_import_that_fails_halfway_leaves_the_database_unchanged(app, monkeypatch):
    import_courses([make_spec("first")])
    before = row_counts()
    good, bad = make_spec("second"), make_spec("third")
    from app.content import importer

    original = importer._apply_final_quiz

    def explode(course, spec):  # type: ignore[no-untyped-def]
        # The second course is fully written and the third half written when this fails.
        if course.slug == "third":
            raise RuntimeError("disk full")
        return original(course, spec)

    monkeypatch.setattr(importer, "_apply_final_quiz", explode)
    with pytest.raises(RuntimeError, match="disk full"):
        import_courses([good, bad])
    db.session.expire_all()
    assert row_counts() == before
    assert db.session.scalar(select(Course.slug).where(Course.slug == "second")) is None


def test_reimporting_unchanged_files_changes_nothing(app):
    spec = make_spec()
    import_courses([spec])
    course = db.session.scalar(select(Course))
    stamp = (course.version, course.updated_at, course.content_fingerprint)
    before = row_counts()
    results = import_courses([spec])
    db.session.expire_all()
    course = db.session.scalar(select(Course))
    assert [r.outcome for r in results] == ["unchanged"]
    assert (course.version, course.updated_at, course.content_fingerprint) == stamp
    assert row_counts() == before


def test_reimporting_an_edited_course_keeps_learners_progress_and_attempts(app, client, sign_in):
    spec = make_spec()
    import_courses([spec])
    course = db.session.scalar(select(Course))
    user = sign_in()
    client.post(f"/courses/{course.slug}/enroll")
    first = course.active_modules[0]
    complete_module_lessons(client, course, first)
    attempt = pass_quiz(client, course, first, user.id)

    edited_first = dataclasses.replace(
        spec.modules[0],
        title="Renamed module",
        lessons=spec.modules[0].lessons[:1],  # lesson-2 removed from the files
        quiz=dataclasses.replace(
            spec.modules[0].quiz, questions=spec.modules[0].quiz.questions[1:]
        ),
    )
    edited = dataclasses.replace(spec, modules=(edited_first, spec.modules[1]))
    assert [r.outcome for r in import_courses([edited])] == ["updated"]
    db.session.expire_all()
    course = db.session.scalar(select(Course))
    assert course.version == 2 and course.active_modules[0].title == "Renamed module"
    retired = db.session.scalar(
        select(Lesson).where(Lesson.slug == "lesson-2", Lesson.module_id == first.id)
    )
    assert retired.retired_at is not None  # retired, not deleted
    assert (
        db.session.scalar(
            select(func.count()).select_from(Question).where(Question.retired_at.is_not(None))
        )
        == 1
    )
    assert db.session.scalar(select(func.count()).select_from(LessonProgress)) == 2
    assert db.session.scalar(select(func.count()).select_from(Enrollment)) == 1
    kept = db.session.get(QuizAttempt, attempt.id)
    assert kept.passed and len(kept.snapshot) == 3
    page = client.get(f"/attempts/{attempt.id}/result").get_data(as_text=True)
    assert "Prompt q-single?" in page  # the retired question still shows in the old result


def test_a_lesson_put_back_in_the_files_comes_back(app):
    spec = make_spec()
    import_courses([spec])
    smaller = dataclasses.replace(spec, modules=(spec.modules[0],))
    import_courses([smaller])
    import_courses([spec])
    course = db.session.scalar(select(Course))
    assert [m.slug for m in course.active_modules] == ["m1", "m2"] and course.version == 3


def test_import_export_import_gives_an_identical_course(app, tmp_path):
    spec, problems = read_course(SHIPPED / "kap-core-clinical-skills")
    assert not problems
    import_courses([spec])
    course = db.session.scalar(select(Course))
    exported = course_spec(course)
    assert exported == spec
    import_courses([exported])
    assert db.session.scalar(select(Course.version)) == 1  # same content: a no-op


def test_module_order_follows_the_files(app):
    spec = dataclasses.replace(make_spec(), modules=(module_spec("b"), module_spec("a")))
    import_courses([spec])
    course = db.session.scalar(select(Course))
    assert [m.slug for m in course.active_modules] == ["b", "a"]


def test_cli_import_refuses_a_broken_file_and_names_it(app, runner, tmp_path):
    target = tmp_path / "courses"
    shutil.copytree(
        SHIPPED / "kap-preparation-and-integration", target / "kap-preparation-and-integration"
    )
    course_file = target / "kap-preparation-and-integration" / "course.yml"
    text = course_file.read_text()
    course_file.write_text(text.replace("pass_mark: 80", "pass_mark: 180"))
    line = next(
        i
        for i, row in enumerate(course_file.read_text().splitlines(), 1)
        if row.startswith("pass_mark:")
    )
    result = runner.invoke(args=["courses", "import", str(target)])
    assert result.exit_code == 1
    assert f"kap-preparation-and-integration/course.yml:{line}: " in result.output
    assert "Nothing was imported." in result.output
    assert db.session.scalar(select(func.count()).select_from(Course)) == 0


def test_cli_check_import_and_export_on_the_shipped_curriculum(app, runner, tmp_path):
    assert runner.invoke(args=["courses", "check", str(SHIPPED)]).exit_code == 0
    first = runner.invoke(args=["courses", "import", str(SHIPPED)])
    assert first.exit_code == 0 and "created (version 1)" in first.output
    again = runner.invoke(args=["courses", "import", str(SHIPPED)])
    assert again.output.count("unchanged (version 1)") == 2
    out = runner.invoke(args=["courses", "export", "kap-core-clinical-skills", str(tmp_path)])
    assert out.exit_code == 0
    exported, problems = read_course(tmp_path / "kap-core-clinical-skills")
    assert not problems and exported == read_course(SHIPPED / "kap-core-clinical-skills")[0]
    missing = runner.invoke(args=["courses", "export", "no-such-course", str(tmp_path)])
    assert missing.exit_code != 0 and "No course with the slug" in missing.output
