"""Every protected route: anonymous visitors are sent to sign in, the wrong role gets 403."""

from __future__ import annotations

import pytest

from app.accounts.models import Role

# (method, path, roles allowed). Public routes are listed in PUBLIC and checked too.
PROTECTED = [
    ("GET", "/dashboard", {Role.LEARNER, Role.INSTRUCTOR, Role.ADMIN}),
    ("GET", "/account", {Role.LEARNER, Role.INSTRUCTOR, Role.ADMIN}),
    ("GET", "/account/password", {Role.LEARNER, Role.INSTRUCTOR, Role.ADMIN}),
    ("GET", "/admin/users", {Role.ADMIN}),
    ("POST", "/admin/users/1/role", {Role.ADMIN}),
    ("POST", "/admin/users/1/active", {Role.ADMIN}),
    ("POST", "/admin/users/1/sign-out", {Role.ADMIN}),
    ("GET", "/admin/users/1/anonymise", {Role.ADMIN}),
    ("POST", "/admin/users/1/anonymise", {Role.ADMIN}),
    ("GET", "/admin/certificates", {Role.ADMIN}),
    ("GET", "/admin/corrections", {Role.ADMIN}),
    ("GET", "/admin/audit", {Role.ADMIN}),
    ("GET", "/admin/audit.csv", {Role.ADMIN}),
    ("GET", "/admin/mail", {Role.ADMIN}),
    ("POST", "/admin/mail/1/retry", {Role.ADMIN}),
    ("GET", "/admin/deliveries", {Role.ADMIN}),
    ("POST", "/admin/deliveries/1/retry", {Role.ADMIN}),
    ("GET", "/admin/ce-claims/", {Role.ADMIN}),
    ("GET", "/admin/crisis-lines", {Role.ADMIN}),
    ("POST", "/admin/crisis-lines", {Role.ADMIN}),
    ("GET", "/admin/lti", {Role.ADMIN}),
    ("POST", "/admin/lti/1/remove", {Role.ADMIN}),
    ("POST", "/admin/lti/rotate-key", {Role.ADMIN}),
    ("GET", "/records/", {Role.INSTRUCTOR, Role.ADMIN}),
    ("GET", "/teaching/", {Role.INSTRUCTOR, Role.ADMIN}),
    ("GET", "/teaching/new", {Role.INSTRUCTOR, Role.ADMIN}),
    ("GET", "/teaching/import", {Role.INSTRUCTOR, Role.ADMIN}),
    ("GET", "/account/tokens", {Role.LEARNER, Role.INSTRUCTOR, Role.ADMIN}),
    ("GET", "/admin/api-clients", {Role.ADMIN}),
    ("GET", "/admin/webhooks", {Role.ADMIN}),
    ("POST", "/admin/webhooks/1/delete", {Role.ADMIN}),
]
# Routes on one course: the course's team and admins only. Every one of them, GET and POST,
# is tried with another instructor, a learner and a visitor in tests/authoring/test_access.py
# (and the insight page in tests/insight).
COURSE_TEAM_ROUTES = {
    "/teaching/<slug>",
    "/teaching/<slug>/discard",
    "/teaching/<slug>/export.zip",
    "/teaching/<slug>/insight",
    "/teaching/<slug>/modules/<module_slug>",
    "/teaching/<slug>/modules/<module_slug>/<action>",
    "/teaching/<slug>/modules/<module_slug>/<kind>/<item_slug>/<action>",
    "/teaching/<slug>/modules/<module_slug>/lessons/<lesson_slug>",
    "/teaching/<slug>/modules/<module_slug>/lessons/new",
    "/teaching/<slug>/modules/<module_slug>/questions/<question_slug>",
    "/teaching/<slug>/modules/<module_slug>/questions/new",
    "/teaching/<slug>/modules/new",
    "/teaching/<slug>/preview",
    "/teaching/<slug>/preview/<module_slug>/<lesson_slug>",
    "/teaching/<slug>/preview/<module_slug>/quiz",
    "/teaching/<slug>/publish",
    "/teaching/<slug>/settings",
    "/teaching/<slug>/blueprint",
    "/teaching/<slug>/team",
    "/teaching/<slug>/team/<int:user_id>/remove",
    "/teaching/<slug>/team/<int:user_id>/owner",
    "/teaching/<slug>/archive",
    "/teaching/<slug>/question-import",
    "/teaching/<slug>/question-import/confirm",
    "/teaching/<slug>/quizzes/<target>/qti.zip",
    "/teaching/<slug>/accommodations",
    "/teaching/<slug>/modules/<module_slug>/case/insight",  # also tests/cases/test_player.py
    "/teaching/<slug>/modules/<module_slug>/case",
    "/teaching/<slug>/modules/<module_slug>/case/remove",
    "/teaching/<slug>/modules/<module_slug>/case/preview",
    "/teaching/<slug>/modules/<module_slug>/case/scenes/new",
    "/teaching/<slug>/modules/<module_slug>/case/scenes/<scene_id>",
    "/teaching/<slug>/modules/<module_slug>/case/scenes/<scene_id>/remove",
}
# Open to every signed-in role; who owns which attempt is tested in tests/learning.
SIGNED_IN = [
    ("POST", "/courses/x/enroll"),
    ("GET", "/courses/x/continue"),
    ("GET", "/courses/x/m/lesson"),
    ("POST", "/courses/x/m/lesson/complete"),
    ("GET", "/courses/x/quizzes/1"),
    ("POST", "/courses/x/quizzes/1/start"),
    ("GET", "/attempts/1"),
    ("POST", "/attempts/1"),
    ("GET", "/attempts/1/result"),
    ("GET", "/pause"),
    ("POST", "/advisories/lesson/1"),
    ("GET", "/courses/x/cases/1"),
    ("POST", "/courses/x/cases/1/choose"),
    ("POST", "/courses/x/cases/1/replay"),
    ("GET", "/courses/x/cases/1/runs/1"),
    ("GET", "/courses/x/certificate"),
    ("POST", "/courses/x/attest"),
    ("GET", "/courses/x/evaluation"),
    ("POST", "/courses/x/evaluation"),
    ("GET", "/certificates/x"),
    ("GET", "/certificates/x/certificate.pdf"),
    ("GET", "/certificates/x/credential.json"),
    ("GET", "/certificates/x/correction"),
    ("POST", "/certificates/x/correction"),
    ("GET", "/transcript"),
    ("GET", "/account/delete"),
    ("POST", "/account/delete"),
    ("GET", "/transcript.csv"),
    ("GET", "/transcript.pdf"),
]
PUBLIC = [
    "/",
    "/sign-in",
    "/sign-up",
    "/forgot-password",
    "/sign-up/resend",
    "/sign-up/check-your-email",
    "/verify",
    "/verify/credential",
    "/keys/certificates",
    "/.well-known/did.json",
    "/contexts/credentials-v2.jsonld",
    "/healthz",  # the load balancer's probes (tests/health/test_health.py)
    "/readyz",
    "/dev/mail",  # development only, from this machine only (tests/mail/test_development.py)
    "/api",  # the API reference page
    "/openapi.json",  # the API document at the root, as at /api/v1/openapi.json
]


def _request(client, method: str, path: str):
    return client.get(path) if method == "GET" else client.post(path, data={})


@pytest.mark.parametrize(("method", "path", "allowed"), PROTECTED)
def test_anonymous_visitors_are_sent_to_sign_in(client, method, path, allowed):
    response = _request(client, method, path)
    assert response.status_code == 302
    assert "/sign-in" in response.location


@pytest.mark.parametrize(("method", "path"), SIGNED_IN)
def test_learning_pages_need_sign_in(client, method, path):
    response = _request(client, method, path)
    assert response.status_code == 302
    assert "/sign-in" in response.location


@pytest.mark.parametrize(("method", "path", "allowed"), PROTECTED)
@pytest.mark.parametrize("role", list(Role))
def test_each_role_gets_in_or_is_refused(client, make_user, sign_in, method, path, allowed, role):
    make_user(Role.LEARNER)  # user 1 exists as the target of the admin POST routes
    sign_in(role)
    response = _request(client, method, path)
    if role in allowed:
        assert response.status_code in {200, 302}
        assert "/sign-in" not in (response.location or "")
    else:
        assert response.status_code == 403
        assert "You do not have access to this page" in response.get_data(as_text=True)


@pytest.mark.parametrize("path", PUBLIC)
def test_public_pages_are_open(client, path):
    assert client.get(path).status_code == 200


def test_every_route_is_in_this_matrix(app):
    """A new route without an access rule here fails this test."""
    known = (
        COURSE_TEAM_ROUTES
        | {path for _, path, _ in PROTECTED}
        | set(PUBLIC)
        | {
            "/courses/<slug>",
            "/confirm/<token>",
            "/reset-password/<token>",
            "/sign-out",
            "/static/<path:filename>",
            "/admin/users/<int:user_id>/role",
            "/admin/users/<int:user_id>/active",
            "/admin/users/<int:user_id>/sign-out",
            "/admin/users/<int:user_id>/anonymise",
            "/admin/mail/<int:message_id>/retry",
            "/admin/deliveries/<int:delivery_id>/retry",
            "/courses/<slug>/enroll",
            "/courses/<slug>/continue",
            "/courses/<course_slug>/<module_slug>/<lesson_slug>",
            "/courses/<course_slug>/<module_slug>/<lesson_slug>/complete",
            "/courses/<course_slug>/quizzes/<int:quiz_id>",
            "/courses/<course_slug>/quizzes/<int:quiz_id>/start",
            "/attempts/<int:attempt_id>",
            "/attempts/<int:attempt_id>/result",
            "/pause",
            "/advisories/<kind>/<int:step_id>",
            # Case player: whose run is whose is tested in tests/cases/test_player.py
            "/courses/<course_slug>/cases/<int:case_id>",
            "/courses/<course_slug>/cases/<int:case_id>/choose",
            "/courses/<course_slug>/cases/<int:case_id>/replay",
            "/courses/<course_slug>/cases/<int:case_id>/runs/<int:run_id>",
            "/verify/<public_id>",
            "/courses/<slug>/certificate",
            "/courses/<slug>/attest",
            "/courses/<slug>/evaluation",
            "/certificates/<public_id>",
            "/certificates/<public_id>/certificate.pdf",
            "/certificates/<public_id>/credential.json",
            "/certificates/<public_id>/correction",
            "/transcript",
            "/account/delete",
            "/admin/certificates/<public_id>",
            "/admin/certificates/<public_id>/revoke",
            # Admins only (test_corrections.py::test_learners_do_not_reach_the_review)
            "/admin/corrections/<int:correction_id>",
            "/admin/corrections/<int:correction_id>/approve",
            "/admin/corrections/<int:correction_id>/decline",
            # Public: a JSON-LD context bundled for verifiers (404 for any other name).
            "/contexts/<name>",
            # Public, POST only, CSRF-exempt: the credential check as JSON.
            "/api/credentials/verify",
            # administrators only: tests/ceclaims/test_approval.py tries them as an instructor
            "/admin/ce-claims/<int:review_id>",
            "/admin/ce-claims/<int:review_id>/approve",
            "/admin/ce-claims/<int:review_id>/decline",
            "/records/<slug>",
            "/records/<slug>/completions.csv",
            "/records/<slug>/participants.csv",
            "/records/<slug>/evaluations.csv",
            "/records/<slug>/time-on-task.csv",
            "/transcript.csv",
            "/transcript.pdf",
            # LTI 1.3: public, each guarded by a one-time ticket, not a session (tests/lti)
            "/lti/jwks.json",
            "/lti/login",
            "/lti/launch",
            "/lti/open/<token>",
            "/lti/link/<token>",
            "/lti/deep-link/<token>",
            "/admin/lti/<int:platform_id>/remove",
            # A user's own token (another's is a 404: tests/api/test_oauth_and_pages.py).
            "/account/tokens/<int:token_id>/revoke",
            "/admin/api-clients/<int:client_id>/revoke",
            # Administrators only (in PROTECTED with id 1); any administrator's, as in the API.
            "/admin/webhooks/<int:webhook_id>/delete",
        }
        | {f"/api/v1{rule}" for rule in API_ROUTES}
    )
    routes = {rule.rule for rule in app.url_map.iter_rules()}
    assert routes - known == set()


# The JSON API (/api/v1): bearer tokens only, never the session. Each operation with the
# roles whose token it serves; None is public. Schemathesis (tests/api) drives every
# operation further; this walk holds the role rules.
API_ROUTES: dict[str, tuple[str, set[Role] | None]] = {
    "/openapi.json": ("GET", None),
    "/courses": ("GET", None),
    "/courses/<slug>": ("GET", None),
    "/certificates/<certificate_id>/verification": ("GET", None),
    "/oauth/token": ("POST", None),
    "/me": ("GET", set(Role)),
    "/me/enrollments": ("GET", set(Role)),
    "/me/attempts": ("GET", set(Role)),
    "/me/certificates": ("GET", set(Role)),
    "/me/transcript": ("GET", set(Role)),
    "/users": ("GET", {Role.ADMIN}),
    "/enrollments": ("GET", {Role.ADMIN}),
    "/completions": ("GET", {Role.ADMIN}),
    "/ce-records": ("GET", {Role.ADMIN}),
    "/webhooks": ("GET", {Role.ADMIN}),
    "/webhooks/<int:webhook_id>": ("DELETE", {Role.ADMIN}),
}


def _api_path(rule: str) -> str:
    return "/api/v1" + rule.replace("<int:webhook_id>", "1").replace("<slug>", "x").replace(
        "<certificate_id>", "GW-0000"
    )


@pytest.mark.parametrize("rule", [r for r, (_, roles) in API_ROUTES.items() if roles])
def test_api_operations_need_a_token_and_not_a_session(client, sign_in, rule):
    method, _ = API_ROUTES[rule]
    sign_in(Role.ADMIN)  # a signed-in browser's cookie is not a credential here
    response = client.open(_api_path(rule), method=method)
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"


@pytest.mark.parametrize("rule", [r for r, (_, roles) in API_ROUTES.items() if roles])
@pytest.mark.parametrize("role", list(Role))
def test_each_roles_token_gets_in_or_is_refused(client, make_user, rule, role):
    from app.api.services import create_personal_token

    method, allowed = API_ROUTES[rule]
    text = create_personal_token(make_user(role), "walk", "read write", 1).secret
    response = client.open(
        _api_path(rule), method=method, headers={"Authorization": f"Bearer {text}"}
    )
    if role in (allowed or set()):
        assert response.status_code in {200, 204, 404}, response.get_data(as_text=True)
    else:
        assert response.status_code == 403
        assert response.mimetype == "application/problem+json"


@pytest.mark.parametrize(
    ("role", "shown", "hidden"),
    [
        (Role.LEARNER, ["My learning", "Transcript"], ["Teaching", "Records", "Users"]),
        (Role.INSTRUCTOR, ["My learning", "Teaching", "Records"], ["Users"]),
        (Role.ADMIN, ["My learning", "Teaching", "Records", "Users"], []),
    ],
)
def test_each_role_sees_its_navigation(client, sign_in, role, shown, hidden):
    sign_in(role)
    nav = client.get("/dashboard").get_data(as_text=True).split('aria-label="Main"')[1]
    nav = nav.split("</nav>")[0]
    for label in shown:
        assert f">{label}</a>" in nav
    for label in hidden:
        assert f">{label}</a>" not in nav
