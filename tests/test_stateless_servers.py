"""Two application servers behind one database and one Redis serve a learner alike.

``docs/deploy.md`` says the app servers hold no state, so a provider can add machines.
Here two real Gunicorn servers, each with its own instance folder, share only what the
deployment guide says they share: the database, Redis, ``SECRET_KEY`` and the signing
key file. A learner moves between them request by request, as a load balancer would
send them. A third server with another ``SECRET_KEY`` shows the test can tell.
"""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from app.certificates.openbadges.keys import SIGNING_KEY_FILENAME, load_or_create_signing_key
from app.config import PROJECT_ROOT
from tests.conftest import REDIS_URL
from tests.factories import make_course

CSRF_FIELD = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
START_SECONDS = 60


def free_port() -> int:
    """A loopback port nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def gunicorn(environment: dict[str, str], log: Path) -> Iterator[str]:
    """A production Gunicorn (one worker, ``gunicorn.conf.py``) serving ``wsgi:app``."""
    port = free_port()
    env = {**os.environ, **environment, "GUNICORN_WORKERS": "1"}
    command = [sys.executable, "-m", "gunicorn", "wsgi:app", "--bind", f"127.0.0.1:{port}"]
    with log.open("w") as output:
        server = subprocess.Popen(  # noqa: S603 (our own interpreter and app)
            command, cwd=PROJECT_ROOT, env=env, stdout=output, stderr=subprocess.STDOUT
        )
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + START_SECONDS
            while True:
                try:
                    urllib.request.urlopen(base + "/sign-in", timeout=5).close()  # noqa: S310
                    break
                except OSError:
                    if server.poll() is not None or time.monotonic() > deadline:
                        pytest.fail(f"Gunicorn did not start:\n{log.read_text()}")
                    time.sleep(0.2)
            yield base
        finally:
            server.terminate()
            server.wait(timeout=30)


def loopback(url: str, data: bytes | None = None) -> urllib.request.Request:
    """A request to one of this test's own servers, never anywhere else."""
    assert url.startswith("http://127.0.0.1:"), url
    return urllib.request.Request(url, data=data)  # noqa: S310 (checked just above)


class Visitor:
    """One browser: one cookie jar, sent to whichever server a request goes to."""

    def __init__(self) -> None:
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), _NoRedirects()
        )
        self.token = ""

    def get(self, url: str) -> tuple[int, str]:
        """GET; remember the page's CSRF token, as its forms would carry it."""
        status, body = self._open(loopback(url))
        match = CSRF_FIELD.search(body)
        if match:
            self.token = match.group(1)
        return status, body

    def post(self, url: str, **fields: str) -> int:
        """POST a form with the token last seen, on whichever server served it."""
        data = urllib.parse.urlencode({"csrf_token": self.token, **fields}).encode()
        return self._open(loopback(url, data))[0]

    def _open(self, request: urllib.request.Request) -> tuple[int, str]:
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:  # 3xx, 4xx: the status is the answer
            return error.code, error.read().decode()


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *_args: object, **_kwargs: object) -> None:
        return None


def test_a_learner_moves_between_two_servers_that_share_only_the_database_and_redis(
    app, database_url, make_user, redis_prefix, tmp_path
):
    course = make_course(modules=1)
    learner = make_user(email="moving@example.com")
    first, second = tmp_path / "first", tmp_path / "second"
    load_or_create_signing_key(first)
    second.mkdir()
    shutil.copy2(first / SIGNING_KEY_FILENAME, second / SIGNING_KEY_FILENAME)
    shared = {
        "DATABASE_URL": database_url,
        "RATELIMIT_STORAGE_URI": REDIS_URL,
        "RATELIMIT_KEY_PREFIX": redis_prefix,
        "SECRET_KEY": secrets.token_hex(32),
    }

    with (
        gunicorn({**shared, "GROUNDWORK_INSTANCE": str(first)}, tmp_path / "a.log") as a,
        gunicorn({**shared, "GROUNDWORK_INSTANCE": str(second)}, tmp_path / "b.log") as b,
        gunicorn(
            {**shared, "GROUNDWORK_INSTANCE": str(second), "SECRET_KEY": secrets.token_hex(32)},
            tmp_path / "other-secret.log",
        ) as other_secret,
    ):
        visitor = Visitor()
        visitor.get(a + "/sign-in")
        assert visitor.post(b + "/sign-in", email=learner.email, password=make_user.password) == 302

        status, page = visitor.get(a + "/dashboard")
        assert status == 200 and learner.legal_name in page
        assert visitor.post(b + f"/courses/{course.slug}/enroll") == 302
        status, page = visitor.get(a + "/dashboard")
        assert status == 200 and course.title in page
        status, _ = visitor.get(b + f"/courses/{course.slug}/continue")
        assert status == 302

        # A server with another SECRET_KEY cannot read the session: sign in again.
        status, _ = visitor.get(other_secret + "/dashboard")
        assert status == 302

        # Failed sign-ins count once, whichever server they reach (5 a minute per account).
        stranger = Visitor()
        stranger.get(a + "/sign-in")
        for server in (a, b, a, b, a):
            assert stranger.post(server + "/sign-in", email=learner.email, password="wrong") == 200
        assert stranger.post(b + "/sign-in", email=learner.email, password="wrong") == 429

        # Both publish the same signing key, so a credential either signs verifies at both.
        published = {
            method["publicKeyMultibase"]
            for server in (a, b)
            for method in json.loads(visitor.get(server + "/keys/certificates")[1])[
                "verificationMethod"
            ]
        }
        assert len(published) == 1
