"""Account writes from several tabs or browsers at once, on PostgreSQL: no error, the profile
kept is one whole form, and one address makes one account."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.accounts.models import User
from app.db import db
from app.mail import outbox
from tests.concurrency import N, Shot, as_one_request, browser_of, fire

pytestmark = pytest.mark.postgres


def profile_form(i: int) -> dict[str, str]:
    """The i-th of several different profiles, each field different from the others'."""
    return {
        "legal_name": f"Name Number {i}",
        "profession": ("Psychologist", "Nurse practitioner")[i % 2],
        "license_number": f"LIC-{i:04d}",
        "license_state": ("CA", "NY", "TX")[i % 3],
    }


def test_ten_different_profile_saves_at_once_keep_one_whole(make_user):
    learner = make_user()
    browser = browser_of(learner, make_user.password)
    forms = [profile_form(i) for i in range(N)]
    for _ in range(3):
        responses = fire(Shot(browser, "/account"), forms=forms)
        assert {r.status_code for r in responses} == {302}
        db.session.expire_all()
        saved = db.session.get(User, learner.id)
        kept = {
            "legal_name": saved.legal_name,
            "profession": saved.profession,
            "license_number": saved.license_number,
            "license_state": saved.license_state,
        }
        assert kept in forms, kept


def test_ten_identical_profile_saves_at_once_hold_as_one(make_user):
    def world() -> Shot:
        learner = make_user()
        return Shot(browser_of(learner, make_user.password), "/account", profile_form(1))

    assert {r.status_code for r in as_one_request(world)} == {302}


def test_ten_deletions_of_ones_own_account_at_once_delete_it_once(make_user):
    def world() -> Shot:
        learner = make_user()
        browser = browser_of(learner, make_user.password)
        return Shot(browser, "/account/delete", {"password": make_user.password})

    responses = as_one_request(world)
    assert {r.status_code for r in responses} <= {200, 302}


def test_ten_sign_ups_for_one_new_address_at_once_make_one_account(client):
    form = {
        "legal_name": "Jordan Ellis",
        "email": "jordan.ellis@example.com",
        "profession": "Psychologist",
        "license_number": "",
        "license_state": "",
        "password": "a calm long password",
        "confirm": "a calm long password",
    }
    responses = fire(Shot(client, "/sign-up", form))
    # Some may meet the per-address limit; none fails, and the others see the usual page.
    assert {r.status_code for r in responses} <= {302, 429}
    assert 302 in {r.status_code for r in responses}
    accounts = db.session.scalars(select(User).where(User.email == form["email"])).all()
    assert len(accounts) == 1
    subjects = [mail.subject for mail in outbox() if mail.to == form["email"]]
    assert subjects.count("Confirm your Groundwork email") == 1
