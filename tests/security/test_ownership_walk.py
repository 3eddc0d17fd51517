"""Someone else's objects, walked from the URL map: every method answers 403 or 404.

Each route whose address names something that belongs to someone (a learner's quiz
attempt or certificate, a course's authoring, insight and records pages) is requested
with the real object's address, by every method it takes, by signed-in users who do
not own it; none gets in and nothing in the database changes. The owner's GET reaches
the object, so a refusal is never just a wrong address. A new route with a path
parameter fails `test_every_route_with_a_parameter_has_an_ownership_rule` until it is
given an owner here or listed as not owned, with the reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pytest
from werkzeug.routing import Rule

from tests.conftest import make_app
from tests.security.databases import app_on_copy
from tests.security.snapshot import changed_tables, snapshot
from tests.security.test_fuzz_pages import known_values
from tests.security.world import World, sign_in

_PARAMETER = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")


@dataclass(frozen=True)
class Ownership:
    """Routes under ``prefix`` belong to ``owner``; each of ``outsiders`` must be refused.

    ``members`` share the object without the owner's rights (a co-instructor): they are
    told no on the page rather than given a 403, and nothing may change either.
    """

    prefix: str
    owner: str
    outsiders: tuple[str, ...]
    members: tuple[str, ...] = ()


#: Who owns what in the world (tests/security/world.py). Longer prefixes win.
OWNERSHIP = (
    # The reader's quiz attempt: another learner and an instructor are refused.
    Ownership("/attempts/<int:attempt_id>", "reader", ("holder", "spare")),
    # The holder's certificate, its PDF, credential and correction request.
    Ownership("/certificates/<public_id>", "holder", ("reader", "spare")),
    # A course's drafts, preview, publishing, insight and export: its team only.
    Ownership("/teaching/<slug>", "owner", ("spare", "reader")),
    # Changing the team and archiving: the course's owner, not a co-instructor.
    Ownership("/teaching/<slug>/team/<int:user_id>/remove", "owner", ("spare", "reader"), ("co",)),
    Ownership("/teaching/<slug>/team/<int:user_id>/owner", "owner", ("spare", "reader"), ("co",)),
    Ownership("/teaching/<slug>/archive", "owner", ("spare", "reader"), ("co",)),
    # The reader's runs of a case (their debriefs): other learners enrolled in the course.
    Ownership(
        "/courses/<course_slug>/cases/<int:case_id>/runs/<int:run_id>",
        "reader",
        ("holder", "finisher"),
    ),
    # Records for accreditors: the course's team (and administrators) only.
    Ownership("/records/<slug>", "owner", ("spare", "reader")),
)

#: Routes with a parameter that names nothing owned by a user other than the requester.
NOT_OWNED = {
    # Administrators only, by role (tests/test_access.py); no one owns these.
    "/admin/certificates/<public_id>": "role",
    "/admin/certificates/<public_id>/revoke": "role",
    "/admin/mail/<int:message_id>/retry": "role",
    "/admin/deliveries/<int:delivery_id>/retry": "role",
    "/admin/lti/<int:platform_id>/remove": "role",
    "/admin/api-clients/<int:client_id>/revoke": "role",
    # The provider's subscriptions: any administrator manages any (as the API does).
    "/admin/webhooks/<int:webhook_id>/delete": "role",
    # The JSON API: public reads, and webhooks any administrator's write token may manage.
    "/api/v1/courses/<slug>": "public",
    "/api/v1/certificates/<certificate_id>/verification": "public",
    "/api/v1/webhooks/<int:webhook_id>": "role",
    # Looked up by id and the signed-in user together: another user's token is a 404
    # (tests/api/test_oauth_and_pages.py::test_another_users_token_cannot_be_revoked).
    "/account/tokens/<int:token_id>/revoke": "session",
    "/admin/ce-claims/<int:review_id>": "role",
    "/admin/ce-claims/<int:review_id>/approve": "role",
    "/admin/ce-claims/<int:review_id>/decline": "role",
    "/admin/users/<int:user_id>/active": "role",
    "/admin/users/<int:user_id>/anonymise": "role",
    "/admin/users/<int:user_id>/sign-out": "role",
    "/admin/users/<int:user_id>/role": "role",
    "/admin/corrections/<int:correction_id>": "role",
    "/admin/corrections/<int:correction_id>/approve": "role",
    "/admin/corrections/<int:correction_id>/decline": "role",
    # A bundled JSON-LD context, the same for everyone.
    "/contexts/<name>": "public",
    # A published course: the learner's own enrollment, progress, attempt, evaluation and
    # certificate are found from the session, never from the address.
    "/courses/<slug>": "public",
    "/courses/<slug>/enroll": "session",
    "/courses/<slug>/continue": "session",
    "/courses/<slug>/certificate": "session",
    "/courses/<slug>/attest": "session",
    "/courses/<slug>/evaluation": "session",
    "/courses/<course_slug>/<module_slug>/<lesson_slug>": "session",
    "/courses/<course_slug>/<module_slug>/<lesson_slug>/complete": "session",
    "/courses/<course_slug>/quizzes/<int:quiz_id>": "session",
    "/courses/<course_slug>/quizzes/<int:quiz_id>/start": "session",
    # The signed-in learner's own choice at a lesson's or quiz's advisory (the step must
    # exist; the step's pages still check enrollment and order): tests/delivery.
    "/advisories/<kind>/<int:step_id>": "session",
    # The case player: the learner's run in progress is found from the session; a run named
    # in a form must be the learner's own (tests/cases/test_player.py tries another's).
    "/courses/<course_slug>/cases/<int:case_id>": "session",
    "/courses/<course_slug>/cases/<int:case_id>/choose": "session",
    "/courses/<course_slug>/cases/<int:case_id>/replay": "session",
    # Anyone may verify a certificate: that is its purpose.
    "/verify/<public_id>": "public",
    # The signed, expiring token is the proof of ownership (tests/accounts).
    "/confirm/<token>": "token",
    "/reset-password/<token>": "token",
    # LTI: a one-time random ticket from the launch, not the address, names the learner.
    "/lti/open/<token>": "token",
    "/lti/link/<token>": "token",
    "/lti/deep-link/<token>": "token",
    "/static/<path:filename>": "public",
}


def ownership_of(rule: str) -> Ownership | None:
    """The most specific ownership rule covering ``rule``, if any."""
    matches = [o for o in OWNERSHIP if rule == o.prefix or rule.startswith(o.prefix + "/")]
    return max(matches, key=lambda o: len(o.prefix), default=None)


def _rules() -> list[Rule]:
    return list(make_app("sqlite://").url_map.iter_rules())


def _owned_routes() -> list[tuple[str, str]]:
    """(rule, method) for every method of every owned route."""
    return sorted(
        (rule.rule, method)
        for rule in _rules()
        if ownership_of(rule.rule)
        for method in (rule.methods or set()) - {"HEAD", "OPTIONS"}
    )


def _address(rule: str, world: World) -> str:
    values = {
        **known_values(world),
        "user_id": world.users["co"],
        "kind": "lessons",
        "item_slug": "lesson-1",
        "action": "down",
    }
    return _PARAMETER.sub(lambda m: str(values[m.group(1)]), rule)


def _request(client: Any, method: str, address: str) -> Any:
    if method == "GET":
        return client.get(address)
    if method == "POST":
        return client.post(address, data={})  # with a valid CSRF token
    return client.open(address, method=method)


@pytest.fixture(scope="module")
def site(world_database: tuple[str, World], tmp_path_factory: pytest.TempPathFactory) -> Any:
    """One copy of the world, with a signed-in client for each of its people."""
    url, world = world_database
    with app_on_copy("owners", tmp_path_factory.mktemp("owners"), url) as app:
        clients = {}
        for name in world.users:
            clients[name] = app.test_client()
            sign_in(clients[name], world.emails[name])
        yield app, world, clients


def test_every_route_with_a_parameter_has_an_ownership_rule() -> None:
    """A new route naming an object fails here until it says who owns that object."""
    rules = {rule.rule for rule in _rules()}
    unknown = {
        rule
        for rule in rules
        if "<" in rule and ownership_of(rule) is None and rule not in NOT_OWNED
    }
    assert unknown == set()
    assert rules >= set(NOT_OWNED), "a route listed as not owned no longer exists"


@pytest.mark.parametrize(("rule", "method"), _owned_routes())
def test_no_one_but_the_owner_reaches_an_owned_object(rule: str, method: str, site: Any) -> None:
    app, world, clients = site
    owner = ownership_of(rule)
    assert owner is not None
    address = _address(rule, world)
    engine = app.extensions["db_engine"]
    before = snapshot(engine)
    for outsider in owner.outsiders:
        response = _request(clients[outsider], method, address)
        assert response.status_code in {403, 404}, f"{outsider}: {method} {address}"
    for member in owner.members:
        response = _request(clients[member], method, address)
        assert response.status_code < 500, f"{member}: {method} {address}"
    assert changed_tables(before, snapshot(engine)) == []
    if method == "GET":
        reached = clients[owner.owner].get(address)
        assert reached.status_code in {200, 302}, f"{owner.owner} could not reach {address}"
