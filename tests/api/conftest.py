"""Fixtures for the JSON API: tokens for each role, and a course some learners finished."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from app.accounts.models import Role, User
from app.api import services
from app.catalog.models import Course
from app.certificates.models import Certificate
from tests.certificates.helpers import earn_certificate
from tests.factories import make_course


def bearer(token: str) -> dict[str, str]:
    """The Authorization header for ``token``."""
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def token_for(app):  # type: ignore[no-untyped-def]
    """``token_for(user, scopes="read")``: a personal access token's text."""

    def make(user: User, scopes: str = "read", days: int = 30) -> str:
        return services.create_personal_token(user, "test", scopes, days).secret

    return make


@dataclass
class World:
    """A published course; ``alice`` earned its certificate, ``bob`` only enrolled."""

    course: Course
    alice: User
    bob: User
    admin: User
    certificate: Certificate


@pytest.fixture
def world(client, make_user, sign_in) -> World:  # type: ignore[no-untyped-def]
    """The course, two learners and an administrator, built through the pages."""
    course = make_course(modules=1)
    alice = sign_in()
    certificate = earn_certificate(client, course, alice.id)
    client.post("/sign-out")
    bob = sign_in()
    client.post(f"/courses/{course.slug}/enroll")
    client.post("/sign-out")
    admin = make_user(Role.ADMIN)
    return World(course, alice, bob, admin, certificate)


def json_of(response: Any) -> Any:
    """The response's JSON, whatever its JSON media type (problem+json included)."""
    import json

    return json.loads(response.get_data(as_text=True))
