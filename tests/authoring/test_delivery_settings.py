"""Advisories, a quiz's time limit and the grounding text, edited in the browser draft."""

from __future__ import annotations

import pytest

from app.catalog.models import Course, Lesson, Quiz
from app.db import db
from tests.factories import teach_signed_in

MODULE = {"title": "Module m1", "summary": "A module.", "objectives": "goal: Reach the goal."}


@pytest.fixture
def teaching(client, make_user, sign_in):  # type: ignore[no-untyped-def]
    return teach_signed_in(make_user, sign_in)


def test_the_draft_edits_advisories_time_limit_and_grounding_and_publishing_applies_them(
    client, teaching
):
    course, _owner = teaching
    base = f"/teaching/{course.slug}"
    form = client.get(f"{base}/modules/m1/lessons/lesson-1").get_data(as_text=True)
    assert "<legend>Content advisories" in form and 'value="suicidal-ideation"' in form
    lesson = {
        "title": "Lesson m1 1",
        "minutes": "30",
        "body": "## Part 1\n\nText of lesson 1.",
        "advisories": ["suicidal-ideation", "self-harm"],
        "action": "save",
    }
    assert client.post(f"{base}/modules/m1/lessons/lesson-1", data=lesson).status_code == 302
    module = {**MODULE, "time_limit_minutes": "15", "quiz_advisories": ["medical-emergency"]}
    assert client.post(f"{base}/modules/m1", data=module).status_code == 302
    page = client.get(f"{base}/modules/m1").get_data(as_text=True)
    assert 'value="15"' in page and 'value="medical-emergency" checked' in page
    settings = client.get(f"{base}/settings").get_data(as_text=True)
    assert "Grounding exercise (Markdown)" in settings

    assert client.post(f"{base}/publish").status_code == 302
    db.session.expire_all()
    published = db.session.get(Course, course.id)
    lesson_row = (
        db.session.query(Lesson)
        .filter_by(slug="lesson-1", module_id=published.active_modules[0].id)
        .one()
    )
    quiz = db.session.query(Quiz).filter_by(module_id=published.active_modules[0].id).one()
    assert lesson_row.advisories == ["suicidal-ideation", "self-harm"]
    assert (quiz.time_limit_minutes, quiz.advisories) == (15, ["medical-emergency"])


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({**MODULE, "time_limit_minutes": "0"}, "Use 1 to 240 minutes, or leave empty."),
        ({**MODULE, "time_limit_minutes": "241"}, "Use 1 to 240 minutes, or leave empty."),
        ({**MODULE, "quiz_advisories": ["gore"]}, "Choose advisories from the list shown."),
    ],
)
def test_bad_quiz_settings_are_refused_beside_the_field(client, teaching, data, message):
    course, _owner = teaching
    response = client.post(f"/teaching/{course.slug}/modules/m1", data=data)
    assert message in response.get_data(as_text=True)  # the form again, with its message
    page = client.get(f"/teaching/{course.slug}").get_data(as_text=True)
    assert "Unpublished changes" not in page  # nothing reached the draft
