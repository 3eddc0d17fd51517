"""Schemathesis drives every operation of the live OpenAPI document, as each role.

For each operation and each kind of caller (a learner's read token, an administrator's
read-write token), Schemathesis generates requests from the document (valid ones, and
invalid ones that must be refused) and runs its checks on every response: no 5xx, the
status documented, the body valid against the documented schema, the content type and
headers as documented, and operations that need a token refused without one. The
examples are bounded so the run stays within the suite's budget.

One check is left out: "a schema-valid request is accepted". The API refuses, with the
documented 400 or 422, values no schema can rule out: a cursor it never gave out, a
course slug that names no course, ``from`` after ``to``, a webhook URL that is not
https. tests/api/test_api.py asserts each of those refusals.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import positive_data_acceptance

from app.accounts.models import Role
from app.api import services
from app.catalog.models import Course
from tests.api.conftest import bearer
from tests.certificates.helpers import earn_certificate
from tests.factories import make_course

HOST = "groundwork.test"


@pytest.fixture
def api_schema(app, client, built_database):  # type: ignore[no-untyped-def]
    """The document as the running app serves it, with a course a learner has finished."""

    def build() -> None:
        from tests.conftest import UserFactory

        course = make_course(modules=1)
        users = UserFactory()
        learner = users(Role.LEARNER, email="api-learner@example.com")
        users(Role.ADMIN, email="api-admin@example.com")
        client.post("/sign-in", data={"email": learner.email, "password": users.password})
        earn_certificate(client, course, learner.id)
        client.post("/sign-out")

    built_database("schemathesis-world", build)
    # Limits would turn generated requests into 429s rather than exercise the handlers.
    app.config.update(
        API_RATE_LIMIT="100000 per minute",
        VERIFY_LIMIT_PER_IP="100000 per minute",
        OAUTH_TOKEN_LIMIT="100000 per minute",
    )
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app, headers={"Host": HOST})


def _token(email: str, scopes: str) -> str:
    from sqlalchemy import select

    from app.accounts.models import User
    from app.db import db

    user = db.session.scalar(select(User).where(User.email == email))
    assert user is not None
    assert db.session.scalar(select(Course.id)) is not None
    return services.create_personal_token(user, "schemathesis", scopes, 1).secret


BOUNDED = settings(
    max_examples=10,
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)


def _exercise(api_schema, headers: dict[str, str]) -> list[str]:  # type: ignore[no-untyped-def]
    """Run every operation in both modes; return what each failing one reported.

    (The pytest plugin's lazy schemas name test items in a way pytest 9 no longer
    allows, so the operations are walked here, one Hypothesis run each.)
    """
    failures: list[str] = []
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 16
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @BOUNDED
            @given(case=operation.as_strategy(generation_mode=mode))
            def run(case) -> None:  # type: ignore[no-untyped-def]
                case.call_and_validate(headers=headers, excluded_checks=[positive_data_acceptance])

            try:
                run()
            except Exception as error:  # each operation's failure is collected, then shown
                failures.append(
                    f"{operation.method.upper()} {operation.path} ({mode.value}): {error}"
                )
    return failures


def test_every_operation_keeps_to_the_document_for_a_learner(api_schema):  # type: ignore[no-untyped-def]
    headers = {"Host": HOST, **bearer(_token("api-learner@example.com", "read"))}
    failures = _exercise(api_schema, headers)
    assert not failures, "\n\n".join(failures)


def test_every_operation_keeps_to_the_document_for_an_administrator(api_schema):  # type: ignore[no-untyped-def]
    headers = {"Host": HOST, **bearer(_token("api-admin@example.com", "read write"))}
    failures = _exercise(api_schema, headers)
    assert not failures, "\n\n".join(failures)
