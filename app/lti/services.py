"""LTI 1.3 writes: registering platforms, launches, account links, deep links and AGS scores.

Every refusal raises ``LaunchRefused`` (or ``LtiError`` for an administrator's form)
before anything is written, so a refused launch changes nothing.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

import httpx
import jwt
from cachetools import TTLCache
from flask import current_app
from sqlalchemy import select

from app.accounts.models import Role, User
from app.accounts.services import authenticate, find_by_email, hash_password, normalise_email
from app.audit.services import record
from app.catalog.models import Course, CourseStaff, Module, Quiz
from app.db import db, utcnow
from app.learning.services import LearningError, enroll
from app.links import site_url
from app.lti import keys
from app.lti.claims import (
    DEEP_LINKING_REQUEST,
    DL,
    LTI,
    Launch,
    LaunchRefused,
    check_claims,
    parse_target,
)
from app.lti.models import Account, Deployment, LinkMember, Platform, ResourceLink, Ticket
from app.outbound.models import OutboundDelivery
from app.outbound.services import SendFailed, enqueue

CHANNEL = "lti-score"
LOGIN_TTL = dt.timedelta(minutes=5)
HANDOFF_TTL = dt.timedelta(minutes=2)
PICKER_TTL = dt.timedelta(minutes=30)
#: Clock difference allowed between the platform and this server, in seconds.
LEEWAY = 60
TIMEOUT = httpx.Timeout(10.0, connect=5.0)
SCORE_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
ACTIVITY_COMPLETED = "Completed"
GRADING_DONE = "FullyGraded"

#: Platforms' key sets by URL, kept five minutes (refetched at once for an unknown ``kid``).
_key_sets: TTLCache[str, dict[str, Any]] = TTLCache(maxsize=64, ttl=300)
#: AGS access tokens by platform id: (token, monotonic expiry).
_tokens: dict[int, tuple[str, float]] = {}


class LtiError(Exception):
    """A refused administrator action; the message is safe to show."""


# --- registration -------------------------------------------------------------------


@dataclass(frozen=True)
class PlatformDetails:
    """What an administrator types in to register a platform."""

    name: str
    issuer: str
    client_id: str
    deployment_ids: tuple[str, ...]
    auth_url: str
    token_url: str
    jwks_url: str
    frame_origins: tuple[str, ...] = ()


def _check_url(label: str, url: str) -> str:
    parts = urlsplit(url.strip())
    if parts.scheme not in ("https", "http") or not parts.netloc:
        raise LtiError(f"The {label} must be a full http(s) address.")
    if parts.scheme == "http" and current_app.config.get("GROUNDWORK_ENV") == "production":
        raise LtiError(f"The {label} must use https.")
    return url.strip()


def _origin(text: str) -> str:
    parts = urlsplit(text.strip())
    if parts.scheme not in ("https", "http") or not parts.netloc or parts.path not in ("", "/"):
        raise LtiError(f"{text.strip()[:80]!r} is not an origin such as https://lms.example.org.")
    return f"{parts.scheme}://{parts.netloc}".lower()


def register_platform(admin: User, details: PlatformDetails) -> Platform:
    """Register a platform with its deployments; refused if issuer and client id are taken."""
    issuer, client_id = details.issuer.strip(), details.client_id.strip()
    if not issuer or not client_id or not details.deployment_ids:
        raise LtiError("Issuer, client id and at least one deployment id are needed.")
    existing = db.session.scalar(
        select(Platform).where(Platform.issuer == issuer, Platform.client_id == client_id)
    )
    if existing is not None:
        raise LtiError("A platform with this issuer and client id is already registered.")
    platform = Platform(
        name=details.name.strip() or issuer,
        issuer=issuer,
        client_id=client_id,
        auth_url=_check_url("authentication request URL", details.auth_url),
        token_url=_check_url("access token URL", details.token_url),
        jwks_url=_check_url("key set URL", details.jwks_url),
    )
    origins = [_origin(line) for line in details.frame_origins if line.strip()]
    platform.frame_origins = "\n".join(dict.fromkeys(origins)) or None
    platform.deployments = [
        Deployment(deployment_id=d) for d in dict.fromkeys(details.deployment_ids)
    ]
    db.session.add(platform)
    db.session.flush()
    record("lti.platform_registered", "lti_platform", platform.id, actor_id=admin.id, issuer=issuer)
    db.session.commit()
    return platform


def remove_platform(admin: User, platform_id: int) -> None:
    """Forget a platform, its deployments, accounts' links and resource links."""
    platform = db.session.get(Platform, platform_id)
    if platform is None:
        raise LtiError("That platform is not registered.")
    record("lti.platform_removed", "lti_platform", platform.id, actor_id=admin.id)
    db.session.delete(platform)
    db.session.commit()


def platforms() -> list[Platform]:
    """Every registered platform, oldest first."""
    return list(db.session.scalars(select(Platform).order_by(Platform.id)))


def tool_urls() -> dict[str, str]:
    """What a platform's administrator types in on their side, built from SITE_URL."""
    return {
        "login": site_url("lti.login"),
        "launch": site_url("lti.launch"),
        "jwks": site_url("lti.jwks"),
        "deep_linking": site_url("lti.launch"),
    }


def rotate_tool_key(admin: User) -> str:
    """Start signing with a new key (the old one stays published); returns the new kid."""
    key = keys.rotate_key(current_app.instance_path)
    kid = str(keys.public_jwk(key)["kid"])
    record("lti.key_rotated", "lti_key", kid, actor_id=admin.id)
    db.session.commit()
    return kid


def _signing_key() -> tuple[bytes, str]:
    key = keys.load_or_create_key(current_app.instance_path)
    return keys.private_pem(key), str(keys.public_jwk(key)["kid"])


def frame_ancestors() -> list[str]:
    """Origins of registered platforms (their issuer and authentication URL), for CSP."""
    origins: set[str] = set()
    rows = db.session.execute(select(Platform.issuer, Platform.auth_url, Platform.frame_origins))
    for issuer, auth_url, extra in rows:
        for url in (issuer, auth_url, *(extra or "").splitlines()):
            parts = urlsplit(url)
            if parts.scheme in ("http", "https") and parts.netloc:
                origins.add(f"{parts.scheme}://{parts.netloc}")
    return sorted(origins)


# --- login and launch ---------------------------------------------------------------


def begin_login(params: Mapping[str, str]) -> str:
    """OIDC third-party login: keep a state and nonce, return the authentication request URL."""
    issuer = params.get("iss", "").strip()
    login_hint = params.get("login_hint", "")
    target = params.get("target_link_uri", "")
    if not issuer or not login_hint or not target:
        raise LaunchRefused("The login request lacks its issuer, login hint or target link.")
    query = select(Platform).where(Platform.issuer == issuer)
    client_id = params.get("client_id", "").strip()
    if client_id:
        query = query.where(Platform.client_id == client_id)
    found = list(db.session.scalars(query.limit(2)))
    if len(found) != 1:
        raise LaunchRefused(
            "This platform is not registered with Groundwork."
            if not found
            else "Several registrations share this issuer: the platform must send its client id."
        )
    platform = found[0]
    deployment = params.get("lti_deployment_id")
    if deployment and deployment not in platform.deployment_ids:
        raise LaunchRefused("The launch names a deployment this platform has not registered.")
    site = urlsplit(current_app.config["SITE_URL"])
    if urlsplit(target).netloc != site.netloc:
        raise LaunchRefused("The target link is not on this site.")
    state, nonce = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    db.session.add(
        Ticket(
            token=state,
            kind="login",
            platform_id=platform.id,
            nonce=nonce,
            target=target,
            expires_at=utcnow() + LOGIN_TTL,
        )
    )
    db.session.commit()
    request = {
        "scope": "openid",
        "response_type": "id_token",
        "response_mode": "form_post",
        "prompt": "none",
        "client_id": platform.client_id,
        "redirect_uri": tool_urls()["launch"],
        "login_hint": login_hint,
        "state": state,
        "nonce": nonce,
    }
    if params.get("lti_message_hint"):
        request["lti_message_hint"] = params["lti_message_hint"]
    separator = "&" if "?" in platform.auth_url else "?"
    return platform.auth_url + separator + urlencode(request)


def _fetch_key_set(url: str, *, fresh: bool = False) -> dict[str, Any]:
    if not fresh and url in _key_sets:
        return _key_sets[url]
    try:
        response = httpx.get(url, timeout=TIMEOUT, follow_redirects=False)
        response.raise_for_status()
        key_set = response.json()
    except (httpx.HTTPError, ValueError) as error:
        raise LaunchRefused("The platform's key set could not be fetched; try again.") from error
    if not isinstance(key_set, dict) or not isinstance(key_set.get("keys"), list):
        raise LaunchRefused("The platform's key set is not a JWKS.")
    _key_sets[url] = key_set
    return key_set


def _platform_key(platform: Platform, kid: str | None) -> Any:
    for fresh in (False, True):
        key_set = _fetch_key_set(platform.jwks_url, fresh=fresh)
        for entry in key_set["keys"]:
            if isinstance(entry, dict) and entry.get("kty") == "RSA" and entry.get("kid") == kid:
                try:
                    return jwt.PyJWK(entry, algorithm="RS256").key
                except jwt.PyJWTError as error:
                    raise LaunchRefused("The platform's key is malformed.") from error
    raise LaunchRefused("The launch was signed with a key the platform does not publish.")


def verify_id_token(id_token: str, state: str) -> tuple[Ticket, Platform, Launch]:
    """Check an id_token against its login state: signature, claims, nonce, deployment."""
    ticket = db.session.get(Ticket, state) if state and len(state) <= 64 else None
    if ticket is None or ticket.kind != "login" or ticket.expires_at < utcnow():
        raise LaunchRefused(
            "This launch has expired or was already used. Open the link in your course again."
        )
    platform = db.session.get(Platform, ticket.platform_id)
    assert platform is not None and ticket.nonce is not None  # the FK and CHECK say so
    try:
        header = jwt.get_unverified_header(id_token)
    except jwt.PyJWTError as error:
        raise LaunchRefused("The launch's token is not a JWT.") from error
    if header.get("alg") != "RS256":
        raise LaunchRefused("The launch's token is not signed with RS256.")
    key = _platform_key(platform, header.get("kid"))
    try:
        claims = jwt.decode(
            id_token,
            key,
            algorithms=["RS256"],
            audience=platform.client_id,
            issuer=platform.issuer,
            leeway=LEEWAY,
            options={"require": ["exp", "iat", "iss", "aud", "sub"]},
        )
    except jwt.InvalidSignatureError as error:
        raise LaunchRefused("The launch's signature does not match the platform's key.") from error
    except jwt.ExpiredSignatureError as error:
        raise LaunchRefused(
            "The launch has expired. Open the link in your course again."
        ) from error
    except jwt.InvalidAudienceError as error:
        raise LaunchRefused("The launch was issued for another tool (audience).") from error
    except jwt.InvalidIssuerError as error:
        raise LaunchRefused("The launch comes from another issuer than its sign-in.") from error
    except jwt.PyJWTError as error:
        raise LaunchRefused(f"The launch's token was refused ({error}).") from error
    launch = check_claims(
        claims,
        client_id=platform.client_id,
        nonce=ticket.nonce,
        deployment_ids=platform.deployment_ids,
    )
    return ticket, platform, launch


@dataclass(frozen=True)
class Resolved:
    """A target read against the catalog: its course and the page that opens it."""

    course: Course
    path: str
    quiz_id: int | None = None


def resolve_target(target: str) -> Resolved:
    """The published course, module or quiz a target names, and its page."""
    try:
        kind, slug, module_slug = parse_target(target)
    except ValueError as error:
        raise LaunchRefused("This link names something Groundwork does not have.") from error
    course = db.session.scalar(select(Course).where(Course.slug == slug))
    if course is None or not course.is_published:
        raise LaunchRefused("The course this link opens is not available.")
    if kind == "course":
        return Resolved(course, f"/courses/{course.slug}")
    if kind == "quiz" and module_slug == "final":
        quiz = course.final_quiz
        if quiz is None:
            raise LaunchRefused("This course has no post-test.")
        return Resolved(course, f"/courses/{course.slug}/quizzes/{quiz.id}", quiz.id)
    module = next(
        (m for m in course.modules if m.slug == module_slug and m.retired_at is None), None
    )
    if module is None:
        raise LaunchRefused("The module this link opens is no longer in the course.")
    if kind == "quiz":
        if module.quiz is None:
            raise LaunchRefused("This module has no quiz.")
        return Resolved(course, f"/courses/{course.slug}/quizzes/{module.quiz.id}", module.quiz.id)
    if kind == "case":
        case = module.active_case
        if case is None:
            raise LaunchRefused("This module has no case simulation.")
        return Resolved(course, f"/courses/{course.slug}/cases/{case.id}")
    lessons = [lesson for lesson in module.lessons if lesson.retired_at is None]
    path = (
        f"/courses/{course.slug}/{module.slug}/{lessons[0].slug}"
        if lessons
        else f"/courses/{course.slug}"
    )
    return Resolved(course, path)


@dataclass(frozen=True)
class Outcome:
    """What a launch led to: a signed-in user and where to go, or a step before that."""

    user: User | None = None
    handoff: str = ""
    link_ticket: str = ""
    picker: str = ""
    email: str = ""


def _new_user(launch: Launch) -> User:
    email = normalise_email(launch.email) if launch.email else ""
    if not email:
        # An address that can never receive mail (RFC 2606 .invalid), unique per account.
        email = f"lti-{secrets.token_hex(8)}@lti.invalid"
    user = User(
        email=email,
        password_hash=hash_password(secrets.token_urlsafe(32)),  # no password: sign in via LMS
        legal_name=launch.name or "Learner from your LMS",
        profession="Not given",
        role=Role.LEARNER.value,
    )
    db.session.add(user)
    db.session.flush()
    record("user.created_by_lti", "user", user.id, actor_id=user.id)
    return user


def _ticket(kind: str, platform: Platform, target: str, ttl: dt.timedelta, **values: Any) -> str:
    token = secrets.token_urlsafe(32)
    db.session.add(
        Ticket(
            token=token,
            kind=kind,
            platform_id=platform.id,
            target=target,
            expires_at=utcnow() + ttl,
            **values,
        )
    )
    return token


def _launch_data(launch: Launch) -> str:
    return json.dumps({name: getattr(launch, name) for name in Launch.__dataclass_fields__})


def _launch_from(data: str) -> Launch:
    values = json.loads(data)
    values["roles"] = tuple(values.get("roles", ()))
    return Launch(**values)


def complete_launch(id_token: str, state: str) -> Outcome:
    """Verify a launch and act on it: find or create the learner, link, enroll, hand off.

    A platform user already linked goes straight on; a new one whose email belongs to an
    existing account is asked to sign in to link it (never linked silently by email).
    """
    ticket, platform, launch = verify_id_token(id_token, state)
    resolved = (
        None if launch.message_type == DEEP_LINKING_REQUEST else resolve_target(launch.target)
    )
    db.session.delete(ticket)  # the state, and with it the nonce, is spent
    account = db.session.scalar(
        select(Account).where(Account.platform_id == platform.id, Account.sub == launch.sub)
    )
    if account is None:
        if launch.email and find_by_email(launch.email) is not None:
            token = _ticket("link", platform, "", PICKER_TTL, data=_launch_data(launch))
            db.session.commit()
            return Outcome(link_ticket=token, email=normalise_email(launch.email))
        user = _new_user(launch)
        db.session.add(Account(platform_id=platform.id, sub=launch.sub, user_id=user.id))
    else:
        found = db.session.get(User, account.user_id)
        assert found is not None
        user = found
    if not user.is_active:
        db.session.rollback()
        raise LaunchRefused("This Groundwork account has been deactivated.")
    return _apply(user, platform, launch, resolved)


def _apply(user: User, platform: Platform, launch: Launch, resolved: Resolved | None) -> Outcome:
    record(
        "lti.launched",
        "user",
        user.id,
        actor_id=user.id,
        platform=platform.id,
        target=launch.target,
    )
    if resolved is None:  # deep linking: the picker, reached by its own ticket
        token = _ticket(
            "handoff", platform, "picker", PICKER_TTL, user_id=user.id, data=_launch_data(launch)
        )
        db.session.commit()
        return Outcome(user=user, picker=token)
    link = db.session.scalar(
        select(ResourceLink).where(
            ResourceLink.platform_id == platform.id, ResourceLink.link_id == launch.link_id
        )
    )
    if link is None:
        link = ResourceLink(platform_id=platform.id, link_id=launch.link_id)
        db.session.add(link)
    link.deployment_id = launch.deployment_id
    link.target = launch.target
    link.course_id = resolved.course.id
    link.lineitem_url = launch.lineitem_url or link.lineitem_url
    db.session.flush()
    member = db.session.scalar(
        select(LinkMember).where(LinkMember.link_id == link.id, LinkMember.user_id == user.id)
    )
    if member is None:
        db.session.add(LinkMember(link_id=link.id, user_id=user.id, sub=launch.sub))
    if launch.is_staff:
        staff = db.session.get(CourseStaff, (resolved.course.id, user.id))
        if staff is None:  # course staff for this course only; the site role is unchanged
            db.session.add(CourseStaff(course_id=resolved.course.id, user_id=user.id))
            record(
                "lti.course_staff_added",
                "course",
                resolved.course.id,
                actor_id=user.id,
                user=user.id,
            )
    token = _ticket("handoff", platform, resolved.path, HANDOFF_TTL, user_id=user.id)
    if launch.is_staff:
        db.session.commit()
    else:
        try:
            enroll(user, resolved.course)  # commits everything above with the enrollment
        except LearningError as error:
            db.session.rollback()
            raise LaunchRefused(str(error)) from error
    db.session.commit()
    return Outcome(user=user, handoff=token)


def link_existing_account(token: str, email: str, password: str) -> Outcome:
    """The learner signed in to their existing account: link it to the platform user."""
    ticket = db.session.get(Ticket, token) if token and len(token) <= 64 else None
    if ticket is None or ticket.kind != "link" or ticket.expires_at < utcnow() or not ticket.data:
        raise LaunchRefused("This link request has expired. Open the link in your course again.")
    user = authenticate(email, password)  # AccountError for wrong credentials; commits nothing else
    launch = _launch_from(ticket.data)
    platform = db.session.get(Platform, ticket.platform_id)
    assert platform is not None
    taken = db.session.scalar(
        select(Account).where(Account.platform_id == platform.id, Account.user_id == user.id)
    )
    if taken is not None:
        raise LaunchRefused("This account is already linked to another user of that platform.")
    resolved = (
        None if launch.message_type == DEEP_LINKING_REQUEST else resolve_target(launch.target)
    )
    db.session.delete(ticket)
    db.session.add(Account(platform_id=platform.id, sub=launch.sub, user_id=user.id))
    record("lti.account_linked", "user", user.id, actor_id=user.id, platform=platform.id)
    return _apply(user, platform, launch, resolved)


def redeem_handoff(token: str, user: User | None) -> tuple[User, str] | None:
    """The page a launch opens, once: for the signed-in owner, or in a new window.

    ``user`` is who the request's session names; None in a new window, which the
    one-time, two-minute ticket signs in. A ticket for someone else is refused.
    """
    ticket = db.session.get(Ticket, token) if token and len(token) <= 64 else None
    if ticket is None or ticket.kind != "handoff" or ticket.expires_at < utcnow():
        return None
    if ticket.target == "picker" or (user is not None and user.id != ticket.user_id):
        return None
    owner = db.session.get(User, ticket.user_id)
    if owner is None or not owner.is_active:
        return None
    target = ticket.target
    db.session.delete(ticket)
    db.session.commit()
    return owner, target


def handoff_waiting(token: str) -> bool:
    """Whether a hand-off ticket is still good (the new-window page offers it)."""
    ticket = db.session.get(Ticket, token) if token and len(token) <= 64 else None
    return ticket is not None and ticket.kind == "handoff" and ticket.expires_at >= utcnow()


# --- deep linking --------------------------------------------------------------------


@dataclass(frozen=True)
class Choice:
    """One thing an instructor can link: its target and a readable title."""

    target: str
    title: str
    graded: bool


def choices() -> list[tuple[Course, list[Choice]]]:
    """Every published course with its modules, quizzes and cases, as the picker lists them."""
    courses = db.session.scalars(
        select(Course).where(Course.status == "published").order_by(Course.title)
    )
    listing = []
    for course in courses:
        items = [Choice(f"course:{course.slug}", f"{course.title} (whole course)", True)]
        for module in course.modules:
            if module.retired_at is not None:
                continue
            items.append(
                Choice(f"module:{course.slug}/{module.slug}", f"Module: {module.title}", False)
            )
            if module.quiz is not None:
                items.append(
                    Choice(f"quiz:{course.slug}/{module.slug}", f"Quiz: {module.quiz.title}", True)
                )
            if module.active_case is not None:
                items.append(
                    Choice(
                        f"case:{course.slug}/{module.slug}",
                        f"Case simulation: {module.active_case.title}",
                        True,
                    )
                )
        if course.final_quiz is not None:
            items.append(
                Choice(f"quiz:{course.slug}/final", f"Post-test: {course.final_quiz.title}", True)
            )
        listing.append((course, items))
    return listing


def picker_ticket(token: str) -> Ticket:
    """The deep-linking request a picker page answers; LaunchRefused once spent or expired."""
    ticket = db.session.get(Ticket, token) if token and len(token) <= 64 else None
    if (
        ticket is None
        or ticket.kind != "handoff"
        or ticket.target != "picker"
        or ticket.expires_at < utcnow()
    ):
        raise LaunchRefused("This choice has expired. Start again from your course's editor.")
    return ticket


def deep_link_response(token: str, target: str) -> tuple[str, str]:
    """Sign the LtiDeepLinkingResponse for the chosen target: (return URL, JWT)."""
    ticket = picker_ticket(token)
    assert ticket.data is not None
    launch = _launch_from(ticket.data)
    platform = db.session.get(Platform, ticket.platform_id)
    assert platform is not None
    resolved = resolve_target(target)
    title = next(
        (choice.title for _, items in choices() for choice in items if choice.target == target),
        resolved.course.title,
    )
    item: dict[str, Any] = {
        "type": "ltiResourceLink",
        "title": title,
        "url": tool_urls()["launch"],
        "custom": {"target": target},
    }
    if target.startswith(("quiz:", "course:", "case:")):
        item["lineItem"] = {"scoreMaximum": 100, "label": title, "resourceId": target}
    now = int(time.time())
    claims: dict[str, Any] = {
        "iss": platform.client_id,
        "aud": platform.issuer,
        "iat": now,
        "exp": now + 600,
        "nonce": secrets.token_urlsafe(16),
        LTI + "message_type": "LtiDeepLinkingResponse",
        LTI + "version": "1.3.0",
        LTI + "deployment_id": launch.deployment_id,
        DL + "content_items": [item],
    }
    if launch.deep_link_data is not None:
        claims[DL + "data"] = launch.deep_link_data
    pem, kid = _signing_key()
    signed = jwt.encode(claims, pem, algorithm="RS256", headers={"kid": kid})
    db.session.delete(ticket)
    record("lti.deep_linked", "lti_platform", platform.id, actor_id=ticket.user_id, target=target)
    db.session.commit()
    return launch.deep_link_return_url, signed


# --- grades (AGS) --------------------------------------------------------------------


def queue_score(user_id: int, target: str, score: Decimal, when: dt.datetime, key: str) -> int:
    """Queue a score for every link to ``target`` this learner launched, if it beats the best.

    Runs in the emitter's transaction (a listener), so the score leaves only if the
    grade commits. Returns how many were queued.
    """
    rows = db.session.execute(
        select(LinkMember, ResourceLink)
        .join(ResourceLink, ResourceLink.id == LinkMember.link_id)
        .where(
            LinkMember.user_id == user_id,
            ResourceLink.target == target,
            ResourceLink.lineitem_url.is_not(None),
        )
    ).all()
    queued = 0
    for member, link in rows:
        if member.best_score is not None and score <= member.best_score:
            continue  # the course's policy: the best score stands
        member.best_score = score
        assert link.lineitem_url is not None
        payload = {
            "platform_id": link.platform_id,
            "lineitem": link.lineitem_url,
            "score": {
                "userId": member.sub,
                "scoreGiven": float(score),
                "scoreMaximum": 100,
                "activityProgress": ACTIVITY_COMPLETED,
                "gradingProgress": GRADING_DONE,
                "timestamp": when.astimezone(dt.UTC).isoformat(),
            },
        }
        if enqueue(
            CHANNEL, payload, destination=link.lineitem_url, dedupe_key=f"{member.id}:{key}"
        ):
            queued += 1
    return queued


def quiz_target(quiz: Quiz, course: Course) -> str:
    """The target string links to this quiz carry."""
    if quiz.module_id is None:
        return f"quiz:{course.slug}/final"
    module = db.session.get(Module, quiz.module_id)
    assert module is not None
    return f"quiz:{course.slug}/{module.slug}"


def _scores_url(lineitem: str) -> str:
    parts = urlsplit(lineitem)
    return urlunsplit(parts._replace(path=parts.path.rstrip("/") + "/scores"))


def _access_token(platform: Platform, *, fresh: bool = False) -> str:
    cached = _tokens.get(platform.id)
    if cached and not fresh and cached[1] > time.monotonic():
        return cached[0]
    pem, kid = _signing_key()
    now = int(time.time())
    assertion = jwt.encode(
        {
            "iss": platform.client_id,
            "sub": platform.client_id,
            "aud": platform.token_url,
            "iat": now,
            "exp": now + 300,
            "jti": secrets.token_urlsafe(16),
        },
        pem,
        algorithm="RS256",
        headers={"kid": kid},
    )
    form = {
        "grant_type": "client_credentials",
        "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
        "client_assertion": assertion,
        "scope": SCORE_SCOPE,
    }
    try:
        response = httpx.post(platform.token_url, data=form, timeout=TIMEOUT)
    except httpx.HTTPError as error:
        raise SendFailed(f"token request failed: {error}") from error
    _raise_for(response, "token request")
    try:
        body = response.json()
        token = str(body["access_token"])
        lifetime = int(body.get("expires_in", 3600))
    except (ValueError, KeyError, TypeError) as error:
        raise SendFailed(
            "the token response is not an OAuth 2 access token", permanent=True
        ) from error
    _tokens[platform.id] = (token, time.monotonic() + max(lifetime - 60, 30))
    return token


def _raise_for(response: httpx.Response, what: str) -> None:
    if response.is_success:
        return
    code = response.status_code
    permanent = 400 <= code < 500 and code not in (401, 408, 429)
    raise SendFailed(f"{what}: HTTP {code} {response.text[:200]}", permanent=permanent)


def send_score(delivery: OutboundDelivery) -> None:
    """Hand one queued score to the platform's AGS score service (the outbox's sender)."""
    payload = delivery.payload
    platform = db.session.get(Platform, payload.get("platform_id"))
    if platform is None:
        raise SendFailed("the platform is no longer registered", permanent=True)
    for attempt in range(2):
        token = _access_token(platform, fresh=attempt > 0)
        try:
            response = httpx.post(
                _scores_url(payload["lineitem"]),
                json=payload["score"],
                headers={
                    "Authorization": f"Bearer {token}",
                    "Content-Type": "application/vnd.ims.lis.v1.score+json",
                },
                timeout=TIMEOUT,
            )
        except httpx.HTTPError as error:
            raise SendFailed(f"score post failed: {error}") from error
        if response.status_code == 401 and attempt == 0:
            continue  # the token expired early: one fresh token, once
        _raise_for(response, "score post")
        return
