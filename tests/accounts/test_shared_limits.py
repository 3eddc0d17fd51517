"""The sign-in limit is shared between workers when it is stored in Redis."""

from __future__ import annotations

import subprocess
import sys

import pytest

from app.accounts.models import Role
from app.config import PROJECT_ROOT
from tests.conftest import REDIS_URL, UserFactory, make_app

OTHER_WORKER = """
import sys
from tests.conftest import make_app
app = make_app(sys.argv[1], RATELIMIT_STORAGE_URI=sys.argv[2], RATELIMIT_KEY_PREFIX=sys.argv[3],
               SIGN_IN_LIMIT_PER_ACCOUNT="4 per minute")
client = app.test_client()
codes = [client.post("/sign-in", data={"email": "shared@example.com", "password": "wrong!"}
                     ).status_code for _ in range(4)]
print(codes)
"""


def run_other_worker(database_url: str, storage: str, prefix: str) -> str:
    """Four failed sign-ins from another process, as another gunicorn worker would see them."""
    result = subprocess.run(  # noqa: S603 (our own interpreter and script)
        [sys.executable, "-c", OTHER_WORKER, database_url, storage, prefix],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=PROJECT_ROOT,
        check=True,
    )
    return result.stdout.strip()


@pytest.mark.parametrize(("storage", "shared"), [(REDIS_URL, True), ("memory://", False)])
def test_the_sign_in_limit_is_shared_between_worker_processes_through_redis(
    database_url, request, storage, shared
):
    # Only the Redis case needs Redis (and is skipped without it); memory needs no server.
    redis_prefix = request.getfixturevalue("redis_prefix") if shared else "memory-test"
    worker = make_app(
        database_url,
        RATELIMIT_STORAGE_URI=storage,
        RATELIMIT_KEY_PREFIX=redis_prefix,
        SIGN_IN_LIMIT_PER_ACCOUNT="4 per minute",
    )
    with worker.app_context():
        user = UserFactory()(Role.LEARNER, email="shared@example.com")
    assert run_other_worker(database_url, storage, redis_prefix) == "[200, 200, 200, 200]"
    response = worker.test_client().post(
        "/sign-in", data={"email": user.email, "password": "correct horse battery"}
    )
    # With Redis this worker knows about the other's failures; with memory it cannot.
    assert response.status_code == (429 if shared else 302)
