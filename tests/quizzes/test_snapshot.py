"""The attempt snapshot: typed in code, stored as the same plain JSON as before."""

from __future__ import annotations

import json

import pytest

from app.catalog.kinds import QuestionKind
from app.catalog.models import Choice, Question
from app.content.spec import QUESTION_KINDS
from app.quizzes.grading import AnswerError, parse_answers
from app.quizzes.snapshot import snapshot_of


def _question(kind: str) -> Question:
    return Question(
        id=7,
        slug="dose-check",
        position=1,
        kind=kind,
        prompt="Which is checked first?",
        explanation="Vital signs come first.",
        objective="monitoring",
        choices=[
            Choice(position=1, text="Blood pressure", is_correct=True, feedback=None),
            Choice(position=2, text="Mood", is_correct=True, feedback="Also checked."),
            Choice(position=3, text="Nothing", is_correct=False, feedback="Never skipped."),
        ],
    )


def test_snapshot_is_stored_as_the_same_json_as_before():
    stored = json.loads(json.dumps(snapshot_of(_question("multiple"))))
    assert stored == {
        "id": 7,
        "slug": "dose-check",
        "kind": "multiple",
        "prompt": "Which is checked first?",
        "explanation": "Vital signs come first.",
        "objective": "monitoring",
        "choices": [
            {"key": 1, "text": "Blood pressure", "correct": True, "feedback": None},
            {"key": 2, "text": "Mood", "correct": True, "feedback": "Also checked."},
            {"key": 3, "text": "Nothing", "correct": False, "feedback": "Never skipped."},
        ],
    }


@pytest.mark.parametrize(
    ("kind", "accepted"), [("single", False), ("true_false", False), ("multiple", True)]
)
def test_kinds_read_back_as_strings_still_decide_how_many_answers(kind, accepted):
    """JSON gives the kind back as a plain string; the enum compares equal to it."""
    asked = [json.loads(json.dumps(snapshot_of(_question(kind))))]
    form = {"q-7": ["1", "2"]}
    if accepted:
        assert parse_answers(asked, form) == {7: frozenset({1, 2})}
    else:
        with pytest.raises(AnswerError, match="only have one answer"):
            parse_answers(asked, form)


def test_an_unknown_kind_is_refused_when_snapshotting():
    with pytest.raises(ValueError, match="essay"):
        snapshot_of(_question("essay"))


def test_course_files_accept_exactly_the_kinds_the_database_does():
    constraint = next(
        c
        for c in Question.__table__.constraints
        if str(getattr(c, "name", "")).endswith("kind_known")
    )
    listed = str(constraint.sqltext).removeprefix("kind IN (").removesuffix(")")
    assert [value.strip(" '") for value in listed.split(",")] == list(QuestionKind)
    assert list(QUESTION_KINDS) == list(QuestionKind)
