"""Fixtures: a course, a real LTI platform (lti1p3platform) registered by an administrator."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest

from app.accounts.models import Role
from app.lti import services
from tests.factories import make_course
from tests.lti.platform import TestPlatform, form_fields


@pytest.fixture(autouse=True)
def _fresh_caches() -> Iterator[None]:
    """Key sets and access tokens are cached per process: each test starts without them."""
    services._key_sets.clear()
    services._tokens.clear()
    yield
    services._key_sets.clear()
    services._tokens.clear()


@pytest.fixture(autouse=True)
def _own_instance_folder(request: pytest.FixtureRequest, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The tool's keys go to this test's folder, never the project's instance/."""
    if "app" in request.fixturenames:
        request.getfixturevalue("app").instance_path = str(tmp_path)


@pytest.fixture
def course(app):  # type: ignore[no-untyped-def]
    """A published course with two modules (each with a quiz)."""
    with app.app_context():
        made = make_course(modules_unlock_in_order=False)
        return made.slug


@pytest.fixture
def platform(app, client, make_user) -> Iterator[TestPlatform]:  # type: ignore[no-untyped-def]
    """A running platform, registered in Groundwork by an administrator through the form."""
    test_platform = TestPlatform(app.config["SITE_URL"])
    with test_platform.serving():
        admin = make_user(Role.ADMIN)
        admin_client = app.test_client()
        admin_client.post(
            "/sign-in", data={"email": admin.email, "password": "correct horse battery"}
        )
        response = admin_client.post("/admin/lti", data=test_platform.details)
        assert response.status_code == 302, response.get_data(as_text=True)
        test_platform.registration.set_tool_key_set(client.get("/lti/jwks.json").get_json())
        yield test_platform


def local(url: str) -> str:
    """The path and query of a URL on the tool (the test client's side)."""
    parts = urlsplit(url)
    return parts.path + ("?" + parts.query if parts.query else "")


def launch(client, platform: TestPlatform, scenario):  # type: ignore[no-untyped-def]
    """Play the OIDC launch: login initiation, the platform's auth response, the POST.

    Returns (the tool's response to the launch POST, the fields posted).
    """
    started = client.get(local(platform.login_url(scenario)))
    assert started.status_code == 302, started.get_data(as_text=True)
    assert started.location.startswith(platform.url + "/auth?")
    import httpx

    page = httpx.get(started.location, timeout=10)
    assert page.status_code == 200, page.text
    fields = form_fields(page.text)
    return client.post("/lti/launch", data=fields, csrf=False), fields
