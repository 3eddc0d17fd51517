"""Destructive authoring actions ask first and say what is lost; ownership passes on."""

from __future__ import annotations

import dataclasses
import re

import pytest
from sqlalchemy import func, select

from app.accounts.models import Role
from app.audit.models import AuditEvent
from app.authoring import services
from app.authoring.models import CourseDraft
from app.catalog.models import Course, CourseStaff
from app.db import db
from tests.factories import make_course


@pytest.fixture
def teaching(client, make_user, sign_in):  # type: ignore[no-untyped-def]
    """A published course, its owner (signed in) and a co-instructor."""
    course = make_course()
    owner = make_user(Role.INSTRUCTOR, legal_name="Odile Owner")
    co = make_user(Role.INSTRUCTOR, legal_name="Cyrus Colleague")
    db.session.add_all(
        [
            CourseStaff(course_id=course.id, user_id=owner.id, is_owner=True),
            CourseStaff(course_id=course.id, user_id=co.id, is_owner=False),
        ]
    )
    db.session.commit()
    sign_in(user=owner)
    return course, owner, co


def _drafts() -> int:
    return db.session.scalar(select(func.count()).select_from(CourseDraft)) or 0


def _stamp(page: str) -> str:
    return re.search(r'name="stamp" type="hidden" value="([^"]+)"', page).group(1)


def test_discarding_asks_first_and_names_what_will_be_lost(client, teaching):
    course, _, _ = teaching
    client.post(f"/teaching/{course.slug}/modules/m1/remove")
    overview = client.get(f"/teaching/{course.slug}").get_data(as_text=True)
    # The button on the course page is a link to the confirmation, not a form that acts.
    assert f'href="/teaching/{course.slug}/discard"' in overview
    page = client.get(f"/teaching/{course.slug}/discard").get_data(as_text=True)
    assert "Discard the draft?" in page and "What will be lost" in page
    assert "Removed module" in page and "It cannot be undone." in page
    assert _drafts() == 1
    response = client.post(
        f"/teaching/{course.slug}/discard",
        data={"confirm": "yes", "stamp": _stamp(page)},
        follow_redirects=True,
    )
    assert "The draft is discarded" in response.get_data(as_text=True)
    assert _drafts() == 0


def test_a_discard_post_without_the_confirmation_changes_nothing(client, teaching):
    course, _, _ = teaching
    client.post(f"/teaching/{course.slug}/modules/m1/remove")
    page = client.post(f"/teaching/{course.slug}/discard").get_data(as_text=True)
    assert "Discard the draft?" in page  # the confirmation page, nothing more
    assert _drafts() == 1
    assert not db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "course.draft_discarded")
    )


def test_a_draft_edited_after_the_confirmation_is_not_discarded(client, teaching, make_user):
    course, _, co = teaching
    client.post(f"/teaching/{course.slug}/modules/m1/remove")
    stamp = _stamp(client.get(f"/teaching/{course.slug}/discard").get_data(as_text=True))
    # Meanwhile the co-instructor saves more work into the same draft.
    found = db.session.get(Course, course.id)
    services.edit_draft(found, co, lambda spec: dataclasses.replace(spec, summary="New"))
    response = client.post(
        f"/teaching/{course.slug}/discard",
        data={"confirm": "yes", "stamp": stamp},
        follow_redirects=True,
    )
    assert "The draft changed after this page was shown; nothing was discarded." in (
        response.get_data(as_text=True)
    )
    assert "Discard the draft?" in response.get_data(as_text=True)  # shown again, fresh
    assert _drafts() == 1


def test_removing_a_member_asks_first_and_the_bare_post_changes_nothing(client, teaching):
    course, _, co = teaching
    team = client.get(f"/teaching/{course.slug}/team").get_data(as_text=True)
    assert f'href="/teaching/{course.slug}/team/{co.id}/remove"' in team
    page = client.get(f"/teaching/{course.slug}/team/{co.id}/remove").get_data(as_text=True)
    assert "Remove Cyrus Colleague from the team?" in page
    assert "will no longer be able to edit this course" in page
    # The attacker's move: the old one-click POST, without the confirmation.
    again = client.post(f"/teaching/{course.slug}/team/{co.id}/remove").get_data(as_text=True)
    assert "Remove Cyrus Colleague from the team?" in again
    assert db.session.get(CourseStaff, (course.id, co.id)) is not None
    response = client.post(
        f"/teaching/{course.slug}/team/{co.id}/remove",
        data={"confirm": "yes"},
        follow_redirects=True,
    )
    assert "Cyrus Colleague is no longer on the team." in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(CourseStaff, (course.id, co.id)) is None


def test_an_owner_makes_a_colleague_owner_and_then_leaves(client, teaching, sign_in):
    course, owner, co = teaching
    # Alone as owner: no way to leave, and the page says what to do instead.
    page = client.get(f"/teaching/{course.slug}/team/{owner.id}/remove").get_data(as_text=True)
    assert "the course's only owner" in page and 'name="confirm"' not in page
    refused = client.post(
        f"/teaching/{course.slug}/team/{owner.id}/remove",
        data={"confirm": "yes"},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "The course needs an owner" in refused
    assert db.session.get(CourseStaff, (course.id, owner.id)) is not None

    response = client.post(
        f"/teaching/{course.slug}/team/{co.id}/owner", follow_redirects=True
    ).get_data(as_text=True)
    assert "Cyrus Colleague is now an owner of this course." in response
    assert 'Cyrus Colleague <span class="muted">(' in response and "owner)" in response

    page = client.get(f"/teaching/{course.slug}/team/{owner.id}/remove").get_data(as_text=True)
    assert "Leave the team of" in page and 'name="confirm"' in page
    left = client.post(
        f"/teaching/{course.slug}/team/{owner.id}/remove",
        data={"confirm": "yes"},
        follow_redirects=True,
    )
    assert "You have left the team of" in left.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(CourseStaff, (course.id, owner.id)) is None
    assert client.get(f"/teaching/{course.slug}").status_code == 403
    actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {"course.owner_added", "course.instructor_removed"} <= actions

    # The new owner is now the last one and cannot leave either.
    client.post("/sign-out")
    sign_in(user=co)
    refused = client.post(
        f"/teaching/{course.slug}/team/{co.id}/remove",
        data={"confirm": "yes"},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "The course needs an owner" in refused


def test_a_co_instructor_cannot_make_themself_owner(client, teaching, sign_in):
    course, _, co = teaching
    client.post("/sign-out")
    sign_in(user=co)
    team = client.get(f"/teaching/{course.slug}/team").get_data(as_text=True)
    assert "Make owner" not in team and "Only the course owners change the team." in team
    response = client.post(f"/teaching/{course.slug}/team/{co.id}/owner", follow_redirects=True)
    assert "Only the course&#39;s owner can change its team." in response.get_data(as_text=True)
    db.session.expire_all()
    assert not db.session.get(CourseStaff, (course.id, co.id)).is_owner


def test_only_members_can_be_made_owner(client, teaching, make_user):
    course, _, _ = teaching
    outsider = make_user(Role.INSTRUCTOR)
    response = client.post(
        f"/teaching/{course.slug}/team/{outsider.id}/owner", follow_redirects=True
    )
    assert "That person is not on the team." in response.get_data(as_text=True)
    assert db.session.get(CourseStaff, (course.id, outsider.id)) is None
