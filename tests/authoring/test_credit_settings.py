"""Instructors edit the credit types in the course settings form; bad lines change nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest

from app.authoring.services import working_spec
from app.content.ceclaim import claim_changed
from app.content.spec import CreditSpec
from app.db import db
from tests.authoring.test_conflicts import base_of
from tests.factories import course_spec, teach_signed_in
from tests.security.cases import SETTINGS

GOOD = (
    "apa | 1 | Demonstration text, not an approval: not approved by the APA.\n"
    "nbcc | 0.75 | Demonstration text, not an approval: not approved by NBCC."
)


def _form(client, course):  # type: ignore[no-untyped-def]
    path = f"/teaching/{course.slug}/settings"
    base = base_of(client.get(path).get_data(as_text=True))
    return path, SETTINGS | {"title": course.title, "attempt_limit": "2", "base": base}


def test_credits_are_saved_to_the_draft_as_a_ce_claim_change(client, make_user, sign_in) -> None:  # type: ignore[no-untyped-def]
    course, _owner = teach_signed_in(make_user, sign_in)
    path, form = _form(client, course)
    assert client.post(path, data=form | {"credits": GOOD}).status_code == 302
    db.session.expire_all()
    spec = working_spec(course)
    assert spec.credits == (
        CreditSpec(
            body="apa",
            hours=Decimal("1"),
            statement="Demonstration text, not an approval: not approved by the APA.",
        ),
        CreditSpec(
            body="nbcc",
            hours=Decimal("0.75"),
            statement="Demonstration text, not an approval: not approved by NBCC.",
        ),
    )
    page = client.get(path).get_data(as_text=True)
    assert "apa | 1 | Demonstration text" in page and "nbcc | 0.75 |" in page
    # Credits are part of what the provider approves.
    assert claim_changed(course_spec(), spec)


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("apaa | 1 | Statement.", "body must be one of apa, aswb-ace"),
        ("apa | 1.1 | Statement.", "hours must be a multiple of 0.25"),
        ("apa | one | Statement.", "hours must be a number"),
        ("apa | 1", "give body | hours | approval statement"),
        ("apa | 1 | A.\napa | 0.5 | B.", "apa is offered twice"),
    ],
)
def test_a_bad_credit_line_is_refused_and_changes_nothing(  # type: ignore[no-untyped-def]
    client, make_user, sign_in, line, message
) -> None:
    course, _owner = teach_signed_in(make_user, sign_in)
    before = working_spec(course)
    path, form = _form(client, course)
    response = client.post(path, data=form | {"credits": line})
    assert response.status_code in (200, 400)
    assert message in response.get_data(as_text=True)
    db.session.expire_all()
    assert working_spec(course) == before
