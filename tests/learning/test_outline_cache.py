"""Each worker keeps the outline of the course versions it served; none is ever served stale."""

from __future__ import annotations

import dataclasses

from app.content.importer import import_courses
from app.learning.outlines import VERSIONS_KEPT, VersionCache
from app.learning.progress import CourseOutline
from tests.conftest import make_app
from tests.factories import course_spec, make_course


def revised(spec):  # type: ignore[no-untyped-def]
    """The next version: the first lesson retired, the second renamed, a third added."""
    module = spec.modules[0]
    _first, second = module.lessons
    renamed = dataclasses.replace(second, title="Pacing, revised")
    added = dataclasses.replace(second, slug="lesson-3", title="A new lesson")
    modules = (dataclasses.replace(module, lessons=(renamed, added)), *spec.modules[1:])
    return dataclasses.replace(spec, modules=modules)


def test_a_new_version_reaches_every_worker_at_once(app, client, sign_in, make_user, database_url):
    spec = course_spec(modules=1)
    course = make_course(spec)
    learner = sign_in()
    client.post(f"/courses/{course.slug}/enroll")
    base = f"/courses/{course.slug}/m1"
    # Another worker: its own app, its own outlines, the same database.
    other = make_app(database_url).test_client()
    other.post("/sign-in", data={"email": learner.email, "password": make_user.password})
    for worker in (client, other):  # both have now built and kept version 1's outline
        page = worker.get(f"{base}/lesson-2").get_data(as_text=True)
        assert "Lesson m1 2" in page and "Lesson m1 1" in page

    import_courses([revised(spec)])

    for worker in (client, other):
        assert worker.get(f"{base}/lesson-1").status_code == 404  # retired
        page = worker.get(f"{base}/lesson-2").get_data(as_text=True)
        assert "Pacing, revised" in page and "Lesson m1 2" not in page
        assert "A new lesson" in page  # in the outline beside it, with its link
        assert f'href="{base}/lesson-3"' in page and f'href="{base}/lesson-1"' not in page
        assert worker.get(f"{base}/lesson-3").status_code == 200


def test_the_version_cache_keeps_only_the_most_recently_used():
    kept = VersionCache()
    empty = CourseOutline(modules=(), unlock_in_order=True)
    for key in range(VERSIONS_KEPT):
        kept.keep(key, empty)
    assert kept.get(0) is empty  # 0 is now the most recently used
    kept.keep("one more", empty)
    assert kept.get(1) is None  # the least recently used went
    assert kept.get(0) is empty and kept.get("one more") is empty
