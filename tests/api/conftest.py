"""Fixtures for the JSON API: tokens for each role, and a course some learners finished."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import select

from app.accounts.models import Role, User
from app.api import services
from app.catalog.models import Course
from app.certificates.models import Certificate
from app.db import db
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
def world(client, make_user, sign_in, built_database) -> World:  # type: ignore[no-untyped-def]
    """The course, two learners and an administrator, built through the pages once per
    worker (``built_database``) and read back by their addresses in every test."""

    def build() -> None:
        course = make_course(modules=1)
        alice = sign_in(user=make_user(email="alice@example.com"))
        earn_certificate(client, course, alice.id)
        client.post("/sign-out")
        sign_in(user=make_user(email="bob@example.com"))
        client.post(f"/courses/{course.slug}/enroll")
        client.post("/sign-out")
        make_user(Role.ADMIN, email="admin@example.com")

    built_database("api-world", build)
    users = {user.email: user for user in db.session.scalars(select(User))}
    # Accounts the test makes next are numbered after these, as if it had made them.
    make_user.count = len(users)
    alice = users["alice@example.com"]
    certificate = db.session.scalar(select(Certificate).where(Certificate.user_id == alice.id))
    course = db.session.get(Course, certificate.course_id) if certificate else None
    assert certificate is not None and course is not None
    return World(course, alice, users["bob@example.com"], users["admin@example.com"], certificate)


def json_of(response: Any) -> Any:
    """The response's JSON, whatever its JSON media type (problem+json included)."""
    import json

    return json.loads(response.get_data(as_text=True))
