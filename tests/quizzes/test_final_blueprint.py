"""A cumulative final post-test drawn from the course's blueprint, over HTTP.

Each attempt draws its questions when it starts, from a seed it keeps, so grading and
review read the same questions; a retake draws again from the pool; the post-test gates
course completion; and an answer naming a pool question this attempt did not draw is
refused and changes nothing.
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from app.catalog.models import Course, Question, Quiz
from app.content.spec import BlueprintSpec, ObjectiveSpec
from app.db import db
from app.learning.models import Enrollment
from app.quizzes import services
from app.quizzes.models import AttemptAnswer
from tests.certificates.helpers import complete_course
from tests.factories import course_spec, make_course
from tests.learning.helpers import answers_for, latest_attempt

BLUEPRINT = (
    BlueprintSpec(objective="recognize", draw=2, sources=("m1/goal",)),
    BlueprintSpec(objective="respond", draw=1, sources=("m2/goal",)),
)


def _course() -> Course:
    """Two modules of three questions each; the final post-test draws 2 + 1 of them."""
    spec = course_spec(
        slug="drawn-final",
        objectives=(
            ObjectiveSpec(id="recognize", text="Recognize the signs."),
            ObjectiveSpec(id="respond", text="Respond to the signs."),
        ),
        blueprint=BLUEPRINT,
        ce_hours=Decimal("1"),
        attempt_limit=3,
    )
    return make_course(spec)


def _final(course: Course) -> Quiz:
    quiz = db.session.scalar(
        select(Quiz).where(Quiz.course_id == course.id, Quiz.module_id.is_(None))
    )
    assert quiz is not None, "a blueprint gives the course a final post-test"
    return quiz


def _module_of_question(question_id: int) -> str:
    question = db.session.get(Question, question_id)
    assert question is not None
    quiz = db.session.get(Quiz, question.quiz_id)
    assert quiz is not None and quiz.module is not None
    return quiz.module.slug


def _start(client, course: Course, quiz: Quiz, user_id: int):  # type: ignore[no-untyped-def]
    response = client.post(f"/courses/{course.slug}/quizzes/{quiz.id}/start")
    assert response.status_code == 302, response.get_data(as_text=True)
    return latest_attempt(user_id, quiz.id)


def _enrollment(course: Course, user_id: int) -> Enrollment:
    db.session.expire_all()
    found = db.session.scalar(
        select(Enrollment).where(Enrollment.course_id == course.id, Enrollment.user_id == user_id)
    )
    assert found is not None
    return found


def test_each_attempt_draws_by_the_blueprint_and_keeps_its_seed(client, sign_in) -> None:  # type: ignore[no-untyped-def]
    course = _course()
    final = _final(course)
    learner = sign_in()
    complete_course(client, course, learner.id)
    assert _enrollment(course, learner.id).completed_at is None, "the post-test still gates"

    intro = client.get(f"/courses/{course.slug}/quizzes/{final.id}").get_data(as_text=True)
    assert "<dd>3 (drawn for each attempt" in intro

    attempt = _start(client, course, final, learner.id)
    assert attempt.draw_seed is not None
    drawn = [q["id"] for q in attempt.snapshot]
    assert len(drawn) == len(set(drawn)) == 3
    assert sorted(_module_of_question(i) for i in drawn) == ["m1", "m1", "m2"]
    # The seed reproduces the draw: the snapshot is what the seed and the pool give.
    db.session.expire_all()
    course = db.session.get(Course, course.id)
    again = services.drawn_questions(course, BLUEPRINT, attempt.draw_seed)
    assert {q.id for q in again} == set(drawn)

    # Reopening the page resumes the same attempt and the same questions.
    assert _start(client, course, final, learner.id).id == attempt.id
    page = client.get(f"/attempts/{attempt.id}").get_data(as_text=True)
    for question_id in drawn:
        assert f'name="q-{question_id}"' in page


def test_answering_a_question_this_attempt_did_not_draw_is_refused(client, sign_in) -> None:  # type: ignore[no-untyped-def]
    course = _course()
    final = _final(course)
    learner = sign_in()
    complete_course(client, course, learner.id)
    attempt = _start(client, course, final, learner.id)
    drawn = {q["id"] for q in attempt.snapshot}
    pool = {question.id for question, _where in services.draw_pool(course)}
    not_drawn = sorted(pool - drawn)
    assert not_drawn, "the pool holds more than one attempt asks"
    for action in ("save", "submit"):
        data = {**answers_for(attempt), f"q-{not_drawn[0]}": ["1"], "action": action}
        response = client.post(f"/attempts/{attempt.id}", data=data)
        assert response.status_code == 400
        assert "not in this attempt" in response.get_data(as_text=True)
    db.session.expire_all()
    assert (
        db.session.scalars(
            select(AttemptAnswer).where(AttemptAnswer.attempt_id == attempt.id)
        ).all()
        == []
    )
    assert latest_attempt(learner.id, final.id).is_open


def test_a_retake_draws_again_and_passing_completes_the_course(client, sign_in) -> None:  # type: ignore[no-untyped-def]
    course = _course()
    final = _final(course)
    learner = sign_in()
    complete_course(client, course, learner.id)
    pool = {question.id for question, _where in services.draw_pool(course)}

    first = _start(client, course, final, learner.id)
    first_asked = [q["id"] for q in first.snapshot]
    wrong = {**answers_for(first, right=False), "action": "submit"}
    assert client.post(f"/attempts/{first.id}", data=wrong).status_code == 302
    first = latest_attempt(learner.id, final.id)
    assert first.passed is False
    assert _enrollment(course, learner.id).completed_at is None
    result = client.get(f"/attempts/{first.id}/result")
    assert result.status_code == 200

    second = _start(client, course, final, learner.id)
    assert second.number == 2 and second.draw_seed != first.draw_seed
    asked = [q["id"] for q in second.snapshot]
    assert set(asked) <= pool and len(asked) == 3
    assert sorted(_module_of_question(i) for i in asked) == ["m1", "m1", "m2"]
    right = {**answers_for(second), "action": "submit"}
    assert client.post(f"/attempts/{second.id}", data=right).status_code == 302
    assert latest_attempt(learner.id, final.id).passed is True
    assert _enrollment(course, learner.id).completed_at is not None
    # The first attempt keeps its own questions, graded and reviewed as drawn.
    db.session.expire_all()
    db.session.refresh(first)
    assert [q["id"] for q in first.snapshot] == first_asked
    assert {a.question_id for a in first.answers} == set(first_asked)
    assert client.get(f"/attempts/{first.id}/result").status_code == 200


def test_over_many_attempts_the_draws_reach_the_whole_pool(app) -> None:  # type: ignore[no-untyped-def]
    course = _course()
    pool = services.draw_pool(course)
    seen = {q.id for seed in range(200) for q in services.drawn_questions(course, BLUEPRINT, seed)}
    assert seen == {question.id for question, _where in pool}
    assert len(pool) == 6
