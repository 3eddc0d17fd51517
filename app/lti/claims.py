"""What a verified id_token must say before Groundwork acts on it (pure: no app, no network).

The signature, ``exp``, ``iat``, ``iss`` and ``aud`` are checked by PyJWT in
``services.verify_id_token``; this module checks the LTI rules on the decoded claims
(LTI 1.3 core, section 5.3 and the OIDC id_token rules it points to) and reads out what
a launch needs, so every refusal names its reason.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

LTI = "https://purl.imsglobal.org/spec/lti/claim/"
DL = "https://purl.imsglobal.org/spec/lti-dl/claim/"
AGS = "https://purl.imsglobal.org/spec/lti-ags/claim/"
RESOURCE_LINK_REQUEST = "LtiResourceLinkRequest"
DEEP_LINKING_REQUEST = "LtiDeepLinkingRequest"
MESSAGE_TYPES = (RESOURCE_LINK_REQUEST, DEEP_LINKING_REQUEST)
#: Role URIs (LTI 1.3 appendix A.2) that make someone course staff for the launch's course.
STAFF_ROLES = frozenset(
    {
        "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor",
        "http://purl.imsglobal.org/vocab/lis/v2/membership#ContentDeveloper",
        "http://purl.imsglobal.org/vocab/lis/v2/membership/Instructor#TeachingAssistant",
    }
)


class LaunchRefused(Exception):
    """A launch Groundwork will not act on; the message is safe to show the person."""


@dataclass(frozen=True)
class Launch:
    """What a checked launch says."""

    message_type: str
    sub: str
    deployment_id: str
    name: str
    email: str
    is_staff: bool
    target: str
    link_id: str = ""
    lineitem_url: str | None = None
    deep_link_return_url: str = ""
    deep_link_data: str | None = None
    document_target: str = "iframe"
    roles: tuple[str, ...] = field(default_factory=tuple)


def _text(value: Any, limit: int = 300) -> str:
    return value.strip()[:limit] if isinstance(value, str) else ""


def check_claims(
    claims: Mapping[str, Any],
    *,
    client_id: str,
    nonce: str,
    deployment_ids: Sequence[str],
) -> Launch:
    """Apply the LTI rules to signature-checked claims; LaunchRefused names the first broken."""
    audience = claims.get("aud")
    audiences = audience if isinstance(audience, list) else [audience]
    azp = claims.get("azp")
    if len(audiences) > 1 and azp is None:
        raise LaunchRefused("The launch names several audiences but no authorised party (azp).")
    if azp is not None and azp != client_id:
        raise LaunchRefused("The launch was issued for another tool (azp).")
    if not isinstance(claims.get("nonce"), str) or claims["nonce"] != nonce:
        raise LaunchRefused("The launch's nonce does not match this sign-in.")
    if claims.get(LTI + "version") != "1.3.0":
        raise LaunchRefused("The launch is not LTI version 1.3.0.")
    message_type = claims.get(LTI + "message_type")
    if message_type not in MESSAGE_TYPES:
        raise LaunchRefused("The launch's message type is not one Groundwork accepts.")
    deployment_id = claims.get(LTI + "deployment_id")
    if not isinstance(deployment_id, str) or deployment_id not in deployment_ids:
        raise LaunchRefused("The launch names a deployment this platform has not registered.")
    sub = _text(claims.get("sub"), 255)
    if not sub:
        raise LaunchRefused("The launch does not say who the learner is (sub).")
    roles = claims.get(LTI + "roles")
    if not isinstance(roles, list) or not all(isinstance(r, str) for r in roles):
        raise LaunchRefused("The launch's roles claim is missing or malformed.")
    is_staff = any(role in STAFF_ROLES for role in roles)
    presentation = claims.get(LTI + "launch_presentation")
    document_target = "iframe"
    if isinstance(presentation, dict) and presentation.get("document_target") in (
        "window",
        "frame",
        "iframe",
    ):
        document_target = presentation["document_target"]
    common: dict[str, Any] = {
        "message_type": message_type,
        "sub": sub,
        "deployment_id": deployment_id,
        "name": _text(claims.get("name"), 200),
        "email": _text(claims.get("email"), 254),
        "is_staff": is_staff,
        "roles": tuple(roles),
        "document_target": document_target,
    }
    if message_type == DEEP_LINKING_REQUEST:
        settings = claims.get(DL + "deep_linking_settings")
        if not isinstance(settings, dict) or not _text(settings.get("deep_link_return_url"), 500):
            raise LaunchRefused("The deep-linking request has no return URL.")
        if not is_staff:
            raise LaunchRefused("Only an instructor can choose what to link.")
        data = settings.get("data")
        return Launch(
            **common,
            target="",
            deep_link_return_url=settings["deep_link_return_url"],
            deep_link_data=data if isinstance(data, str) else None,
        )
    link = claims.get(LTI + "resource_link")
    if not isinstance(link, dict) or not _text(link.get("id"), 255):
        raise LaunchRefused("The launch has no resource link.")
    custom = claims.get(LTI + "custom")
    target = _text(custom.get("target"), 250) if isinstance(custom, dict) else ""
    if not target:
        raise LaunchRefused("This link does not name a Groundwork course, module or quiz.")
    endpoint = claims.get(AGS + "endpoint")
    lineitem = endpoint.get("lineitem") if isinstance(endpoint, dict) else None
    return Launch(
        **common,
        target=target,
        link_id=_text(link["id"], 255),
        lineitem_url=lineitem if isinstance(lineitem, str) and lineitem else None,
    )


def parse_target(target: str) -> tuple[str, str, str]:
    """``course:slug`` -> (course, slug, ""); ``module:slug/m``, ``quiz:slug/m`` and
    ``case:slug/m`` (a module's case simulation) likewise.

    ValueError for anything else.
    """
    kind, _, rest = target.partition(":")
    course, _, module = rest.partition("/")
    if kind == "course" and course and not module:
        return kind, course, ""
    if kind in ("module", "quiz", "case") and course and module and "/" not in module:
        return kind, course, module
    raise ValueError(f"not a Groundwork target: {target!r}")
