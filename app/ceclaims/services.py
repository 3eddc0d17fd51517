"""Requests to change a CE claim: made when an instructor publishes, decided by the provider.

Publishing itself (``app.authoring.services``) makes and approves requests, since
approving one publishes the course; this module keeps the requests and declines them.
"""

from __future__ import annotations

from sqlalchemy import select, update

from app.accounts.models import User
from app.audit.services import record
from app.catalog.models import Course
from app.ceclaims.models import CeClaimReview, ReviewStatus
from app.content.ceclaim import CeClaim
from app.content.spec import CourseSpec
from app.db import change_once, db, utcnow

#: Longest reason a decline can give.
REASON_MAX_LENGTH = 2000


class ClaimReviewError(Exception):
    """A refused decision; the message is safe to show."""


def get_review(review_id: int) -> CeClaimReview | None:
    """The review with this id, if any."""
    return db.session.get(CeClaimReview, review_id)


def pending_review(course: Course) -> CeClaimReview | None:
    """The request waiting for the provider on this course, if any."""
    return db.session.scalar(
        select(CeClaimReview).where(
            CeClaimReview.course_id == course.id,
            CeClaimReview.status == ReviewStatus.PENDING.value,
        )
    )


def latest_review(course: Course) -> CeClaimReview | None:
    """The course's newest request, whatever became of it."""
    return db.session.scalar(
        select(CeClaimReview)
        .where(CeClaimReview.course_id == course.id)
        .order_by(CeClaimReview.requested_at.desc(), CeClaimReview.id.desc())
        .limit(1)
    )


def courses_waiting(course_ids: list[int]) -> set[int]:
    """Which of these courses have a request awaiting CE approval, in one query."""
    if not course_ids:
        return set()
    return set(
        db.session.scalars(
            select(CeClaimReview.course_id).where(
                CeClaimReview.course_id.in_(course_ids),
                CeClaimReview.status == ReviewStatus.PENDING.value,
            )
        )
    )


def reviews_waiting() -> list[tuple[CeClaimReview, Course]]:
    """Every pending request with its course, oldest first (first come, first decided)."""
    rows = db.session.execute(
        select(CeClaimReview, Course)
        .join(Course, Course.id == CeClaimReview.course_id)
        .where(CeClaimReview.status == ReviewStatus.PENDING.value)
        .order_by(CeClaimReview.requested_at, CeClaimReview.id)
    )
    return [(review, course) for review, course in rows]


def reviews_decided(limit: int = 20) -> list[tuple[CeClaimReview, Course]]:
    """The most recent decisions, newest first."""
    rows = db.session.execute(
        select(CeClaimReview, Course)
        .join(Course, Course.id == CeClaimReview.course_id)
        .where(CeClaimReview.status.in_((ReviewStatus.APPROVED.value, ReviewStatus.DECLINED.value)))
        .order_by(CeClaimReview.decided_at.desc(), CeClaimReview.id.desc())
        .limit(limit)
    )
    return [(review, course) for review, course in rows]


def supersede_pending(course_id: int) -> None:
    """Set aside any waiting request of the course: its content was replaced (caller commits)."""
    db.session.execute(
        update(CeClaimReview)
        .where(
            CeClaimReview.course_id == course_id,
            CeClaimReview.status == ReviewStatus.PENDING.value,
        )
        .values(status=ReviewStatus.SUPERSEDED.value, decided_at=utcnow())
        .execution_options(synchronize_session=False)
    )


def add_request(
    course: Course, user: User, proposed: CourseSpec, published: CourseSpec | None
) -> CeClaimReview:
    """Ask the provider to approve ``proposed``'s claim, replacing any earlier request
    (inside the caller's transaction; the audit log records the request)."""
    supersede_pending(course.id)
    claim = CeClaim.of_spec(proposed)
    previous = CeClaim.of_spec(published) if published is not None else None
    review = CeClaimReview(
        course_id=course.id,
        status=ReviewStatus.PENDING.value,
        document=proposed.to_dict(),
        previous_claim=previous.to_dict() if previous else None,
        claim=claim.to_dict(),
        base_fingerprint=course.content_fingerprint,
        requested_by_id=user.id,
        requested_at=utcnow(),
    )
    db.session.add(review)
    db.session.flush()
    record(
        "ce_claim.requested",
        "course",
        course.id,
        actor_id=user.id,
        review=review.id,
        previous=review.previous_claim,
        claim=review.claim,
    )
    return review


def decline(review: CeClaimReview, admin: User, reason: str) -> None:
    """Decline a request with a reason the instructor reads; the course stays as it is."""
    reason = reason.strip()
    if not admin.is_admin:
        raise ClaimReviewError("Only an administrator decides CE claims.")
    if not reason:
        raise ClaimReviewError("Give the instructor a reason for declining.")
    if len(reason) > REASON_MAX_LENGTH:
        raise ClaimReviewError(f"Keep the reason under {REASON_MAX_LENGTH} characters.")
    # Conditional, so two decisions at once cannot both land.
    change_once(
        update(CeClaimReview)
        .where(CeClaimReview.id == review.id, CeClaimReview.status == ReviewStatus.PENDING.value)
        .values(
            status=ReviewStatus.DECLINED.value,
            decided_by_id=admin.id,
            decided_at=utcnow(),
            reason=reason,
        ),
        refuse=ClaimReviewError("This request was already decided or replaced. Reload the page."),
    )
    record(
        "ce_claim.declined",
        "course",
        review.course_id,
        actor_id=admin.id,
        review=review.id,
        requested_by=review.requested_by_id,
        claim=review.claim,
        reason=reason,
    )
    db.session.commit()
    db.session.refresh(review)
