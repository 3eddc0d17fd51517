"""The final post-test blueprint, edited in the browser: saved to the draft through the
checker's rules, published with the course, refused whole (and told beside the field)
when any row is wrong, and never written over a colleague's newer save."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.accounts.models import Role
from app.audit.labels import action_label
from app.audit.models import AuditEvent
from app.authoring.services import find_draft, working_spec
from app.catalog.models import Course, CourseStaff
from app.content.spec import BlueprintSpec, CourseSpec
from app.db import db
from app.templating import format_hours
from tests.authoring.test_blueprintedit import two_objective_course
from tests.authoring.test_conflicts import base_of, co_instructors  # noqa: F401 (fixture)
from tests.concurrency import browser_of
from tests.factories import course_spec, make_course
from tests.security.cases import SETTINGS

PATH = "/teaching/{}/blueprint"


def form(
    page: str,
    draws: tuple[str, str] = ("2", "2"),
    serves: tuple[str, str] = ("recognise", "respond"),
    use: str = "yes",
) -> dict[str, str]:
    """The two-objective course's form as loaded in `page`, with these answers typed in."""
    return {
        "base": base_of(page),
        "use": use,
        "rows-0-objective": "recognise",
        "rows-0-draw": draws[0],
        "rows-1-objective": "respond",
        "rows-1-draw": draws[1],
        "sources-0-source": "m1/spot",
        "sources-0-serves": serves[0],
        "sources-1-source": "m2/act",
        "sources-1-serves": serves[1],
    }


@pytest.fixture
def taught(client, make_user, sign_in):  # type: ignore[no-untyped-def]
    """The two-objective course, published, and its owner signed in."""
    course = make_course(two_objective_course())
    owner = make_user(Role.INSTRUCTOR)
    db.session.add(CourseStaff(course_id=course.id, user_id=owner.id, is_owner=True))
    db.session.commit()
    sign_in(user=owner)
    return course


def draft_blueprint(course: Course) -> tuple[BlueprintSpec, ...]:
    db.session.expire_all()
    return working_spec(course).blueprint


def test_the_page_shows_each_objective_its_pool_and_draw(client, taught) -> None:  # type: ignore[no-untyped-def]
    overview = client.get(f"/teaching/{taught.slug}").get_data(as_text=True)
    assert f'href="/teaching/{taught.slug}/blueprint"' in overview  # beside the settings

    page = client.get(PATH.format(taught.slug)).get_data(as_text=True)
    assert "Recognise dissociation." in page and "Respond with grounding." in page
    assert "Objective recognise · pool: 3 questions." in page
    assert 'name="rows-0-draw"' in page and 'value="2"' in page
    # Labels tied to the inputs; hints read out with them.
    draw = re.search(r'<input[^>]*name="rows-0-draw"[^>]*>', page)
    assert draw and 'aria-describedby="rows-0-draw-hint"' in draw.group(0)
    assert '<label for="rows-0-draw">' in page and '<label for="sources-0-serves">' in page
    assert "each attempt draws 4 questions" in page
    assert "a learner answers 10 questions" in page


def test_saving_changes_the_draft_logs_it_and_publishing_applies_it(client, taught) -> None:  # type: ignore[no-untyped-def]
    path = PATH.format(taught.slug)
    page = client.get(path).get_data(as_text=True)
    saved = client.post(path, data=form(page, draws=("3", "1")))
    assert saved.status_code == 302 and saved.location.endswith(f"/teaching/{taught.slug}")
    assert draft_blueprint(taught) == (
        BlueprintSpec(objective="recognise", draw=3, sources=("m1/spot",)),
        BlueprintSpec(objective="respond", draw=1, sources=("m2/act",)),
    )
    assert taught.blueprint[0]["draw"] == 2  # learners keep the published blueprint
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "course.blueprint_changed")
    )
    assert event is not None and event.subject_id == str(taught.id)
    assert event.details["old"] == "recognise: 2 from m1/spot; respond: 2 from m2/act"
    assert event.details["new"] == "recognise: 3 from m1/spot; respond: 1 from m2/act"
    assert action_label(event.action) == "Final post-test blueprint changed in the draft"
    overview = client.get(f"/teaching/{taught.slug}").get_data(as_text=True)
    assert "Unpublished changes" in overview
    assert "Changed the course setting “blueprint”." in overview

    published = client.post(f"/teaching/{taught.slug}/publish")
    assert published.status_code == 302
    db.session.expire_all()
    course = db.session.get(Course, taught.id)
    assert course is not None and find_draft(course) is None
    assert [(row["objective"], row["draw"]) for row in course.blueprint] == [
        ("recognise", 3),
        ("respond", 1),
    ]


def _seat_hours_shown(client, slug: str) -> str:  # type: ignore[no-untyped-def]
    """The hours the publish page's seat-time warning says the content adds up to."""
    page = client.get(f"/teaching/{slug}/publish").get_data(as_text=True)
    found = re.search(r"quiz questions add up to ([0-9.]+) hours", page)
    assert found, "the course claims more hours than its seat time: the warning shows"
    return found.group(1)


def test_the_publish_pages_seat_time_counts_the_questions_drawn(client, taught) -> None:  # type: ignore[no-untyped-def]
    path = PATH.format(taught.slug)
    page = client.get(path).get_data(as_text=True)
    assert client.post(path, data=form(page, draws=("3", "3"))).status_code == 302
    more = _seat_hours_shown(client, taught.slug)
    assert working_spec(taught).questions_asked() == 12  # 6 in the module quizzes + 6 drawn
    assert more == format_hours(working_spec(taught).seat_time_hours())

    page = client.get(path).get_data(as_text=True)
    assert client.post(path, data=form(page, draws=("1", "1"))).status_code == 302
    db.session.expire_all()
    fewer = _seat_hours_shown(client, taught.slug)
    assert working_spec(taught).questions_asked() == 8
    assert fewer == format_hours(working_spec(taught).seat_time_hours()) != more


def test_no_blueprint_is_one_choice_away_and_a_blueprint_can_be_given_again(
    client,  # type: ignore[no-untyped-def]
    taught,
) -> None:
    path = PATH.format(taught.slug)
    page = client.get(path).get_data(as_text=True)
    assert client.post(path, data=form(page, draws=("", "x"), use="no")).status_code == 302
    assert draft_blueprint(taught) == ()
    page = client.get(path).get_data(as_text=True)
    assert re.search(r'<input checked[^>]*value="no"', page)
    assert "no blueprint and no final quiz" in page
    assert client.post(path, data=form(page, draws=("1", "1"))).status_code == 302
    assert [row.draw for row in draft_blueprint(taught)] == [1, 1]


@pytest.mark.parametrize(
    ("draw", "says"),
    [
        ("²", "only the digits 0 to 9"),
        (" 3", "only the digits 0 to 9"),
        ("-1", "only the digits 0 to 9"),
        ("1e3", "only the digits 0 to 9"),
        (str(10**9), "must be a whole number from 1 to 100"),
        ("0", "must be a whole number from 1 to 100"),
        ("", "Enter how many questions each attempt draws"),
        ("4", "Draw 4 for &#39;recognise&#39; is more than its pool holds (3 questions)"),
    ],
)
def test_a_bad_draw_is_refused_beside_its_field_and_changes_nothing(  # type: ignore[no-untyped-def]
    client, taught, draw, says
) -> None:
    path = PATH.format(taught.slug)
    page = client.get(path).get_data(as_text=True)
    refused = client.post(path, data=form(page, draws=(draw, "1")))
    assert refused.status_code == 200
    text = refused.get_data(as_text=True)
    assert "Not saved: please correct these" in text
    beside = re.search(r'<p class="field-error" id="rows-0-draw-error">(.*?)</p>', text, re.S)
    assert beside and says in beside.group(1)
    field = re.search(r'<input[^>]*name="rows-0-draw"[^>]*>', text)
    assert (
        field and "rows-0-draw-error" in field.group(0) and 'aria-invalid="true"' in field.group(0)
    )
    assert find_draft(taught) is None  # nothing saved, not even the other row


def test_a_pool_emptied_by_reassigning_its_source_is_refused(client, taught) -> None:  # type: ignore[no-untyped-def]
    path = PATH.format(taught.slug)
    page = client.get(path).get_data(as_text=True)
    refused = client.post(path, data=form(page, serves=("recognise", "recognise")))
    text = refused.get_data(as_text=True)
    assert "Draw 2 for &#39;respond&#39; is more than its pool holds (0 questions)" in text
    assert "Objective recognise · pool: 6 questions." in text  # the pools as posted
    assert find_draft(taught) is None


@pytest.mark.parametrize(
    ("tampered", "says"),
    [
        ({"rows-1-objective": "goal"}, "Objective &#39;goal&#39; is not a course objective"),
        ({"sources-1-serves": "goal"}, "Not a valid choice"),
        ({"sources-1-source": "m1/goal"}, "From &#39;m1/goal&#39; is not a module objective"),
        ({"sources-1-source": "m1/spot"}, "The form names a module objective twice."),
        ({"use": "maybe"}, "Not a valid choice"),
    ],
)
def test_tampered_fields_are_refused_and_change_nothing(client, taught, tampered, says) -> None:  # type: ignore[no-untyped-def]
    # "goal" (and m1/goal) belong to another course.
    make_course(course_spec(slug="other-course"))
    path = PATH.format(taught.slug)
    page = client.get(path).get_data(as_text=True)
    refused = client.post(path, data=form(page) | tampered)
    assert refused.status_code == 200
    assert says in refused.get_data(as_text=True)
    assert find_draft(taught) is None


def test_rows_left_out_of_a_post_do_not_remove_the_blueprint(client, taught) -> None:  # type: ignore[no-untyped-def]
    path = PATH.format(taught.slug)
    page = client.get(path).get_data(as_text=True)
    refused = client.post(path, data={"base": base_of(page), "use": "yes"})
    assert "The form has no rows: reload the page." in refused.get_data(as_text=True)
    one_row = {k: v for k, v in form(page).items() if not k.startswith("rows-1")}
    refused = client.post(path, data=one_row)
    assert "The blueprint misses the course objective(s) respond" in refused.get_data(as_text=True)
    assert find_draft(taught) is None


def test_fewer_questions_may_not_leave_the_claimed_hours_above_the_ceiling(  # type: ignore[no-untyped-def]
    client, make_user, sign_in
) -> None:
    course = make_course(two_objective_course(ce_hours=Decimal("2.25")))
    owner = make_user(Role.INSTRUCTOR)
    db.session.add(CourseStaff(course_id=course.id, user_id=owner.id, is_owner=True))
    db.session.commit()
    sign_in(user=owner)
    path = PATH.format(course.slug)
    page = client.get(path).get_data(as_text=True)
    refused = client.post(path, data=form(page, use="no"))
    text = refused.get_data(as_text=True)
    assert "ce_hours 2.25 is above the ceiling of 2 for 132 total minutes" in text
    assert find_draft(course) is None


def test_a_missing_csrf_token_is_refused_and_changes_nothing(client, taught) -> None:  # type: ignore[no-untyped-def]
    path = PATH.format(taught.slug)
    page = client.get(path).get_data(as_text=True)
    refused = client.post(path, data=form(page, draws=("1", "1")), csrf=False)
    assert refused.status_code == 400
    assert find_draft(taught) is None


def test_a_replayed_save_changes_nothing_more_and_is_logged_once(client, taught) -> None:  # type: ignore[no-untyped-def]
    path = PATH.format(taught.slug)
    sent = form(client.get(path).get_data(as_text=True), draws=("1", "3"))
    assert client.post(path, data=sent).status_code == 302
    assert client.post(path, data=sent).status_code == 302
    assert [row.draw for row in draft_blueprint(taught)] == [1, 3]
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "course.blueprint_changed")
    ).all()
    assert len(events) == 1


def _goal_form(page: str, draw: str) -> dict[str, str]:
    """The default test course's form (one objective, `goal`, in two modules)."""
    return {
        "base": base_of(page),
        "use": "yes",
        "rows-0-objective": "goal",
        "rows-0-draw": draw,
        "sources-0-source": "m1/goal",
        "sources-0-serves": "goal",
        "sources-1-source": "m2/goal",
        "sources-1-serves": "goal",
    }


def test_a_stale_save_is_refused_shows_theirs_and_goes_through_once_seen(co_instructors) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    course, ann, bea = co_instructors
    path = PATH.format(course.slug)
    anns_page = ann.get(path).get_data(as_text=True)
    beas_page = bea.get(path).get_data(as_text=True)
    # No blueprint yet: the page offers module objectives of the same id as the course's.
    assert re.search(r'<option selected value="goal">', beas_page)
    assert "Objective goal · pool: 6 questions." in beas_page  # as offered, not yet saved
    assert ann.post(path, data=_goal_form(anns_page, "4")).status_code == 302

    refused = bea.post(path, data=_goal_form(beas_page, "5"))
    assert refused.status_code == 409
    page = refused.get_data(as_text=True)
    assert "Not saved: someone changed this final post-test blueprint" in page
    assert "Reach the goal.: 4 questions from m1/goal, m2/goal" in page  # theirs
    assert re.search(r'<input[^>]*name="rows-0-draw"[^>]*value="5"', page)  # hers, kept
    db.session.expire_all()
    assert [row.draw for row in working_spec(course).blueprint] == [4]

    again = bea.post(path, data=_goal_form(page, "5"))
    assert again.status_code == 302
    db.session.expire_all()
    assert [row.draw for row in working_spec(course).blueprint] == [5]


def test_a_blueprint_save_does_not_make_an_open_settings_form_stale(co_instructors) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    course, ann, bea = co_instructors
    settings = f"/teaching/{course.slug}/settings"
    beas_settings = bea.get(settings).get_data(as_text=True)
    path = PATH.format(course.slug)
    assert (
        ann.post(path, data=_goal_form(ann.get(path).get_data(as_text=True), "2")).status_code
        == 302
    )
    sent = SETTINGS | {
        "title": "Renamed by Bea",
        "attempt_limit": "2",
        "base": base_of(beas_settings),
    }
    assert bea.post(settings, data=sent).status_code == 302
    db.session.expire_all()
    spec: CourseSpec = working_spec(course)
    assert spec.title == "Renamed by Bea" and [row.draw for row in spec.blueprint] == [2]


def test_outsiders_cannot_see_or_change_the_blueprint(client, make_user, sign_in) -> None:  # type: ignore[no-untyped-def]
    course = make_course(two_objective_course())
    path = PATH.format(course.slug)
    sent = {"use": "no"}
    assert client.get(path).status_code == 302  # signed out: to the sign-in page
    sign_in(Role.INSTRUCTOR)  # teaches nothing here
    assert client.get(path).status_code == 403
    assert client.post(path, data=sent).status_code == 403
    assert client.get(PATH.format("no-such-course")).status_code == 404
    learner = browser_of(make_user(Role.LEARNER), make_user.password)
    assert learner.post(path, data=sent).status_code == 403
    assert find_draft(course) is None
