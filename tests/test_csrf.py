"""Forms refuse a missing or wrong CSRF token with a 400 page and change nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.accounts.models import Role, User
from app.db import db


@pytest.mark.parametrize("token", [None, "wrong-token"])
def test_sign_up_without_a_valid_token_is_refused(client, token):
    data = {
        "legal_name": "A B",
        "email": "a@example.com",
        "profession": "Other",
        "password": "long enough pass",
        "confirm": "long enough pass",
    }
    if token:
        data["csrf_token"] = token
    response = client.post("/sign-up", data=data, csrf=False)
    assert response.status_code == 400
    assert "not sent from this site" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(User)) == 0


def test_role_change_without_a_token_is_refused(client, make_user, sign_in):
    target = make_user(Role.LEARNER)
    sign_in(Role.ADMIN)
    response = client.post(f"/admin/users/{target.id}/role", data={"role": "admin"}, csrf=False)
    assert response.status_code == 400
    db.session.refresh(target)
    assert target.role == "learner"
