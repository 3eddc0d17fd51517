"""Every form-handling route: who may post to it, where, and a form it would accept."""

from __future__ import annotations

import dataclasses
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from secrets import token_hex
from string import Formatter
from typing import Any

from flask import current_app
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import delete, select

from app.accounts.tokens import Purpose, issue_token
from app.authoring import caseedits, edits
from app.authoring import services as authoring
from app.authoring.models import CourseDraft
from app.catalog.models import Course, CourseStaff
from app.certificates.models import Certificate, CertificateCorrection
from app.content.archive import course_to_zip
from app.db import db, utcnow
from app.evaluations.models import CourseEvaluation
from app.lti.models import Deployment, Platform
from app.mail.models import OutboundMail
from app.outbound.models import OutboundDelivery
from tests.certificates.helpers import EVALUATION
from tests.factories import REFERENCES, course_spec
from tests.learning.helpers import answers_for
from tests.security.hostile import Upload
from tests.security.world import (
    COURSE,
    OTHER_COURSE,
    PASSWORD,
    World,
    case_run,
    open_attempt,
    pending_review_id,
)

NEW_PASSWORD = "a different long pass"
PROFILE = {
    "legal_name": "Dana Rivera",
    "profession": "Psychologist",
    "license_number": "PSY-1",
    "license_state": "OR",
}
LESSON = {"title": "Pacing", "minutes": "6", "body": "## Why\n\nGo slowly.", "action": "save"}
QUESTION = {
    "kind": "single",
    "objective": "goal",
    "prompt": "Which pace fits a first session?",
    "explanation": "Slow pacing keeps the client inside the window of tolerance.",
    "choices-0-text": "Slow, with check-ins",
    "choices-0-correct": "y",
    "choices-1-text": "As fast as possible",
    "choices-1-feedback": "Speed floods.",
}
#: The world's course (one objective, `goal`, in each of two modules) drawing 2 of 6.
BLUEPRINT = {
    "use": "yes",
    "rows-0-objective": "goal",
    "rows-0-draw": "2",
    "sources-0-source": "m1/goal",
    "sources-0-serves": "goal",
    "sources-1-source": "m2/goal",
    "sources-1-serves": "goal",
}
SETTINGS = {
    "title": "Course fuzz-course",
    "summary": "A test course.",
    "description": "A course for tests.",
    "ce_hours": "1",
    "level": "beginning",
    "delivery_format": "Online, self-paced (home study)",
    "topics": "testing",
    "objectives": "goal: Reach the goal.",
    "instructors": "Ann Example | PhD",
    "references": "\n".join(REFERENCES),
    "pass_mark": "80",
    "attempt_limit": "",
    "modules_unlock_in_order": "y",
    "min_seconds_per_lesson": "0",
    "answer_feedback": "after_passing",
    "approval_statement": "",
    "approval_start": "",
    "approval_end": "",
}
MODULE = "/teaching/{slug}/modules/{module_slug}"
#: Path segments most routes share: the world's course.
SHARED = {"slug": COURSE, "course_slug": COURSE}
REVISED = "A test course, revised."


@dataclass(frozen=True)
class Case:
    """A form route: the account that posts, the path, and a form that would be accepted."""

    actor: str | None
    path: str
    params: Callable[[World], dict[str, object]] = field(default=lambda world: {})
    form: Callable[[World], dict[str, Any]] = field(default=lambda world: {})
    prepare: Callable[[World], None] | None = None
    #: A refusal that deliberately keeps what was sent says so on the page with this text...
    kept_message: str | None = None
    #: ...and may change only these tables.
    kept_tables: frozenset[str] = frozenset()

    def values(self, world: World) -> dict[str, object]:
        """A value for each segment the path names: the world's course unless the case says."""
        names = {name for _, name, _, _ in Formatter().parse(self.path) if name}
        given = {**SHARED, **self.params(world)}
        return {name: value for name, value in given.items() if name in names}


def _failed_delivery() -> int:
    """An outbound delivery given up on, for the administrator to send again."""
    delivery = db.session.scalar(
        select(OutboundDelivery).where(OutboundDelivery.dedupe_key == "fuzz")
    )
    if delivery is None:
        delivery = OutboundDelivery(
            channel="webhook",
            destination="https://hooks.example/in",
            dedupe_key="fuzz",
            payload={},
            status="failed",
            attempts=12,
            created_at=utcnow(),
            next_attempt_at=utcnow(),
        )
        db.session.add(delivery)
    delivery.status, delivery.last_error = "failed", "HTTP 503"
    db.session.commit()
    return delivery.id


def _readers_token(world: World) -> dict[str, object]:
    """An active personal access token of the reader's, to revoke."""
    from app.accounts.models import User
    from app.api import services as api
    from app.api.models import ApiToken

    token = db.session.scalar(
        select(ApiToken).where(
            ApiToken.user_id == world.users["reader"], ApiToken.revoked_at.is_(None)
        )
    )
    if token is None:
        reader = db.session.get(User, world.users["reader"])
        assert reader is not None
        token = api.create_personal_token(reader, "fuzz", "read", 30).token
    return {"token_id": token.id}


def _active_client(world: World) -> dict[str, object]:
    """An OAuth client that is not revoked, to revoke."""
    from app.accounts.models import User
    from app.api import services as api
    from app.api.models import OAuthClient

    client = db.session.scalar(select(OAuthClient).where(OAuthClient.revoked_at.is_(None)))
    if client is None:
        admin = db.session.get(User, world.users["admin"])
        assert admin is not None
        client, _ = api.register_client(admin, "fuzz", "read")
    return {"client_id": client.id}


def _active_webhook(world: World) -> dict[str, object]:
    """A webhook subscription not deleted, to delete."""
    from app.accounts.models import User
    from app.api import services as api
    from app.api.models import WebhookSubscription

    subscription = db.session.scalar(
        select(WebhookSubscription).where(WebhookSubscription.revoked_at.is_(None))
    )
    if subscription is None:
        admin = db.session.get(User, world.users["admin"])
        assert admin is not None
        subscription, _ = api.create_webhook(
            admin, "https://hooks.example.org/in", ["certificate.issued"], allow_http=False
        )
    return {"webhook_id": subscription.id}


def _failed_mail() -> int:
    """A message delivery has given up on, for the administrator to send again."""
    message = db.session.scalar(select(OutboundMail).where(OutboundMail.recipient == "gone@x.test"))
    if message is None:
        message = OutboundMail(recipient="gone@x.test", subject="Hello", body="Hi")
        db.session.add(message)
    message.status, message.attempts, message.last_error = "failed", 6, "550 no such user"
    db.session.commit()
    return message.id


def _first_lesson_id() -> int:
    """The world's course's first lesson, whose advisory the reader answers."""
    return _course().active_modules[0].active_lessons[0].id


LTI_PLATFORM = {
    "name": "Fuzz LMS",
    "issuer": "https://lms.fuzz.example",
    "client_id": "fuzz-client",
    "deployment_ids": "d1",
    "auth_url": "https://lms.fuzz.example/auth",
    "token_url": "https://lms.fuzz.example/token",
    "jwks_url": "https://lms.fuzz.example/jwks",
    "frame_origins": "https://school.fuzz.example",
}


def _lti_platform() -> int:
    """A registered LTI platform for the administrator to remove."""
    platform = db.session.scalar(select(Platform).where(Platform.client_id == "fuzz-client"))
    if platform is None:
        platform = Platform(
            name="Fuzz LMS",
            issuer="https://lms.fuzz.example",
            client_id="fuzz-client",
            auth_url="https://lms.fuzz.example/auth",
            token_url="https://lms.fuzz.example/token",
            jwks_url="https://lms.fuzz.example/jwks",
        )
        platform.deployments = [Deployment(deployment_id="d1")]
        db.session.add(platform)
        db.session.commit()
    return platform.id


def _own_key_folder(world: World) -> None:
    """Key rotations write to a folder of this run's, never the project's instance/."""
    current_app.instance_path = tempfile.mkdtemp(prefix="lti-keys-")


def _course() -> Course:
    course = db.session.scalar(select(Course).where(Course.slug == COURSE))
    assert course is not None
    return course


def _ensure_draft(world: World) -> None:
    """Give the course a draft that differs from what is published."""
    course = _course()
    if authoring.find_draft(course) is None:
        revised = REVISED if course.summary != REVISED else "A test course."
        authoring.edit_draft(
            course, world.user("owner"), lambda spec: dataclasses.replace(spec, summary=revised)
        )


def _draft() -> CourseDraft:
    """The course's draft (``_ensure_draft`` made one)."""
    draft = authoring.find_draft(_course())
    assert draft is not None
    return draft


def _co_not_owner(world: World) -> None:
    """Put the co-instructor back on the team as a plain member."""
    course = _course()
    staff = db.session.get(CourseStaff, (course.id, world.users["co"]))
    if staff is None:
        db.session.add(CourseStaff(course_id=course.id, user_id=world.users["co"]))
    else:
        staff.is_owner = False
    db.session.commit()


def _case_version(scene_id: str | None = None) -> dict[str, str]:
    """The version the case editor's form would carry now: the case's settings (or, with
    ``scene_id``, that scene's); "" once a fuzzed post has taken it out."""
    course = db.session.scalar(select(Course).where(Course.slug == COURSE))
    case = authoring.working_spec(course).modules[0].case if course else None
    item = case.scene(scene_id) if case and scene_id else case
    return {"base": edits.fingerprint(item) if item else ""}


def _whole_case_version() -> dict[str, str]:
    """The version the "Take the case out" button carries now."""
    course = db.session.scalar(select(Course).where(Course.slug == COURSE))
    case = authoring.working_spec(course).modules[0].case if course else None
    return {"base": caseedits.whole_case_version(case) if case else ""}


def _forget_evaluation(world: World) -> None:
    """Let the finisher file the evaluation again."""
    db.session.execute(
        delete(CourseEvaluation).where(CourseEvaluation.user_id == world.users["finisher"])
    )
    db.session.commit()


def _answers(world: World) -> dict[str, Any]:
    return {**answers_for(open_attempt(world)), "action": "save"}


def _reset_token(world: World) -> dict[str, object]:
    return {"token": issue_token(world.user("target"), Purpose.RESET_PASSWORD)}


def _zip(world: World) -> dict[str, Any]:
    return {"archive": Upload(course_to_zip(course_spec(slug="zip-course")), "zip-course.zip")}


def _question_preview(world: World) -> dict[str, Any]:
    """A signed preview of one GIFT question for the world's course, as the upload page makes."""
    signer = URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="question-import")
    question = {
        "where": "a.gift:1",
        "name": "Fuzzed",
        "kind": "true_false",
        "prompt": "Is this fine?",
        "explanation": "It is.",
        "choices": [
            {"text": "True", "correct": True, "feedback": None},
            {"text": "False", "correct": False, "feedback": None},
        ],
        "notes": [],
    }
    payload = {"course": COURSE, "name": "a.gift", "questions": [question], "skipped": []}
    return {"target": "m1", "payload": signer.dumps(payload)}


def _holders_certificate(world: World) -> Certificate:
    """The holder's current certificate (a replacement once a correction is approved)."""
    found = db.session.scalar(
        select(Certificate).where(
            Certificate.user_id == world.users["holder"], Certificate.replaced_at.is_(None)
        )
    )
    assert found is not None
    return found


def _pending_correction(world: World) -> None:
    """Make sure the holder's current certificate has a correction awaiting review."""
    certificate = _holders_certificate(world)
    pending = select(CertificateCorrection).where(
        CertificateCorrection.certificate_id == certificate.id,
        CertificateCorrection.state == "pending",
    )
    if db.session.scalar(pending) is None:
        db.session.add(
            CertificateCorrection(
                certificate_id=certificate.id,
                requested_by_id=world.users["holder"],
                reason="Misspelt name.",
                learner_name=PROFILE["legal_name"],
                profession=PROFILE["profession"],
                license_number=PROFILE["license_number"],
                license_state=PROFILE["license_state"],
            )
        )
        db.session.commit()


def _correction_id(world: World) -> dict[str, object]:
    pending = db.session.scalar(
        select(CertificateCorrection.id).where(CertificateCorrection.state == "pending")
    )
    return {"correction_id": pending or 0}


CASE_SETTINGS = {
    "title": "A test case",
    "summary": "A case for tests.",
    "requirement": "ending",
    "start": "start",
    "advisories": "a test advisory",
}
SCENE = {
    "title": "A check-in",
    "narrative": "The client opens their eyes.",
    "client_says": "Where am I?",
    "status": "Alertness: awake",
    "choices-0-text": "Orient them",
    "choices-0-rating": "best",
    "choices-0-next": "middle",
    "choices-0-feedback": "Orienting comes first.",
    "choices-1-text": "Leave the room",
    "choices-1-rating": "harmful",
    "choices-1-next": "bad",
    "choices-1-feedback": "Never leave a client alone.",
    "ending_rating": "best",
}
CASE_PAGES = MODULE + "/case"


def _choice(world: World) -> dict[str, Any]:
    """The reader's next choice in their run of the first module's case (the first option)."""
    run = case_run(world)
    return {"run": run.id, "step": run.steps + 1, "scene": run.current_scene, "choice": "1"}


CASES: dict[str, Case] = {
    "/sign-up": Case(
        None,
        "/sign-up",
        form=lambda w: {
            **PROFILE,
            "email": "new@example.com",
            "password": NEW_PASSWORD,
            "confirm": NEW_PASSWORD,
        },
    ),
    "/sign-in": Case(
        None,
        "/sign-in",
        form=lambda w: {"email": w.emails["reader"], "password": PASSWORD, "remember": "y"},
    ),
    "/sign-out": Case("reader", "/sign-out"),
    "/account": Case("reader", "/account", form=lambda w: dict(PROFILE)),
    "/account/password": Case(
        "reader",
        "/account/password",
        form=lambda w: {"current": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    ),
    "/account/delete": Case("leaver", "/account/delete", form=lambda w: {"password": PASSWORD}),
    "/sign-up/resend": Case(None, "/sign-up/resend", form=lambda w: {"email": w.emails["target"]}),
    "/forgot-password": Case(
        None, "/forgot-password", form=lambda w: {"email": w.emails["target"]}
    ),
    "/reset-password/<token>": Case(
        None,
        "/reset-password/{token}",
        params=_reset_token,
        form=lambda w: {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    ),
    "/admin/users/<int:user_id>/role": Case(
        "admin",
        "/admin/users/{user_id}/role",
        params=lambda w: {"user_id": w.users["target"]},
        form=lambda w: {"role": "instructor"},
    ),
    "/admin/users/<int:user_id>/active": Case(
        "admin",
        "/admin/users/{user_id}/active",
        params=lambda w: {"user_id": w.users["target"]},
        form=lambda w: {"active": "0"},
    ),
    "/admin/users/<int:user_id>/sign-out": Case(
        "admin",
        "/admin/users/{user_id}/sign-out",
        params=lambda w: {"user_id": w.users["target"]},
        form=lambda w: {},
    ),
    "/admin/users/<int:user_id>/anonymise": Case(
        "admin",
        "/admin/users/{user_id}/anonymise",
        params=lambda w: {"user_id": w.users["target"]},
        form=lambda w: {"email": w.emails["target"]},
    ),
    "/admin/certificates/<public_id>/revoke": Case(
        "admin",
        "/admin/certificates/{public_id}/revoke",
        params=lambda w: {"public_id": w.certificate_id},
        form=lambda w: {"reason": "Issued in error.", "confirm": "yes"},
    ),
    "/admin/deliveries/<int:delivery_id>/retry": Case(
        "admin",
        "/admin/deliveries/{delivery_id}/retry",
        params=lambda w: {"delivery_id": _failed_delivery()},
    ),
    "/account/tokens": Case(
        "reader",
        "/account/tokens",
        form=lambda w: {"name": "CRM", "scopes": "read", "days": "30", "form_key": token_hex(16)},
    ),
    "/account/tokens/<int:token_id>/revoke": Case(
        "reader", "/account/tokens/{token_id}/revoke", params=_readers_token
    ),
    "/admin/api-clients": Case(
        "admin",
        "/admin/api-clients",
        form=lambda w: {"name": "Warehouse", "scopes": "read", "form_key": token_hex(16)},
    ),
    "/admin/api-clients/<int:client_id>/revoke": Case(
        "admin", "/admin/api-clients/{client_id}/revoke", params=_active_client
    ),
    "/admin/webhooks": Case(
        "admin",
        "/admin/webhooks",
        form=lambda w: {"url": "https://hooks.example.org/in", "events": "certificate.issued"},
    ),
    "/admin/webhooks/<int:webhook_id>/delete": Case(
        "admin",
        "/admin/webhooks/{webhook_id}/delete",
        params=_active_webhook,
        form=lambda w: {"confirm": "yes"},
    ),
    # The JSON API takes bearer tokens or client credentials, never the session: a form
    # post from a signed-in browser is refused (401) and changes nothing.
    "/api/v1/oauth/token": Case(
        None,
        "/api/v1/oauth/token",
        form=lambda w: {
            "grant_type": "client_credentials",
            "client_id": "gwc_none",
            "client_secret": "wrong",
        },
    ),
    "/api/v1/webhooks": Case(
        "admin",
        "/api/v1/webhooks",
        form=lambda w: {"url": "https://hooks.example/in", "events": "certificate.issued"},
    ),
    "/api/v1/webhooks/<int:webhook_id>": Case(
        "admin", "/api/v1/webhooks/{webhook_id}", params=lambda w: {"webhook_id": 1}
    ),
    "/admin/mail/<int:message_id>/retry": Case(
        "admin", "/admin/mail/{message_id}/retry", params=lambda w: {"message_id": _failed_mail()}
    ),
    "/admin/ce-claims/<int:review_id>/approve": Case(
        "admin",
        "/admin/ce-claims/{review_id}/approve",
        params=lambda w: {"review_id": pending_review_id(w)},
    ),
    "/admin/ce-claims/<int:review_id>/decline": Case(
        "admin",
        "/admin/ce-claims/{review_id}/decline",
        params=lambda w: {"review_id": pending_review_id(w)},
        form=lambda w: {"reason": "Our approval covers fewer hours."},
    ),
    "/teaching/new": Case(
        "owner",
        "/teaching/new",
        form=lambda w: {
            "title": "A new course",
            "slug": "a-new-course",
            "summary": "New.",
            "ce_hours": "1.5",
            "level": "beginning",
            "delivery_format": "Online",
        },
    ),
    "/teaching/<slug>/modules/<module_slug>/<action>": Case(
        "owner",
        MODULE + "/{action}",
        params=lambda w: {"module_slug": "m1", "action": "down"},
    ),
    "/teaching/<slug>/modules/<module_slug>/<kind>/<item_slug>/<action>": Case(
        "owner",
        MODULE + "/{kind}/{item_slug}/{action}",
        params=lambda w: {
            "module_slug": "m1",
            "kind": "lessons",
            "item_slug": "lesson-1",
            "action": "down",
        },
    ),
    "/teaching/<slug>/modules/new": Case(
        "owner",
        "/teaching/{slug}/modules/new",
        form=lambda w: {"title": "More", "summary": "More.", "objectives": "goal: Reach it."},
    ),
    "/teaching/<slug>/modules/<module_slug>": Case(
        "owner",
        MODULE,
        params=lambda w: {"module_slug": "m1"},
        form=lambda w: {"title": "First", "summary": "First.", "objectives": "goal: Reach it."},
    ),
    "/teaching/<slug>/modules/<module_slug>/lessons/new": Case(
        "owner",
        MODULE + "/lessons/new",
        params=lambda w: {"module_slug": "m1"},
        form=lambda w: dict(LESSON),
    ),
    "/teaching/<slug>/modules/<module_slug>/lessons/<lesson_slug>": Case(
        "owner",
        MODULE + "/lessons/{lesson_slug}",
        params=lambda w: {"module_slug": "m1", "lesson_slug": "lesson-1"},
        form=lambda w: dict(LESSON),
    ),
    "/teaching/<slug>/modules/<module_slug>/questions/new": Case(
        "owner",
        MODULE + "/questions/new",
        params=lambda w: {"module_slug": "m1"},
        form=lambda w: dict(QUESTION),
    ),
    "/teaching/<slug>/modules/<module_slug>/questions/<question_slug>": Case(
        "owner",
        MODULE + "/questions/{question_slug}",
        params=lambda w: {"module_slug": "m1", "question_slug": "q-single"},
        form=lambda w: dict(QUESTION),
    ),
    "/teaching/<slug>/settings": Case(
        "owner", "/teaching/{slug}/settings", form=lambda w: dict(SETTINGS)
    ),
    "/teaching/<slug>/blueprint": Case(
        "owner", "/teaching/{slug}/blueprint", form=lambda w: dict(BLUEPRINT)
    ),
    "/teaching/<slug>/publish": Case("owner", "/teaching/{slug}/publish", prepare=_ensure_draft),
    "/teaching/<slug>/discard": Case(
        "owner",
        "/teaching/{slug}/discard",
        form=lambda w: {"confirm": "yes", "stamp": authoring.draft_stamp(_draft())},
        prepare=_ensure_draft,
    ),
    "/teaching/<slug>/accommodations": Case(
        "owner",
        "/teaching/{slug}/accommodations",
        form=lambda w: {
            "email": w.emails["reader"],
            "time_multiplier": "2",
            "extra_attempts": "1",
            "reason": "Agreed extended-time arrangement",
        },
    ),
    "/admin/crisis-lines": Case(
        "admin",
        "/admin/crisis-lines",
        form=lambda w: {"lines": "United Kingdom | Samaritans | Call 116 123"},
    ),
    "/advisories/<kind>/<int:step_id>": Case(
        "reader",
        "/advisories/{kind}/{step_id}",
        params=lambda w: {"kind": "lesson", "step_id": _first_lesson_id()},
        form=lambda w: {"choice": "now", "back": f"/courses/{COURSE}"},
    ),
    "/teaching/<slug>/team": Case(
        "owner", "/teaching/{slug}/team", form=lambda w: {"email": w.emails["spare"]}
    ),
    "/teaching/<slug>/team/<int:user_id>/remove": Case(
        "owner",
        "/teaching/{slug}/team/{user_id}/remove",
        params=lambda w: {"user_id": w.users["co"]},
        form=lambda w: {"confirm": "yes"},
    ),
    "/teaching/<slug>/team/<int:user_id>/owner": Case(
        "owner",
        "/teaching/{slug}/team/{user_id}/owner",
        params=lambda w: {"user_id": w.users["co"]},
        prepare=_co_not_owner,
    ),
    "/teaching/<slug>/archive": Case(
        "owner", "/teaching/{slug}/archive", form=lambda w: {"archived": "1"}
    ),
    "/teaching/import": Case("owner", "/teaching/import", form=_zip),
    "/teaching/<slug>/question-import": Case(
        "owner",
        "/teaching/{slug}/question-import",
        form=lambda w: {"file": Upload(b"::A:: Fine? {T}", "a.gift"), "format": ""},
    ),
    "/teaching/<slug>/question-import/confirm": Case(
        "owner", "/teaching/{slug}/question-import/confirm", form=_question_preview
    ),
    "/courses/<slug>/enroll": Case(
        "reader", "/courses/{slug}/enroll", params=lambda w: {"slug": OTHER_COURSE}
    ),
    "/courses/<course_slug>/<module_slug>/<lesson_slug>/complete": Case(
        "reader",
        "/courses/{course_slug}/{module_slug}/{lesson_slug}/complete",
        params=lambda w: {"module_slug": "m1", "lesson_slug": "lesson-1"},
    ),
    "/courses/<course_slug>/quizzes/<int:quiz_id>/start": Case(
        "reader",
        "/courses/{course_slug}/quizzes/{quiz_id}/start",
        params=lambda w: {"quiz_id": w.quiz_id},
    ),
    "/attempts/<int:attempt_id>": Case(
        "reader",
        "/attempts/{attempt_id}",
        params=lambda w: {"attempt_id": open_attempt(w).id},
        form=_answers,
        # Submitting with questions unanswered is refused, and the answers given are saved.
        kept_message="Your answers so far are saved.",
        kept_tables=frozenset({"attempt_answers"}),
    ),
    "/courses/<course_slug>/cases/<int:case_id>/choose": Case(
        "reader",
        "/courses/{course_slug}/cases/{case_id}/choose",
        params=lambda w: {"case_id": w.case_id},
        form=_choice,
    ),
    "/courses/<course_slug>/cases/<int:case_id>/replay": Case(
        "reader",
        "/courses/{course_slug}/cases/{case_id}/replay",
        params=lambda w: {"case_id": w.case_id},
        form=lambda w: {"run": case_run(w).id},
    ),
    "/teaching/<slug>/modules/<module_slug>/case": Case(
        "owner",
        CASE_PAGES,
        params=lambda w: {"module_slug": "m1"},
        form=lambda w: CASE_SETTINGS | _case_version(),
    ),
    "/teaching/<slug>/modules/<module_slug>/case/remove": Case(
        "owner",
        CASE_PAGES + "/remove",
        params=lambda w: {"module_slug": "m1"},
        form=lambda w: _whole_case_version(),
    ),
    "/teaching/<slug>/modules/<module_slug>/case/scenes/new": Case(
        "owner",
        CASE_PAGES + "/scenes/new",
        params=lambda w: {"module_slug": "m1"},
        form=lambda w: {**SCENE, "scene_id": "check-in"},
    ),
    "/teaching/<slug>/modules/<module_slug>/case/scenes/<scene_id>": Case(
        "owner",
        CASE_PAGES + "/scenes/{scene_id}",
        params=lambda w: {"module_slug": "m1", "scene_id": "start"},
        form=lambda w: SCENE | _case_version("start"),
    ),
    "/teaching/<slug>/modules/<module_slug>/case/scenes/<scene_id>/remove": Case(
        "owner",
        CASE_PAGES + "/scenes/{scene_id}/remove",
        params=lambda w: {"module_slug": "m1", "scene_id": "ok"},
        form=lambda w: _case_version("ok"),
    ),
    "/courses/<slug>/evaluation": Case(
        "finisher",
        "/courses/{slug}/evaluation",
        form=lambda w: dict(EVALUATION),
        prepare=_forget_evaluation,
    ),
    "/courses/<slug>/attest": Case(
        "finisher", "/courses/{slug}/attest", form=lambda w: {"attest": "y"}
    ),
    "/certificates/<public_id>/correction": Case(
        "holder",
        "/certificates/{public_id}/correction",
        params=lambda w: {"public_id": _holders_certificate(w).public_id},
        form=lambda w: {**PROFILE, "reason": "My name is misspelt."},
    ),
    "/admin/corrections/<int:correction_id>/approve": Case(
        "admin",
        "/admin/corrections/{correction_id}/approve",
        params=_correction_id,
        prepare=_pending_correction,
    ),
    "/admin/corrections/<int:correction_id>/decline": Case(
        "admin",
        "/admin/corrections/{correction_id}/decline",
        params=_correction_id,
        form=lambda w: {"note": "Send proof of the change."},
        prepare=_pending_correction,
    ),
    "/admin/lti": Case("admin", "/admin/lti", form=lambda w: dict(LTI_PLATFORM)),
    "/admin/lti/<int:platform_id>/remove": Case(
        "admin",
        "/admin/lti/{platform_id}/remove",
        params=lambda w: {"platform_id": _lti_platform()},
    ),
    "/admin/lti/rotate-key": Case("admin", "/admin/lti/rotate-key", prepare=_own_key_folder),
    # LTI endpoints another site posts to: a one-time ticket, not a session, is the proof,
    # and the world has none, so every post is a refusal that changes nothing.
    "/lti/login": Case(
        None,
        "/lti/login",
        form=lambda w: {
            "iss": "https://lms.fuzz.example",
            "login_hint": "u1",
            "target_link_uri": "http://groundwork.test/lti/launch",
        },
    ),
    "/lti/launch": Case(None, "/lti/launch", form=lambda w: {"id_token": "a.b.c", "state": "s"}),
    "/lti/link/<token>": Case(
        None,
        "/lti/link/{token}",
        params=lambda w: {"token": "no-such-ticket"},
        form=lambda w: {"email": w.emails["reader"], "password": PASSWORD},
    ),
    "/lti/deep-link/<token>": Case(
        None,
        "/lti/deep-link/{token}",
        params=lambda w: {"token": "no-such-ticket"},
        form=lambda w: {"target": f"course:{COURSE}"},
    ),
    # A JSON API: a form post is never a credential, so every post is a 400 that changes nothing.
    "/api/credentials/verify": Case(None, "/api/credentials/verify"),
    "/verify/credential": Case(
        None, "/verify/credential", form=lambda w: {"credential": w.credential}
    ),
}
