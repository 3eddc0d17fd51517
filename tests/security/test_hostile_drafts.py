"""What an author saves in a draft is either refused as typed or publishes without a 500.

The forms check each field on its own; these values pass that check today and break
only later, when publishing writes them to columns that cannot hold them.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import make_app
from tests.security.cases import LESSON, SETTINGS
from tests.security.databases import scratch_database
from tests.security.world import COURSE, World, sign_in

LESSON_PAGE = f"/teaching/{COURSE}/modules/m1/lessons/lesson-1"
SETTINGS_PAGE = f"/teaching/{COURSE}/settings"
TRAPS = {
    "a NUL in a lesson": (LESSON_PAGE, {**LESSON, "body": "Go\x00 slowly."}),
    "a NUL in a lesson title": (LESSON_PAGE, {**LESSON, "title": "Pa\x00cing"}),
    "a NUL in the description": (SETTINGS_PAGE, {**SETTINGS, "description": "Tests\x00."}),
    "a NUL in the approval statement": (SETTINGS_PAGE, {**SETTINGS, "approval_statement": "\x00"}),
    "an attempt limit no column holds": (SETTINGS_PAGE, {**SETTINGS, "attempt_limit": "9" * 30}),
    "a seat time no column holds": (
        SETTINGS_PAGE,
        {**SETTINGS, "min_seconds_per_lesson": "9" * 30},
    ),
}


@pytest.mark.parametrize("trap", sorted(TRAPS))
def test_a_draft_is_refused_as_typed_or_publishes(
    trap: str, world_database: tuple[str, World], tmp_path: Path
) -> None:
    url, world = world_database
    path, form = TRAPS[trap]
    with scratch_database("draft", tmp_path, template=url) as copy:
        app = make_app(copy, RATELIMIT_ENABLED=False)
        try:
            with app.app_context():
                client = app.test_client()
                sign_in(client, world.emails["owner"])
                saved = client.post(path, data=form)
                assert saved.status_code < 500
                published = client.post(f"/teaching/{COURSE}/publish")
                assert published.status_code < 500, f"publishing {trap} gave a 500"
        finally:
            app.extensions["db_engine"].dispose()
