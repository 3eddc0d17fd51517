"""Inside the LMS's iframe: which pages it may frame, and the cookie a framed session needs.

Only for LTI: the launch pages (``/lti/...``) and the pages of a session that an LTI launch
signed in may be framed, and only by registered platforms' origins (CSP
``frame-ancestors``); everything else keeps ``frame-ancestors 'none'``. A framed session's
cookie is ``SameSite=None; Secure``, which a third-party iframe needs to send it at all;
every other session keeps the site's ``Lax`` cookie. Where the browser blocks third-party
cookies anyway, the launch offers a new window (``routes.open_target``).
"""

from __future__ import annotations

from flask import Flask, Response, request, session
from flask.sessions import SecureCookieSessionInterface

from app.security import CONTENT_SECURITY_POLICY

#: Set in the session by a launch; the cookie and headers below follow it.
FRAMED = "lti_framed"


class LtiSessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie session, with the third-party cookie attributes for LTI sessions."""

    def get_cookie_samesite(self, app: Flask) -> str | None:
        """``None`` for a session an LTI launch made (it lives in the platform's iframe)."""
        if session.get(FRAMED):
            return "None"
        return super().get_cookie_samesite(app)

    def get_cookie_secure(self, app: Flask) -> bool:
        """Browsers accept ``SameSite=None`` only on a Secure cookie."""
        return bool(session.get(FRAMED)) or super().get_cookie_secure(app)


def policy_for(origins: list[str], extra_form_action: str = "") -> str:
    """The site's CSP with ``frame-ancestors`` opened to ``origins`` (and a form target)."""
    ancestors = " ".join(["'self'", *origins])
    policy = CONTENT_SECURITY_POLICY.replace(
        "frame-ancestors 'none'", f"frame-ancestors {ancestors}"
    )
    if extra_form_action:
        policy = policy.replace("form-action 'self'", f"form-action 'self' {extra_form_action}")
    return policy


def _frame_for_platforms(response: Response) -> Response:
    if not (request.path.startswith("/lti/") or session.get(FRAMED)):
        return response
    if request.path.startswith(("/admin/", "/lti/jwks")):
        return response
    from app.lti.services import frame_ancestors

    current = response.headers.get("Content-Security-Policy", "")
    if "frame-ancestors 'none'" not in current and current:
        response.headers.pop("X-Frame-Options", None)
        return response  # a view set its own (the deep-linking reply)
    response.headers["Content-Security-Policy"] = policy_for(frame_ancestors())
    response.headers.pop("X-Frame-Options", None)  # CSP frame-ancestors says who may frame
    return response


def init_app(app: Flask) -> None:
    """Use the LTI-aware session cookie and open framing on LTI pages.

    Called before ``security.init_app``: Flask runs after-request functions in reverse
    order, so this one sees the site's headers and replaces them on LTI pages only.
    """
    app.session_interface = LtiSessionInterface()
    app.after_request(_frame_for_platforms)
