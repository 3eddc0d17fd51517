"""Search that finds teaching: lessons, descriptions and objectives, ranked, on both databases.

The suite runs on SQLite (FTS5) and, with TEST_DATABASE_URL, on PostgreSQL (tsvector):
every test here runs on both.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest
from sqlalchemy import select

from app.accounts.models import Role
from app.authoring.services import set_archived
from app.catalog.models import Course, CourseStaff
from app.content.importer import import_courses
from app.content.reader import read_catalog
from app.db import db
from app.search.services import search
from tests.factories import course_spec, make_course, module_spec

SHIPPED = Path(__file__).resolve().parents[2] / "courses"


@pytest.fixture
def curriculum(app, built_database):  # type: ignore[no-untyped-def]
    """The courses `make run` imports (imported once per worker, then a copy per test)."""

    def import_shipped() -> None:
        specs, problems = read_catalog(SHIPPED)
        assert not problems
        import_courses(specs)

    built_database("shipped-curriculum", import_shipped)


def result_titles(page: str) -> list[str]:
    return [
        re.sub(r"<[^>]+>", "", title).strip()
        for title in re.findall(r'<h3><a href="[^"]*">(.*?)</a>', page, flags=re.S)
    ]


#: The lessons written about each topic: one of them is the first lesson a search lists.
ABOUT = {
    "window of tolerance": {"Lesson: The window of tolerance in a dosing session"},
    "esketamine": {
        "Lesson: Screening, medical clearance and monitoring",
        "Lesson: Depression: what the trials found",
        "Lesson: Esketamine, racemic ketamine and compounded products",
    },
}


@pytest.mark.parametrize("query", list(ABOUT))
def test_a_search_finds_the_lesson_about_it_first_with_the_words_marked(client, curriculum, query):
    page = client.get("/", query_string={"q": query}).get_data(as_text=True)
    titles = result_titles(page)
    lessons = [title for title in titles if title.startswith("Lesson: ")]
    assert lessons and lessons[0] in ABOUT[query], titles
    assert titles.index(lessons[0]) < 3, titles  # ranked near the top, not buried
    assert "teach “" in page and "<mark>" in page
    for word in query.split():
        if word != "of":  # a stop word PostgreSQL does not mark
            assert re.search(rf"<mark>{word}</mark>", page, flags=re.I), word


def test_each_hit_names_its_course_and_module_and_links_to_the_lesson(client, curriculum):
    page = client.get("/?q=esketamine").get_data(as_text=True)
    assert (
        'href="/courses/kap-core-clinical-skills/interdisciplinary-coordination/'
        'screening-clearance-and-monitoring"' in page
    )
    assert "Core Clinical Skills" in page or "kap-core" in page


def test_descriptions_and_objectives_are_searched_too(app):
    make_course(
        slug="pacing",
        title="Pacing",
        description="How the *neuroplastic* window is read after a session.",
        objectives=(
            dataclasses.replace(course_spec().objectives[0], text="Chart a titration ladder."),
        ),
    )
    assert [hit.title for hit in search("neuroplastic")] == ["Pacing"]
    assert [hit.title for hit in search("titration ladder")] == ["Pacing"]
    assert search("neuroplastic")[0].lesson_slug is None


def test_what_someone_types_is_only_ever_words(client, curriculum):
    queries = ['"', "NEAR(", "window*", "-", "AND OR NOT", "title:x", "a'b", "(((", "\x02", "_"]
    for query in [*queries, "x" * 200, "word " * 40]:
        response = client.get("/", query_string={"q": query})
        assert response.status_code == 200, query
        page = response.get_data(as_text=True)
        assert "No course matches" in page or "search-result" in page, query


def test_lesson_text_is_escaped_and_only_the_match_is_marked(client, app):
    body = "Grounding <script>alert('x')</script> with **breath**."
    module = module_spec("m1")
    lesson = dataclasses.replace(module.lessons[0], body=body)
    attack = dataclasses.replace(
        course_spec("attack"), modules=(dataclasses.replace(module, lessons=(lesson,)),)
    )
    make_course(spec=attack)
    page = client.get("/?q=breath").get_data(as_text=True)
    # Shown as text: escaped on SQLite; PostgreSQL's headline drops tag-like words.
    assert "<script" not in page.split('class="search-results"')[1]
    assert "alert(&#39;x&#39;)" in page and "<mark>breath</mark>" in page


def test_drafts_are_never_found_and_a_publish_makes_the_lesson_findable(
    client, app, make_user, sign_in
):
    course = make_course(slug="grounding")
    owner = make_user(Role.INSTRUCTOR)
    db.session.add(CourseStaff(course_id=course.id, user_id=owner.id, is_owner=True))
    db.session.commit()
    sign_in(user=owner)
    lesson = {"title": "Zebrafish calm", "minutes": "5", "body": "The zebrafish.", "action": "save"}
    client.post("/teaching/grounding/modules/m1/lessons/new", data=lesson)
    assert search("zebrafish") == []
    assert "Zebrafish" not in client.get("/?q=zebrafish").get_data(as_text=True)
    client.post("/teaching/grounding/publish")
    assert [hit.lesson_title for hit in search("zebrafish")] == ["Zebrafish calm"]


def test_a_new_course_draft_is_not_found(client, sign_in):
    sign_in(Role.INSTRUCTOR)
    client.post(
        "/teaching/new",
        data={
            "slug": "secret-course",
            "title": "Unannounced ketamine pharmacology",
            "summary": "Not yet.",
            "ce_hours": "1",
            "level": "beginning",
            "delivery_format": "Online",
        },
    )
    assert search("unannounced") == []


def test_archived_courses_and_retired_lessons_leave_the_results(app, make_user):
    spec = course_spec("grounding")
    import_courses([spec])
    assert {hit.lesson_title for hit in search("m1 text")} == {"Lesson m1 1", "Lesson m1 2"}
    module = spec.modules[0]
    import_courses(
        [
            dataclasses.replace(
                spec, modules=(dataclasses.replace(module, lessons=module.lessons[:1]),)
            )
        ]
    )
    assert {hit.lesson_title for hit in search("m1 text")} == {"Lesson m1 1"}
    course = db.session.scalar(select(Course).where(Course.slug == "grounding"))
    set_archived(course, make_user(Role.ADMIN), True)
    assert search("m1 text") == []


def test_a_reimport_with_new_words_is_found_at_once(app):
    spec = course_spec("grounding")
    import_courses([spec])
    assert search("orienting") == []
    module = spec.modules[0]
    first = dataclasses.replace(module.lessons[0], body="Orienting to the room.")
    import_courses(
        [
            dataclasses.replace(
                spec,
                modules=(dataclasses.replace(module, lessons=(first, *module.lessons[1:])),),
            )
        ]
    )
    assert [hit.lesson_title for hit in search("orienting")] == [first.title]


def test_a_topic_filter_narrows_the_search(client, app):
    make_course(slug="one", title="Grounding one", topics=("grounding",))
    make_course(slug="two", title="Grounding two", topics=("pacing",))
    page = client.get("/?q=grounding&topic=pacing").get_data(as_text=True)
    assert "Grounding two" in page and "Grounding one" not in page


def test_the_migration_fills_the_index_from_what_is_already_published(app, curriculum):
    from app.migrate import downgrade, upgrade

    db.session.close()
    downgrade(db.engine, "0010")
    upgrade(db.engine)
    lessons = [hit.lesson_title for hit in search("window of tolerance") if hit.lesson_title]
    assert lessons[0] == "The window of tolerance in a dosing session"
