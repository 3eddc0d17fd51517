"""Drafts, publishing, course creation and course teams.

Every edit goes to the course's draft, a whole-course spec document; learners
keep seeing the published tables until an instructor publishes. Publishing runs
the same checks as ``flask courses check`` and applies the draft through the same
importer as the course files, so progress, attempts and certificates survive
exactly as they do for a re-import.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from app import events
from app.accounts.models import User
from app.accounts.services import find_by_email
from app.audit.services import record
from app.authoring import blueprintedit, edits
from app.authoring.models import CourseDraft
from app.catalog.models import Course, CourseStaff, CourseStatus
from app.ceclaims import services as claims
from app.ceclaims.models import CeClaimReview, ReviewStatus
from app.content.ceclaim import CeClaim, claim_changed
from app.content.changes import describe_changes
from app.content.exporter import course_spec
from app.content.importer import ImportResult, apply_course
from app.content.problems import Problem
from app.content.reader import read_course
from app.content.spec import BlueprintSpec, CourseSpec, InstructorSpec, ObjectiveSpec
from app.content.writer import write_course
from app.db import FOR_CHANGE, db, rows_matched, utcnow


class AuthoringError(Exception):
    """A refused authoring action; the message is safe to show."""

    def __init__(self, message: str, problems: list[Problem] | None = None) -> None:
        super().__init__(message)
        self.problems = problems or []


def find_draft(course: Course) -> CourseDraft | None:
    """The course's draft, if anyone has started one."""
    return db.session.get(CourseDraft, course.id)


def _take_turn(course: Course) -> CourseDraft | None:
    """Lock the course's row until the transaction ends, then read its draft afresh.

    Every write to a course's draft or team starts here, so on PostgreSQL two of them take
    turns: the draft is one document, and two co-instructors saving at the same moment
    would otherwise each write back the document as they read it, dropping the other's
    change; two requests would both create the draft, or both add the same instructor (a
    unique-key error, HTTP 500). SQLite serialises writers and leaves the lock out.
    """
    db.session.execute(
        select(Course.id).where(Course.id == course.id).with_for_update(**FOR_CHANGE)
    )
    return db.session.get(CourseDraft, course.id, populate_existing=True)


def published_spec(course: Course) -> CourseSpec | None:
    """What learners see now, as a spec (None for a course never published)."""
    return course_spec(course) if course.published_at is not None else None


def working_spec(course: Course) -> CourseSpec:
    """The draft if there is one, else the published course."""
    draft = find_draft(course)
    if draft is not None:
        return CourseSpec.from_dict(draft.document)
    spec = published_spec(course)
    if spec is None:
        raise AuthoringError("This course has no content yet.")
    return spec


def edit_draft(
    course: Course, user: User, change: Callable[[CourseSpec], CourseSpec]
) -> CourseSpec:
    """Apply ``change`` to the working spec and save the result as the draft."""
    _take_turn(course)
    spec = change(working_spec(course))
    save_draft(course, user, spec)
    return spec


def save_draft(course: Course, user: User, spec: CourseSpec) -> CourseDraft:
    """Store ``spec`` as the course's draft (the caller has taken its turn)."""
    draft = find_draft(course)
    if draft is None:
        draft = CourseDraft(course_id=course.id, base_version=course.version)
        db.session.add(draft)
    draft.document = spec.to_dict()
    draft.updated_at = utcnow()
    draft.updated_by_id = user.id
    db.session.commit()
    return draft


class BlueprintRefused(AuthoringError):
    """A blueprint the checker refuses; ``broken`` says which rows break which rule."""

    def __init__(self, broken: list[blueprintedit.Problem]) -> None:
        super().__init__("The blueprint is not saved: fix the rows marked below.")
        self.broken = broken


def save_blueprint(
    course: Course, user: User, rows: tuple[BlueprintSpec, ...], base: str | None
) -> CourseSpec:
    """Make ``rows`` the draft's final post-test blueprint (empty: no blueprint).

    The rules are the checker's, applied to the draft as it is now (a colleague may have
    removed questions since the form was loaded): any broken rule refuses the whole
    blueprint and nothing is saved. A stale form raises `EditConflict`; the same
    blueprint saved twice changes nothing and is logged once.
    """
    _take_turn(course)
    current = working_spec(course)
    if blueprintedit.same(rows, current.blueprint):  # only reordered: keep the draft's order
        rows = current.blueprint
    new = edits.set_blueprint(current, rows, base)
    broken = blueprintedit.problems(new, before=current)
    if broken:
        db.session.rollback()
        raise BlueprintRefused(broken)
    if new == current:
        db.session.commit()
        return new
    record(
        "course.blueprint_changed",
        "course",
        course.id,
        actor_id=user.id,
        old=blueprintedit.summary(current.blueprint),
        new=blueprintedit.summary(new.blueprint),
    )
    save_draft(course, user, new)
    return new


def check_spec(spec: CourseSpec) -> list[Problem]:
    """Every problem ``flask courses check`` would report for this spec, paths inside the course."""
    with tempfile.TemporaryDirectory(prefix="groundwork-draft-") as folder:
        root = Path(folder) / spec.slug
        write_course(spec, root)
        _, problems = read_course(root)
    prefix = str(Path(folder)) + "/"
    return [Problem(p.path.replace(prefix, ""), p.line, p.message) for p in problems]


def pending_changes(course: Course) -> list[str]:
    """What publishing the draft would change, in words."""
    draft = find_draft(course)
    if draft is None:
        return []
    return describe_changes(published_spec(course), CourseSpec.from_dict(draft.document))


def publish(course: Course, user: User) -> ImportResult | CeClaimReview:
    """Publish the draft: check it, apply it, bump the version, keep every learner's records.

    A draft that changes the CE claim (hours, approval statement, approval period) is
    published only by the provider: from an instructor it becomes a request for CE
    approval, and learners keep the published course until an administrator approves.
    """
    draft = _take_turn(course)
    if draft is None:
        raise AuthoringError("There is no draft to publish.")
    spec = CourseSpec.from_dict(draft.document)
    problems = check_spec(spec)
    if problems:
        raise AuthoringError("The draft has problems to fix before it can be published.", problems)
    published = published_spec(course)
    if claim_changed(published, spec) and not user.is_admin:
        return _request_approval(course, user, spec, published)
    changes = describe_changes(published, spec)
    # Claim the draft first: a second publish at the same moment finds nothing to publish.
    claimed = db.session.execute(
        delete(CourseDraft).where(
            CourseDraft.course_id == course.id, CourseDraft.updated_at == draft.updated_at
        )
    )
    if rows_matched(claimed) != 1:
        db.session.rollback()
        raise AuthoringError("The draft changed or was published a moment ago. Reload the page.")
    db.session.expunge(draft)
    try:
        claims.supersede_pending(course.id)
        if claim_changed(published, spec):  # an administrator sets the claim as the provider
            _record_approval(course, user, published, spec, review=None)
        result = apply_course(spec, actor_id=user.id, from_files=False)
        record(
            "course.published",
            "course",
            course.id,
            actor_id=user.id,
            version=result.version,
            changes=changes,
        )
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return result


def _request_approval(
    course: Course, user: User, spec: CourseSpec, published: CourseSpec | None
) -> CeClaimReview:
    try:
        review = claims.add_request(course, user, spec, published)
        db.session.commit()
    except IntegrityError:  # another request for this course landed at the same moment
        db.session.rollback()
        raise AuthoringError(
            "A request for CE approval was sent a moment ago. Reload the page."
        ) from None
    return review


def _record_approval(
    course: Course,
    admin: User,
    published: CourseSpec | None,
    spec: CourseSpec,
    review: CeClaimReview | None,
) -> None:
    record(
        "ce_claim.approved",
        "course",
        course.id,
        actor_id=admin.id,
        review=review.id if review else None,
        requested_by=review.requested_by_id if review else admin.id,
        previous=CeClaim.of_spec(published).to_dict() if published else None,
        claim=CeClaim.of_spec(spec).to_dict(),
    )


def approve_claim(review: CeClaimReview, admin: User) -> ImportResult:
    """The provider approves a requested CE claim: the course as submitted is published."""
    if not admin.is_admin:
        raise AuthoringError("Only an administrator approves CE claims.")
    if not review.is_pending:
        raise AuthoringError("This request was already decided or replaced.")
    course = db.session.get(Course, review.course_id)
    assert course is not None  # the review's foreign key cascades with the course
    if course.content_fingerprint != review.base_fingerprint:
        claims.supersede_pending(course.id)
        db.session.commit()
        raise AuthoringError(
            "The course was published again after this request, so the request no longer "
            "describes what would change. The instructor can publish again to send a new one."
        )
    spec = CourseSpec.from_dict(review.document)
    problems = check_spec(spec)
    if problems:
        raise AuthoringError("The submitted course has problems; decline it with a reason.")
    published = published_spec(course)
    changes = describe_changes(published, spec)
    decided = db.session.execute(
        update(CeClaimReview)
        .where(CeClaimReview.id == review.id, CeClaimReview.status == ReviewStatus.PENDING.value)
        .values(status=ReviewStatus.APPROVED.value, decided_by_id=admin.id, decided_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if rows_matched(decided) != 1:
        db.session.rollback()
        raise AuthoringError("This request was already decided or replaced. Reload the page.")
    try:
        # The draft is published now if nobody edited it after asking; later edits stay a draft.
        draft = find_draft(course)
        if draft is not None and draft.document == review.document:
            db.session.execute(delete(CourseDraft).where(CourseDraft.course_id == course.id))
            db.session.expunge(draft)
        _record_approval(course, admin, published, spec, review)
        result = apply_course(spec, actor_id=admin.id, from_files=False)
        record(
            "course.published",
            "course",
            course.id,
            actor_id=admin.id,
            version=result.version,
            changes=changes,
            requested_by=review.requested_by_id,
        )
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    db.session.refresh(review)
    return result


def draft_stamp(draft: CourseDraft) -> str:
    """A token naming this state of the draft; the discard confirmation carries it."""
    return draft.updated_at.isoformat()


def discard(course: Course, user: User, seen: str) -> None:
    """Throw the draft away, if it is still the one the person confirmed (``seen``).

    An edit a co-instructor saved after the confirmation page was shown would be lost
    unseen, so a changed draft is refused and the page is shown again.
    """
    draft = _take_turn(course)
    if draft is None:
        raise AuthoringError("There is no draft to discard.")
    stale = AuthoringError(
        "The draft changed after this page was shown; nothing was discarded. "
        "Check what it holds now."
    )
    if draft_stamp(draft) != seen:
        raise stale
    gone = db.session.execute(
        delete(CourseDraft).where(
            CourseDraft.course_id == course.id, CourseDraft.updated_at == draft.updated_at
        )
    )
    if rows_matched(gone) != 1:
        db.session.rollback()
        raise stale
    record("course.draft_discarded", "course", course.id, actor_id=user.id)
    db.session.commit()


def create_course(
    user: User,
    slug: str,
    title: str,
    summary: str,
    ce_hours: Decimal,
    level: str,
    delivery_format: str,
) -> Course:
    """A new course in draft, owned by ``user``; nothing is visible until it is published."""
    if db.session.scalar(select(Course.id).where(Course.slug == slug)) is not None:
        raise AuthoringError("A course with that slug already exists. Choose another.")
    course = Course(
        slug=slug,
        title=title,
        summary=summary,
        description="",
        description_html="",
        ce_hours=ce_hours,
        level=level,
        delivery_format=delivery_format,
        status=CourseStatus.DRAFT.value,
        version=1,
        attempt_limit=3,
    )
    db.session.add(course)
    try:
        db.session.flush()
    except IntegrityError:  # the same form sent twice, or another author, a moment ago
        db.session.rollback()
        raise AuthoringError("A course with that slug already exists. Choose another.") from None
    db.session.add(CourseStaff(course_id=course.id, user_id=user.id, is_owner=True))
    spec = CourseSpec(
        slug=slug,
        title=title,
        summary=summary,
        description=summary,
        ce_hours=ce_hours,
        level=level,
        delivery_format=delivery_format,
        objectives=(
            ObjectiveSpec(id="objective-1", text="Describe what learners will be able to do."),
        ),
        instructors=(InstructorSpec(name=user.legal_name, credentials=user.profession),),
        references=(),
        modules=(),
    )
    db.session.add(
        CourseDraft(
            course_id=course.id, base_version=1, document=spec.to_dict(), updated_by_id=user.id
        )
    )
    record("course.created", "course", course.id, actor_id=user.id, slug=slug)
    db.session.commit()
    return course


def import_draft(user: User, spec: CourseSpec) -> Course:
    """Make an uploaded course the draft of the course with its slug (a new one if none).

    A zip the draft already matches changes nothing, so a repeated upload is harmless.
    """
    course = db.session.scalar(select(Course).where(Course.slug == spec.slug))
    if course is None:
        try:
            course = create_course(
                user,
                spec.slug,
                spec.title,
                spec.summary,
                spec.ce_hours,
                spec.level,
                spec.delivery_format,
            )
        except AuthoringError:  # created a moment ago, perhaps by this same upload
            course = db.session.scalar(select(Course).where(Course.slug == spec.slug))
            if course is None:
                raise
    if not (user.is_admin or any(member.id == user.id for member, _ in team(course))):
        raise AuthoringError(
            "A course with this slug exists and you do not teach it. Rename "
            "the course folder (its slug) or ask its owner to add you."
        )
    draft = _take_turn(course)
    if draft is not None and CourseSpec.from_dict(draft.document) == spec:
        db.session.commit()
        return course
    save_draft(course, user, spec)
    record("course.imported_as_draft", "course", course.id, actor_id=user.id)
    db.session.commit()
    return course


def team(course: Course) -> list[tuple[User, bool]]:
    """The course's instructors and whether each is an owner."""
    rows = db.session.execute(
        select(User, CourseStaff.is_owner)
        .join(CourseStaff, CourseStaff.user_id == User.id)
        .where(CourseStaff.course_id == course.id)
        .order_by(User.legal_name)
    )
    return [(user, owner) for user, owner in rows]


def is_owner(user: User, course: Course) -> bool:
    """Whether the user manages the course's team (owners and admins)."""
    if user.is_admin:
        return True
    return bool(
        db.session.scalar(
            select(CourseStaff.is_owner).where(
                CourseStaff.course_id == course.id, CourseStaff.user_id == user.id
            )
        )
    )


def add_instructor(course: Course, owner: User, email: str) -> User:
    """Add an instructor (by email) to the course's team."""
    _take_turn(course)
    if not is_owner(owner, course):
        raise AuthoringError("Only the course's owner can change its team.")
    person = find_by_email(email)
    if person is None or not person.is_active or not person.is_instructor:
        raise AuthoringError(
            "No active instructor has that email. An administrator can give "
            "an account the instructor role first."
        )
    if any(member.id == person.id for member, _ in team(course)):
        raise AuthoringError(f"{person.legal_name} is already on the team.")
    db.session.add(CourseStaff(course_id=course.id, user_id=person.id, is_owner=False))
    record("course.instructor_added", "course", course.id, actor_id=owner.id, user=person.id)
    db.session.commit()
    return person


def team_member(course: Course, user_id: int) -> tuple[User, bool] | None:
    """One member of the course's team and whether they own it, or None."""
    row = db.session.execute(
        select(User, CourseStaff.is_owner)
        .join(CourseStaff, CourseStaff.user_id == User.id)
        .where(CourseStaff.course_id == course.id, CourseStaff.user_id == user_id)
    ).first()
    return (row[0], row[1]) if row else None


def make_owner(course: Course, owner: User, user_id: int) -> User:
    """Make a co-instructor an owner too: they manage the team, and the giver may then leave."""
    _take_turn(course)
    if not is_owner(owner, course):
        raise AuthoringError("Only the course's owner can change its team.")
    staff = db.session.get(CourseStaff, (course.id, user_id), populate_existing=True)
    person = db.session.get(User, user_id)
    if staff is None or person is None:
        raise AuthoringError("That person is not on the team.")
    if staff.is_owner:
        raise AuthoringError(f"{person.legal_name} is already an owner.")
    if not person.is_active or not person.is_instructor:
        raise AuthoringError(
            f"{person.legal_name} is no longer an active instructor, so cannot own the course."
        )
    staff.is_owner = True
    record("course.owner_added", "course", course.id, actor_id=owner.id, user=user_id)
    db.session.commit()
    return person


def remove_instructor(course: Course, owner: User, user_id: int) -> None:
    """Take an instructor off the team (an owner may leave); the last owner stays."""
    _take_turn(course)
    if not is_owner(owner, course):
        raise AuthoringError("Only the course's owner can change its team.")
    # Lock the team's owner rows (PostgreSQL): two owners leaving at once must not both
    # see the other still there and leave the course with none.
    owners = set(
        db.session.scalars(
            select(CourseStaff.user_id)
            .where(CourseStaff.course_id == course.id, CourseStaff.is_owner.is_(True))
            .with_for_update()
        )
    )
    staff = db.session.get(CourseStaff, (course.id, user_id), populate_existing=True)
    if staff is None:
        db.session.rollback()
        raise AuthoringError("That person is not on the team.")
    if staff.is_owner and owners <= {user_id}:
        db.session.rollback()
        raise AuthoringError(
            "The course needs an owner: make another member of the team an owner "
            "(“Make owner”) before leaving."
        )
    db.session.delete(staff)
    record("course.instructor_removed", "course", course.id, actor_id=owner.id, user=user_id)
    db.session.commit()


def set_archived(course: Course, actor: User, archived: bool) -> None:
    """Close a course to new enrollments (or reopen it); enrolled learners may still finish."""
    if course.published_at is None:
        raise AuthoringError("A course that was never published cannot be archived.")
    wanted = CourseStatus.ARCHIVED.value if archived else CourseStatus.PUBLISHED.value
    db.session.refresh(course, with_for_update=FOR_CHANGE)  # a repeated click then finds it done
    if course.status == wanted:
        return
    now = utcnow()
    db.session.execute(
        update(Course)
        .where(Course.id == course.id)
        .values(status=wanted, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    record(
        "course.archived" if archived else "course.reopened", "course", course.id, actor_id=actor.id
    )
    db.session.refresh(course)
    events.course_archived.emit(events.CourseArchived(course, archived, now))
    db.session.commit()
