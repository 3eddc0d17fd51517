"""An autosave writes only what changed: unchanged answers keep their rows untouched, a
changed one is updated in place, a cleared one is deleted; grading fills in the rest."""

from __future__ import annotations

from sqlalchemy import select, text

from app.db import db
from app.quizzes.models import AttemptAnswer
from tests.factories import make_course
from tests.learning.helpers import answers_for, open_attempt


def rows(attempt_id: int) -> dict[int, tuple[int, list[int], bool | None]]:
    """question id -> (row id, selected, is_correct), as stored now."""
    db.session.expire_all()
    found = db.session.scalars(select(AttemptAnswer).where(AttemptAnswer.attempt_id == attempt_id))
    return {a.question_id: (a.id, a.selected, a.is_correct) for a in found}


def row_versions(attempt_id: int) -> dict[int, str] | None:
    """PostgreSQL's row version (xmin) per question, or None on SQLite."""
    if db.engine.dialect.name != "postgresql":
        return None
    found = db.session.execute(
        text("SELECT question_id, xmin::text FROM attempt_answers WHERE attempt_id = :a"),
        {"a": attempt_id},
    )
    return {question_id: version for question_id, version in found}


def save(client, attempt_id: int, form: dict[str, list[str]]) -> None:  # type: ignore[no-untyped-def]
    response = client.post(
        f"/attempts/{attempt_id}", data=form | {"action": "save"}, headers={"X-Autosave": "1"}
    )
    assert response.status_code == 204


def test_saving_the_same_answers_again_touches_no_row(client, sign_in):
    course = make_course()
    learner = sign_in()
    _, attempt = open_attempt(client, course, learner.id)
    form = answers_for(attempt, right=True)
    save(client, attempt.id, form)
    before, versions = rows(attempt.id), row_versions(attempt.id)
    assert len(before) == len(form)
    save(client, attempt.id, form)
    assert rows(attempt.id) == before
    assert row_versions(attempt.id) == versions  # not even a new row version on PostgreSQL


def test_one_changed_answer_is_updated_in_place_and_a_cleared_one_deleted(client, sign_in):
    course = make_course()
    learner = sign_in()
    _, attempt = open_attempt(client, course, learner.id)
    right = answers_for(attempt, right=True)
    wrong = answers_for(attempt, right=False)
    first, second, *rest = list(right)
    save(client, attempt.id, right)
    before = rows(attempt.id)
    changed = {first: wrong[first], **{key: right[key] for key in rest}}  # second cleared
    save(client, attempt.id, changed)
    after = rows(attempt.id)
    first_id, second_id = int(first[2:]), int(second[2:])
    assert second_id not in after
    assert after[first_id][0] == before[first_id][0]  # the same row, new choices
    assert after[first_id][1] == sorted(int(k) for k in wrong[first])
    assert {q: after[q] for q in after if q != first_id} == {
        q: before[q] for q in before if q not in (first_id, second_id)
    }


def test_grading_marks_every_row_and_adds_the_unanswered(client, sign_in):
    course = make_course()
    learner = sign_in()
    _, attempt = open_attempt(client, course, learner.id)
    right = answers_for(attempt, right=True)
    save(client, attempt.id, right)
    kept = rows(attempt.id)
    response = client.post(f"/attempts/{attempt.id}", data=right | {"action": "submit"})
    assert response.status_code == 302
    graded = rows(attempt.id)
    assert set(graded) == set(kept)
    assert all(correct is True for _, _, correct in graded.values())
    assert all(graded[q][0] == kept[q][0] for q in kept)  # graded in place
