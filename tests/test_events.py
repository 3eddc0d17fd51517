"""Events between domains: who emits what, once, and listeners inside the emitter's transaction."""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import func, select

from app import events
from app.certificates.models import Certificate
from app.db import db
from app.evaluations.models import CourseEvaluation
from app.insight.models import LessonTally
from app.learning.models import Enrollment, LessonProgress, ModuleCompletion
from tests.certificates.helpers import EVALUATION, complete_course
from tests.factories import make_course
from tests.learning.helpers import complete_module_lessons, lesson_url, pass_quiz

DOCS = Path(__file__).resolve().parents[1] / "docs" / "events.md"


class Refused(Exception):
    """A listener's failure, raised on purpose."""


def _refuse(payload: object) -> None:
    raise Refused


def test_every_event_has_a_row_in_the_docs_naming_its_emitter() -> None:
    rows = {
        match.group(1): match.group(2)
        for match in re.finditer(r"^\| `(\w+)` \|[^|]*\| `([\w.]+)`", DOCS.read_text(), re.M)
    }
    for event in events.ALL:
        name = event.name.replace("-", "_")
        assert name in rows, name
        assert getattr(events, name) is event
        # The signal's own doc names the same emitter as the table.
        assert rows[name] in (event.signal.__doc__ or ""), name


def test_completing_a_lesson_emits_once_and_its_listeners_count_it(app, client, sign_in) -> None:
    course = make_course()
    learner = sign_in()
    client.post(f"/courses/{course.slug}/enroll")
    module = course.active_modules[0]
    lesson = module.active_lessons[0]
    url = lesson_url(course, module.slug, lesson.slug)
    client.get(url)
    with events.lesson_completed.recording(lambda p: (p.user.id, p.lesson_id)) as seen:
        client.post(url + "/complete")
        client.post(url + "/complete")  # a double click
    assert seen == [(learner.id, lesson.id)]
    assert (
        db.session.scalar(select(LessonTally.completed).where(LessonTally.lesson_id == lesson.id))
        == 1
    )


def test_a_passed_quiz_completes_its_module_through_the_listener(app, client, sign_in) -> None:
    course = make_course()
    learner = sign_in()
    client.post(f"/courses/{course.slug}/enroll")
    module = course.active_modules[0]
    complete_module_lessons(client, course, module)
    with (
        events.attempt_graded.recording(lambda p: (p.attempt.id, p.grade.passed)) as graded,
        events.module_completed.recording(lambda p: (p.user.id, p.module_id)) as done,
    ):
        failed = pass_quiz(client, course, module, learner.id, right=False)
        assert done == []  # a failed attempt completes nothing
        passed = pass_quiz(client, course, module, learner.id)
    assert graded == [(failed.id, False), (passed.id, True)]
    assert done == [(learner.id, module.id)]


def test_a_failing_listener_undoes_the_lesson_completion_it_reacted_to(
    app, client, sign_in
) -> None:
    course = make_course()
    sign_in()
    client.post(f"/courses/{course.slug}/enroll")
    module = course.active_modules[0]
    lesson = module.active_lessons[0]
    url = lesson_url(course, module.slug, lesson.slug)
    client.get(url)
    with events.lesson_completed.signal.connected_to(_refuse):
        assert client.post(url + "/complete").status_code == 500
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(LessonTally)) == 0
    assert db.session.scalar(select(func.count()).select_from(ModuleCompletion)) == 0
    progress = db.session.scalar(
        select(LessonProgress).where(LessonProgress.lesson_id == lesson.id)
    )
    assert progress.completed_at is None


def test_filing_the_evaluation_issues_the_certificate_in_its_transaction(
    app, client, sign_in
) -> None:
    course = make_course()
    learner = sign_in()
    complete_course(client, course, learner.id)
    assert client.post(f"/courses/{course.slug}/attest", data={"attest": "y"}).status_code == 302
    with (
        events.evaluation_filed.recording(lambda p: p.user.id) as filed,
        events.certificate_issued.recording(lambda p: p.certificate.public_id) as issued,
    ):
        response = client.post(f"/courses/{course.slug}/evaluation", data=EVALUATION)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/courses/{course.slug}/certificate")
    assert filed == [learner.id]
    certificate = db.session.scalar(select(Certificate).where(Certificate.user_id == learner.id))
    assert issued == [certificate.public_id]
    # The claim page then shows the certificate.
    assert (
        client.get(response.headers["Location"])
        .headers["Location"]
        .endswith(f"/certificates/{certificate.public_id}")
    )


def test_a_refused_certificate_leaves_no_evaluation_behind(app, client, sign_in) -> None:
    course = make_course()
    learner = sign_in()
    complete_course(client, course, learner.id)
    client.post(f"/courses/{course.slug}/attest", data={"attest": "y"})
    with events.certificate_issued.signal.connected_to(_refuse):
        assert client.post(f"/courses/{course.slug}/evaluation", data=EVALUATION).status_code == 500
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(CourseEvaluation)) == 0
    assert db.session.scalar(select(func.count()).select_from(Certificate)) == 0
    enrollment = db.session.scalar(select(Enrollment).where(Enrollment.user_id == learner.id))
    assert enrollment.completed_at is not None  # what was committed before stays


def test_an_event_with_no_listener_emits_without_error() -> None:
    class Nobody:
        pass

    with events.course_archived.recording() as seen:
        events.course_archived.emit(Nobody())  # type: ignore[arg-type]
    assert len(seen) == 1
