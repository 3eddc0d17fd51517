"""A small site with someone at every stage, built once over HTTP and cloned for each test.

Learners: ``reader`` (enrolled, first module read, a quiz attempt open, a run of the first
module's practice case started), ``finisher``
(course complete, no evaluation yet), ``holder`` (a certificate), ``target`` (whom
the administrator acts on) and ``leaver`` (who deletes their account). Instructors:
``owner`` and ``co`` teach the course; ``spare`` teaches nothing. One ``admin``.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from decimal import Decimal

from flask import Flask
from sqlalchemy import select

from app.accounts.models import Role, User
from app.accounts.services import hash_password, verify_password
from app.cases import services as case_services
from app.cases.models import CaseRun
from app.catalog.models import Course, CourseStaff, ModuleCase
from app.certificates import services as certificates
from app.certificates.openbadges.credential import credential_json
from app.db import db
from app.quizzes.models import QuizAttempt
from app.quizzes.services import start_attempt
from tests.cases.helpers import case_spec
from tests.certificates.helpers import complete_course, earn_certificate
from tests.conftest import UserFactory
from tests.factories import course_spec, make_course
from tests.learning.helpers import complete_module_lessons

PASSWORD = UserFactory.password
COURSE = "fuzz-course"
OTHER_COURSE = "open-course"
ROLES = {
    "admin": Role.ADMIN,
    "owner": Role.INSTRUCTOR,
    "co": Role.INSTRUCTOR,
    "spare": Role.INSTRUCTOR,
    "reader": Role.LEARNER,
    "finisher": Role.LEARNER,
    "holder": Role.LEARNER,
    "target": Role.LEARNER,
    "leaver": Role.LEARNER,
}


@dataclass
class World:
    """The ids and secrets a test needs to reach each object."""

    users: dict[str, int] = field(default_factory=dict)
    emails: dict[str, str] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)
    quiz_id: int = 0
    #: The first module's case simulation (practice: completion does not wait for it).
    case_id: int = 0
    certificate_id: str = ""
    credential: str = ""

    def user(self, name: str) -> User:
        """The account called ``name`` in this world, fresh from the database."""
        found = db.session.get(User, self.users[name])
        assert found is not None
        return found


def build_world(app: Flask) -> World:
    """Create every account and course and walk the learners to their stages (app context)."""
    world = World()
    factory = UserFactory()
    for name, role in ROLES.items():
        user = factory(role, email=f"{name}@example.com")
        world.users[name], world.emails[name] = user.id, user.email
        world.names[name] = user.legal_name
    spec = course_spec(slug=COURSE, attempt_limit=None)
    first = dataclasses.replace(spec.modules[0], case=case_spec("none"))
    course = make_course(dataclasses.replace(spec, modules=(first, *spec.modules[1:])))
    course.attempt_limit = None  # the first import stores 3 instead of unlimited (see the report)
    make_course(course_spec(slug=OTHER_COURSE))
    db.session.add_all(
        [
            CourseStaff(course_id=course.id, user_id=world.users["owner"], is_owner=True),
            CourseStaff(course_id=course.id, user_id=world.users["co"], is_owner=False),
        ]
    )
    db.session.commit()
    world.quiz_id = course.active_modules[0].quiz.id
    case = course.active_modules[0].active_case
    assert case is not None
    world.case_id = case.id
    _walk(app, world, "reader", lambda client: _read_first_module(client, course, world))
    finisher, holder = world.users["finisher"], world.users["holder"]
    _walk(app, world, "finisher", lambda client: complete_course(client, course, finisher))
    certificate = _walk(app, world, "holder", lambda c: earn_certificate(c, course, holder))
    world.certificate_id = certificate.public_id
    world.credential = credential_json(certificates.signed_credential(certificate))
    return world


def _walk(app: Flask, world: World, name: str, steps):  # type: ignore[no-untyped-def]
    client = app.test_client()
    sign_in(client, world.emails[name])
    return steps(client)


def _read_first_module(client, course: Course, world: World) -> None:  # type: ignore[no-untyped-def]
    client.post(f"/courses/{course.slug}/enroll")
    complete_module_lessons(client, course, course.active_modules[0])
    open_attempt(world)
    assert client.get(f"/courses/{course.slug}/cases/{world.case_id}").status_code == 200


def sign_in(client, email: str) -> None:  # type: ignore[no-untyped-def]
    """Sign a client in with the world's password."""
    response = client.post("/sign-in", data={"email": email, "password": PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]


def open_attempt(world: World) -> QuizAttempt:
    """The reader's open attempt at the first quiz, starting one if the last was submitted."""
    reader = world.user("reader")
    attempt = db.session.scalars(
        select(QuizAttempt)
        .where(QuizAttempt.user_id == reader.id, QuizAttempt.quiz_id == world.quiz_id)
        .order_by(QuizAttempt.number.desc())
    ).first()
    if attempt is not None and attempt.is_open:
        return attempt
    course = db.session.scalar(select(Course).where(Course.slug == COURSE))
    quiz = next(m.quiz for m in course.active_modules if m.quiz.id == world.quiz_id)
    return start_attempt(reader, quiz, course)


def case_run(world: World) -> CaseRun:
    """The reader's run of the first module's case in progress, replaying if the last ended."""
    reader = world.user("reader")
    case = db.session.get(ModuleCase, world.case_id)
    course = db.session.scalar(select(Course).where(Course.slug == COURSE))
    assert case is not None and course is not None
    run = case_services.open_run(reader, case)
    if run is not None:
        return run
    latest = case_services.latest_run(reader, case)
    assert latest is not None
    return case_services.replay(reader, case, course, latest.id)


def pending_review_id(world: World) -> int:
    """A request for CE approval waiting on the world's course (the owner's, made if none is)."""
    from app.authoring import services as authoring
    from app.ceclaims import services as claims

    course = db.session.scalar(select(Course).where(Course.slug == COURSE))
    found = claims.pending_review(course)
    if found is not None:
        return found.id
    published = authoring.published_spec(course)
    hours = Decimal("0.5") if published.ce_hours != Decimal("0.5") else Decimal("0.25")
    proposed = dataclasses.replace(published, ce_hours=hours)
    review = claims.add_request(course, world.user("owner"), proposed, published)
    db.session.commit()
    return review.id


def restore_accounts(world: World) -> None:
    """Undo what an accepted request did to an account: password, role, active, deletion."""
    db.session.expire_all()
    users = db.session.scalars(select(User).where(User.id.in_(world.users.values())))
    by_id = {user.id: user for user in users}  # one query, where nine gets cost nine
    for name, role in ROLES.items():
        user = by_id[world.users[name]]
        if not verify_password(user, PASSWORD):
            user.password_hash = hash_password(PASSWORD)
        user.role, user.is_active = role.value, True
        user.email, user.legal_name = world.emails[name], world.names[name]
    db.session.commit()
