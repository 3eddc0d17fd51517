"""The ownership walk: every learner operation in the document, called with each
learner's token, returns that learner's rows and nobody else's."""

from __future__ import annotations

from sqlalchemy import select

from app.api.operations import REGISTRY, SIGNED_IN
from app.certificates.identifiers import display_id
from app.certificates.models import Certificate
from app.db import db
from app.learning.models import Enrollment
from app.quizzes.models import QuizAttempt
from tests.api.conftest import bearer


def _own(user_id: int) -> dict[str, set]:
    """What belongs to the user, as the API names it."""
    return {
        "certificates": {
            display_id(p)
            for p in db.session.scalars(
                select(Certificate.public_id).where(Certificate.user_id == user_id)
            )
        },
        "attempts": set(
            db.session.scalars(select(QuizAttempt.id).where(QuizAttempt.user_id == user_id))
        ),
        "enrolled": {
            e.enrolled_at.isoformat()
            for e in db.session.scalars(select(Enrollment).where(Enrollment.user_id == user_id))
        },
    }


def test_every_learner_operation_returns_only_the_callers_rows(client, world, token_for):
    learner_operations = [op for op in REGISTRY if op.access == SIGNED_IN]
    assert {op.rule for op in learner_operations} == {
        "/me",
        "/me/enrollments",
        "/me/attempts",
        "/me/certificates",
        "/me/transcript",
    }
    for user in (world.alice, world.bob):
        own = _own(user.id)
        headers = bearer(token_for(user))
        for op in learner_operations:
            assert op.method == "GET" and "<" not in op.rule  # no id of anyone to try
            body = client.get(f"/api/v1{op.rule}", headers=headers).get_json()
            if op.rule == "/me":
                assert body["id"] == user.id
            elif op.rule == "/me/enrollments":
                assert {e["enrolled_at"] for e in body["items"]} == own["enrolled"]
            elif op.rule == "/me/attempts":
                assert {a["id"] for a in body["items"]} == own["attempts"]
            elif op.rule == "/me/certificates":
                assert {c["id"] for c in body["items"]} == own["certificates"]
            else:
                assert {c["id"] for c in body["certificates"]} <= own["certificates"]
    assert _own(world.alice.id)["certificates"] and not _own(world.bob.id)["certificates"]
