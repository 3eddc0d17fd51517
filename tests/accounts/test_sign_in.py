"""Signing in and out: wrong passwords, deactivated accounts, limits and safe redirects."""

from __future__ import annotations

import pytest
from werkzeug.security import generate_password_hash

from app.accounts.models import Role, User
from app.accounts.services import NOT_SIGNED_IN, set_active
from app.db import db
from tests.conftest import UserFactory, make_app


def test_wrong_password_and_unknown_email_get_the_same_message(client, make_user):
    user = make_user()
    wrong = client.post("/sign-in", data={"email": user.email, "password": "not the password"})
    unknown = client.post("/sign-in", data={"email": "nobody@example.com", "password": "whatever1"})
    for response in (wrong, unknown):
        assert response.status_code == 200
        assert NOT_SIGNED_IN in response.get_data(as_text=True)
    assert client.get("/dashboard").status_code == 302  # still signed out


def stored_hash(user: User) -> str:
    db.session.expire_all()
    return db.session.get(User, user.id).password_hash


def test_an_account_on_an_older_hash_moves_to_argon2id_when_it_signs_in(client, make_user):
    user = make_user()
    scrypt = generate_password_hash(make_user.password, method="scrypt")
    user.password_hash = scrypt
    db.session.commit()

    wrong = client.post("/sign-in", data={"email": user.email, "password": "not the password"})
    assert NOT_SIGNED_IN in wrong.get_data(as_text=True)
    assert stored_hash(user) == scrypt  # a wrong password changes nothing

    right = client.post("/sign-in", data={"email": user.email, "password": make_user.password})
    assert right.status_code == 302
    assert stored_hash(user).startswith("$argon2id$")
    client.post("/sign-out")
    # The new hash is of the same password.
    again = client.post("/sign-in", data={"email": user.email, "password": make_user.password})
    assert again.status_code == 302


def test_a_damaged_password_hash_refuses_the_sign_in_without_an_error(client, make_user):
    user = make_user()
    user.password_hash = "$argon2id$v=19$truncated"
    db.session.commit()
    response = client.post("/sign-in", data={"email": user.email, "password": make_user.password})
    assert response.status_code == 200
    assert NOT_SIGNED_IN in response.get_data(as_text=True)
    assert stored_hash(user) == "$argon2id$v=19$truncated"


def test_sign_in_renews_the_session_and_sign_out_ends_it(client, make_user):
    user = make_user()
    client.get("/")
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    response = client.post(
        "/sign-in", data={"email": user.email, "password": "correct horse battery"}
    )
    assert response.status_code == 302
    with client.session_transaction() as session:
        assert "planted" not in session
    assert client.get("/dashboard").status_code == 200
    client.post("/sign-out")
    assert client.get("/dashboard").status_code == 302


def test_deactivated_user_cannot_sign_in_and_is_signed_out(client, make_user, sign_in):
    admin = make_user(Role.ADMIN)
    user = sign_in()
    set_active(admin, user, False)
    assert client.get("/dashboard").status_code == 302
    response = client.post(
        "/sign-in", data={"email": user.email, "password": "correct horse battery"}
    )
    assert "This account has been deactivated" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/courses/x", "/courses/x"),
        ("https://evil.example/", "/dashboard"),
        ("//evil.example/", "/dashboard"),
        ("/\\evil.example", "/dashboard"),
        ("javascript:alert(1)", "/dashboard"),
    ],
)
def test_next_only_leads_to_this_site(client, make_user, target, expected):
    user = make_user()
    response = client.post(
        "/sign-in",
        query_string={"next": target},
        data={"email": user.email, "password": "correct horse battery"},
    )
    assert response.status_code == 302
    assert response.location.endswith(expected)


def test_repeated_failures_hit_the_rate_limit(database_url):
    app = make_app(database_url, SIGN_IN_LIMIT_PER_ACCOUNT="3 per minute")
    with app.app_context():
        user = UserFactory()(Role.LEARNER, email="limited@example.com")
        client = app.test_client()
        for _ in range(3):
            response = client.post("/sign-in", data={"email": user.email, "password": "wrong-one!"})
            assert response.status_code == 200
        blocked = client.post(
            "/sign-in", data={"email": user.email, "password": "correct horse battery"}
        )
        assert blocked.status_code == 429
        assert "Too many attempts" in blocked.get_data(as_text=True)
        assert 1 <= int(blocked.headers["Retry-After"]) <= 61  # the minute limit, rounded up
        assert "X-RateLimit-Limit" not in blocked.headers
        # Another account from the same address is not blocked by this account's limit.
        other = UserFactory(count=50)(Role.LEARNER)
        ok = client.post(
            "/sign-in", data={"email": other.email, "password": "correct horse battery"}
        )
        assert ok.status_code == 302
