"""CE claims are the provider's: an instructor's change waits for an administrator."""

from __future__ import annotations

import dataclasses
import io
import re
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.accounts.models import Role
from app.audit.models import AuditEvent
from app.authoring import services as authoring
from app.catalog.models import Course, CourseStaff
from app.ceclaims.models import CeClaimReview
from app.content.cli import APPROVED_BY
from app.db import db
from tests.factories import course_spec, make_course, teach_signed_in

STATEMENT = "Groundwork Demo is approved by the APA to sponsor CE for psychologists."


@pytest.fixture
def teaching(client, make_user, sign_in):  # type: ignore[no-untyped-def]
    """A published 1-hour course and its owner, signed in."""
    return teach_signed_in(make_user, sign_in)


def propose(course: Course, owner, **claim) -> None:  # type: ignore[no-untyped-def]
    """The instructor edits the draft's claim (the settings form's job, tested elsewhere)."""
    authoring.edit_draft(course, owner, lambda spec: dataclasses.replace(spec, **claim))


def actions() -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def review_id() -> int:
    return db.session.scalar(select(func.max(CeClaimReview.id)))


def test_an_instructors_new_hours_wait_for_approval_and_learners_keep_the_old(client, teaching):
    course, owner = teaching
    propose(course, owner, ce_hours=Decimal("0.25"), approval_statement=STATEMENT)
    review_page = client.get(f"/teaching/{course.slug}/publish").get_data(as_text=True)
    assert "awaiting CE approval" in review_page and "Send for CE approval" in review_page
    sent = client.post(f"/teaching/{course.slug}/publish", follow_redirects=True)
    page = sent.get_data(as_text=True)
    assert "Awaiting CE approval" in page and "0.25 CE hours (now 1)" in page
    db.session.expire_all()
    assert db.session.get(Course, course.id).ce_hours == Decimal("1")
    assert db.session.get(Course, course.id).version == 1
    catalog = client.get(f"/courses/{course.slug}").get_data(as_text=True)
    assert "1 CE hours" in catalog and STATEMENT not in catalog
    assert actions()[-1] == "ce_claim.requested"
    assert authoring.find_draft(course) is not None  # the instructor can keep editing
    assert "Awaiting CE approval" in client.get("/teaching/").get_data(as_text=True)


def test_the_provider_sees_both_claims_side_by_side_and_approves(
    client, teaching, make_user, sign_in
):
    course, owner = teaching
    propose(course, owner, ce_hours=Decimal("0.25"), approval_statement=STATEMENT)
    client.post(f"/teaching/{course.slug}/publish")
    client.post("/sign-out")
    sign_in(Role.ADMIN)
    listing = client.get("/admin/ce-claims/").get_data(as_text=True)
    assert "Review the claim for Course test-course" in listing
    page = client.get(f"/admin/ce-claims/{review_id()}").get_data(as_text=True)
    row = re.search(r"CE hours.*?</tr>", page, re.S).group(0)
    assert "<td>1</td><td>0.25</td>" in row and "changed" in row
    assert STATEMENT in page and "Published (approved)" in page
    assert "Changed the course setting “ce hours”." in page  # all that approving publishes
    done = client.post(f"/admin/ce-claims/{review_id()}/approve", follow_redirects=True)
    assert "Approved and published as version 2" in done.get_data(as_text=True)
    db.session.expire_all()
    fresh = db.session.get(Course, course.id)
    assert fresh.ce_hours == Decimal("0.25") and fresh.version == 2
    assert fresh.approval_statement == STATEMENT
    assert authoring.find_draft(fresh) is None
    assert "0.25 CE hours" in client.get(f"/courses/{course.slug}").get_data(as_text=True)
    assert actions()[-2:] == ["ce_claim.approved", "course.published"]
    approved = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "ce_claim.approved"))
    assert approved.details["previous"]["ce_hours"] == "1"
    assert approved.details["claim"]["ce_hours"] == "0.25"
    assert approved.details["requested_by"] == owner.id


def test_a_decline_needs_a_reason_which_the_instructor_reads(client, teaching, make_user, sign_in):
    course, owner = teaching
    propose(course, owner, ce_hours=Decimal("0.5"))
    client.post(f"/teaching/{course.slug}/publish")
    client.post("/sign-out")
    sign_in(Role.ADMIN)
    blank = client.post(f"/admin/ce-claims/{review_id()}/decline", data={"reason": "  "})
    assert blank.status_code == 400
    assert "Give the instructor a reason" in blank.get_data(as_text=True)
    assert db.session.get(CeClaimReview, review_id()).status == "pending"
    client.post(
        f"/admin/ce-claims/{review_id()}/decline",
        data={"reason": "Our APA approval covers 0.25 hours for this activity."},
    )
    db.session.expire_all()
    assert db.session.get(Course, course.id).ce_hours == Decimal("1")
    assert actions()[-1] == "ce_claim.declined"
    client.post("/sign-out")
    sign_in(user=owner)
    page = client.get(f"/teaching/{course.slug}").get_data(as_text=True)
    assert "CE claim declined" in page and "covers 0.25 hours" in page
    again = client.post(f"/admin/ce-claims/{review_id()}/approve")
    assert again.status_code == 403


def test_an_instructor_cannot_approve_their_own_claim(client, teaching):
    """The attacker's move: post the approval form's address as the instructor."""
    course, owner = teaching
    propose(course, owner, ce_hours=Decimal("0.5"))
    client.post(f"/teaching/{course.slug}/publish")
    for path in ("", "/approve", "/decline"):
        method = client.get if not path else client.post
        assert method(f"/admin/ce-claims/{review_id()}{path}").status_code == 403
    db.session.expire_all()
    assert db.session.get(Course, course.id).ce_hours == Decimal("1")
    assert db.session.get(CeClaimReview, review_id()).status == "pending"


def test_a_change_that_leaves_the_claim_alone_publishes_at_once(client, teaching):
    course, owner = teaching
    propose(course, owner, summary="A clearer summary.")
    client.post(f"/teaching/{course.slug}/publish")
    db.session.expire_all()
    assert db.session.get(Course, course.id).summary == "A clearer summary."
    assert db.session.scalar(select(func.count()).select_from(CeClaimReview)) == 0


def test_a_new_course_waits_for_approval_before_anyone_sees_it(client, sign_in):
    sign_in(Role.INSTRUCTOR)
    client.post(
        "/teaching/new",
        data={
            "title": "Working With Parts",
            "slug": "working-with-parts",
            "summary": "Parts work.",
            "ce_hours": "12",
            "level": "advanced",
            "delivery_format": "Online, self-paced (home study)",
        },
    )
    course = db.session.scalar(select(Course).where(Course.slug == "working-with-parts"))
    spec = course_spec(slug="working-with-parts", ce_hours=Decimal("0.25"))
    authoring.save_draft(course, _owner(course), spec)
    client.post("/teaching/working-with-parts/publish")
    assert client.get("/courses/working-with-parts").status_code == 404
    review = db.session.scalar(select(CeClaimReview))
    assert review.status == "pending" and review.previous_claim is None


def _owner(course: Course):  # type: ignore[no-untyped-def]
    from app.accounts.models import User

    staff = db.session.scalar(select(CourseStaff).where(CourseStaff.course_id == course.id))
    return db.session.get(User, staff.user_id)


def test_a_request_made_stale_by_a_later_publication_is_not_approved(
    client, teaching, make_user, sign_in
):
    course, owner = teaching
    propose(course, owner, ce_hours=Decimal("0.5"))
    client.post(f"/teaching/{course.slug}/publish")
    first = review_id()
    authoring.discard(course, owner, authoring.draft_stamp(authoring.find_draft(course)))
    propose(course, owner, summary="Edited meanwhile.")
    client.post(f"/teaching/{course.slug}/publish")  # publishes at once, sets the request aside
    client.post("/sign-out")
    sign_in(Role.ADMIN)
    refused = client.post(f"/admin/ce-claims/{first}/approve", follow_redirects=True)
    assert "already decided or replaced" in refused.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Course, course.id).ce_hours == Decimal("1")


def test_an_administrator_publishing_sets_the_claim_as_the_provider(client, make_user, sign_in):
    course = make_course()
    admin = sign_in(Role.ADMIN)
    propose(course, admin, ce_hours=Decimal("0.5"))
    client.post(f"/teaching/{course.slug}/publish")
    db.session.expire_all()
    assert db.session.get(Course, course.id).ce_hours == Decimal("0.5")
    assert actions()[-2:] == ["ce_claim.approved", "course.published"]


def test_files_count_as_approved_only_through_the_operator_command(app, runner, tmp_path):
    from app.content.writer import write_course

    spec = course_spec(slug="from-files")
    write_course(spec, tmp_path / "files" / spec.slug)
    result = runner.invoke(args=["courses", "import", str(tmp_path / "files")])
    assert result.exit_code == 0, result.output
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "ce_claim.approved"))
    assert event.details["via"] == APPROVED_BY and event.details["claim"]["ce_hours"] == "1"


def test_a_course_zip_uploaded_by_an_instructor_is_a_draft_awaiting_approval(client, teaching):
    from app.content.archive import course_to_zip

    course, _ = teaching
    upload = dataclasses.replace(course_spec(), ce_hours=Decimal("0.5"))
    client.post(
        "/teaching/import",
        data={"archive": (io.BytesIO(course_to_zip(upload)), "c.zip")},
        content_type="multipart/form-data",
    )
    client.post(f"/teaching/{course.slug}/publish")
    db.session.expire_all()
    assert db.session.get(Course, course.id).ce_hours == Decimal("1")
    assert db.session.scalar(select(CeClaimReview.status)) == "pending"
