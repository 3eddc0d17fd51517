"""The audit log an administrator can use: names, readable actions, filters, pages, CSV."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

from sqlalchemy import event, select

from app.accounts.models import Role, User
from app.accounts.services import anonymise
from app.audit.services import record
from app.db import db
from app.mail import outbox
from tests.accounts.test_sign_up import VALID, confirmation_link
from tests.factories import make_course


def _add(action: str, when: dt.datetime, actor: User | None = None, **subject: object) -> None:
    event_ = record(
        action,
        str(subject.get("type", "user")),
        subject.get("id", actor.id if actor else 0),
        actor_id=actor.id if actor else None,
    )
    event_.occurred_at = when
    db.session.commit()


def _rows(page: str) -> list[str]:
    body = page.split("<tbody>")[1].split("</tbody>")[0]
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)) for row in body.split("</tr>")[:-1]]


def test_sign_up_confirmation_profile_and_role_changes_are_logged_by_name(
    client, sign_in, make_user
):
    client.post("/sign-up", data=VALID)
    client.get(confirmation_link(outbox()[-1].body))
    client.post("/sign-in", data={"email": VALID["email"], "password": VALID["password"]})
    profile = {k: VALID[k] for k in ("legal_name", "profession", "license_state")}
    client.post("/account", data={**profile, "license_number": "LPC-99999"})
    client.post("/account", data={**profile, "license_number": "LPC-99999"})  # no change
    client.post("/sign-out")
    jordan = db.session.scalar(select(User).where(User.email == "jordan.ellis@example.com"))
    assert jordan.license_number == "LPC-99999"
    admin = sign_in(Role.ADMIN)
    client.post(f"/admin/users/{jordan.id}/role", data={"role": "instructor"})

    rows = _rows(client.get("/admin/audit").get_data(as_text=True))
    text = "\n".join(rows)
    assert "Role changed" in rows[0] and "Jordan Ellis" in rows[0] and admin.legal_name in rows[0]
    assert "from: learner; to: instructor" in rows[0]
    assert "Changed name or license details" in text and "changed: license number" in text
    assert text.count("Changed name or license details") == 1  # an unchanged save logs nothing
    assert "Confirmed email address" in text and "Signed up" in text
    # No raw numeric ids stand in for people.
    assert not re.search(r"By\W+\d+\b", text) and f"#{jordan.id}" not in text
    # The license itself is not copied into the append-only log.
    assert "LPC-99999" not in client.get("/admin/audit.csv").get_data(as_text=True)


def test_deleted_people_and_unknown_actions_still_read_as_words(client, sign_in, make_user):
    learner = make_user(legal_name="Noor Haddad")
    admin = sign_in(Role.ADMIN)
    _add("enrollment.created", dt.datetime(2026, 3, 1, tzinfo=dt.UTC), learner)
    # An action another part of the site records that this page has never heard of.
    record("ce.claim_approved", "course", 999, actor_id=admin.id, credit_type="APA")
    db.session.commit()
    anonymise(admin, learner)
    page = client.get("/admin/audit").get_data(as_text=True)
    assert "CE claim approved" in page and "credit type: APA" in page
    assert "Course #999 (no longer exists)" in page
    assert f"Deleted user #{learner.id}" in page and "Noor Haddad" not in page
    assert '<option value="ce.claim_approved">CE claim approved</option>' in page


def test_filters_by_dates_person_action_and_course(client, sign_in, make_user):
    alice = make_user(legal_name="Alice Archer")
    bob = make_user(legal_name="Bob Baker")
    course = make_course(slug="pacing", modules=1)
    other = make_course(slug="grounding", modules=1)
    admin = sign_in(Role.ADMIN)
    _add("enrollment.created", dt.datetime(2026, 1, 10, 9, tzinfo=dt.UTC), alice,
         type="course", id=course.id)  # fmt: skip
    _add("enrollment.created", dt.datetime(2026, 2, 10, 23, 59, tzinfo=dt.UTC), bob,
         type="course", id=other.id)  # fmt: skip
    _add("module.completed", dt.datetime(2026, 2, 11, tzinfo=dt.UTC), bob,
         type="module", id=course.active_modules[0].id)  # fmt: skip

    def shown(query: str) -> list[str]:
        return _rows(client.get(f"/admin/audit?{query}").get_data(as_text=True))

    february = shown("start=2026-02-01&end=2026-02-10")
    assert len(february) == 1 and "Bob Baker" in february[0] and "Grounding" not in february[0]
    assert len(shown("actor=alice")) == 1
    assert len(shown("actor=BAKER&action=module.completed")) == 1
    assert len(shown(f"actor=%23{bob.id}")) == 2
    # The course's own events (its import, an enrollment) and its module's, not the other's.
    on_course = shown(f"course={course.id}")
    assert [r.split()[2] for r in on_course] == ["Course", "Module", "Enrolled"]
    assert not any("Grounding" in r for r in on_course)
    imports = shown("actor=system&action=course.created_from_files")
    assert len(imports) == 2 and all("Course imported from files" in r for r in imports)
    assert admin  # signed in for these reads

    # Bad input gets a message beside the field, never a 500, and filters nothing.
    page = client.get("/admin/audit?start=2026-13-45&course=x%C2%B2&action=nonsense")
    assert page.status_code == 200 and len(_rows(page.get_data(as_text=True))) > 3
    assert "Not a valid date value." in page.get_data(as_text=True)
    backwards = client.get("/admin/audit?start=2026-03-01&end=2026-02-01").get_data(as_text=True)
    assert "The end date is before the start date." in backwards


def test_pages_keep_the_filters(client, sign_in, make_user):
    learner = make_user(legal_name="Pat Page")
    sign_in(Role.ADMIN)
    start = dt.datetime(2026, 5, 1, tzinfo=dt.UTC)
    for minute in range(55):
        _add("enrollment.created", start + dt.timedelta(minutes=minute), learner)
    page = client.get("/admin/audit?actor=pat").get_data(as_text=True)
    assert "Page 1 of 2" in page and len(_rows(page)) == 50
    assert 'href="/admin/audit?page=2&amp;actor=pat"' in page
    older = client.get("/admin/audit?actor=pat&page=2").get_data(as_text=True)
    assert len(_rows(older)) == 5 and "2026-05-01 00:00:00" in older


def test_the_csv_holds_every_filtered_event_and_no_cell_is_a_formula(client, sign_in, make_user):
    hostile = make_user(legal_name='=HYPERLINK("http://evil.example","x")')
    sign_in(Role.ADMIN)
    for minute in range(60):
        _add("enrollment.created", dt.datetime(2026, 6, 1, 0, minute, tzinfo=dt.UTC), hostile)
    response = client.get("/admin/audit.csv?actor=hyperlink")
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0][:4] == ["When (UTC)", "Action", "Action code", "By"]
    assert len(rows) == 61  # no paging in the export
    assert rows[1][1] == "Enrolled" and rows[1][2] == "enrollment.created"
    assert rows[1][3].startswith("'=HYPERLINK")
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


def test_the_page_issues_a_fixed_number_of_statements(app, client, sign_in, make_user):
    sign_in(Role.ADMIN)
    courses = [make_course(slug=f"c{i}", modules=1) for i in range(3)]

    def statements() -> int:
        seen: list[str] = []

        def count(_conn, _cursor, statement, *_args) -> None:  # type: ignore[no-untyped-def]
            seen.append(statement)

        engine = app.extensions["db_engine"]
        event.listen(engine, "before_cursor_execute", count)
        try:
            assert client.get("/admin/audit").status_code == 200
        finally:
            event.remove(engine, "before_cursor_execute", count)
        return len(seen)

    client.get("/account")  # the footer's crisis lines are read once, then kept
    learner = make_user()
    _add("enrollment.created", dt.datetime(2026, 7, 1, tzinfo=dt.UTC), learner,
         type="course", id=courses[0].id)  # fmt: skip
    few = statements()
    for index in range(60):
        person = make_user()
        _add("enrollment.created", dt.datetime(2026, 7, 2, tzinfo=dt.UTC), person,
             type="course", id=courses[index % 3].id)  # fmt: skip
        record("user.role_changed", "user", person.id, actor_id=learner.id, old="a", new="b")
        db.session.commit()
    many = statements()
    # The user; actions and courses for the filters; count and page; people and courses named.
    assert few == many == 7, (few, many)
