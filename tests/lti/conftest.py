"""Fixtures: a course, a real LTI platform (lti1p3platform) registered by an administrator."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from urllib.parse import urlsplit

import pytest

from app.accounts.models import Role
from app.lti import keys, services
from tests.factories import make_course
from tests.lti import platform as platform_module
from tests.lti.platform import TestPlatform, form_fields


@pytest.fixture(autouse=True)
def _fresh_caches() -> Iterator[None]:
    """Key sets and access tokens are cached per process: each test starts without them."""
    services._key_sets.clear()
    services._tokens.clear()
    yield
    services._key_sets.clear()
    services._tokens.clear()


class KeyPool:
    """RSA keys made once per worker and handed out in order, from the first in each test.

    A 2,048-bit key takes about 50 ms to generate and these tests asked for about 85 of
    them; within one test every key handed out is still a different key, so a rotation
    still signs with a new one and the platform never shares the tool's key.
    """

    def __init__(self, make: Callable[[], bytes]) -> None:
        """Keys come from ``make`` the first time each place in the order is reached."""
        self.make, self.made, self.next = make, [], 0

    def restart(self) -> None:
        """Hand out the keys again from the first (a new test begins)."""
        self.next = 0

    def take(self) -> bytes:
        """The next key of this test."""
        if self.next == len(self.made):
            self.made.append(self.make())
        self.next += 1
        return self.made[self.next - 1]


#: One pool for the tool's keys and the platforms' keys alike, so no two are the same.
_KEYS = KeyPool(keys._new_pem)


@pytest.fixture(autouse=True)
def _pooled_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    """The tool and the test platforms take their keys from this worker's pool."""
    _KEYS.restart()
    monkeypatch.setattr(keys, "_new_pem", _KEYS.take)
    monkeypatch.setattr(platform_module, "new_private_key", lambda: _KEYS.take().decode())


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
