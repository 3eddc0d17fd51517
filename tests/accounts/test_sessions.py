"""Sessions end on the server: a cookie captured before sign-out is refused after it.

Remember-me tokens are kept on the server, used once (each use rotates them), and
expire REMEMBER_DAYS after the password was typed, however often they rotate.
"""

from __future__ import annotations

import datetime as dt

from flask_login.utils import encode_cookie
from freezegun import freeze_time
from sqlalchemy import select

from app.accounts.models import RememberToken, Role
from app.audit.models import AuditEvent
from app.db import db

HOST = "groundwork.test"


def _sign_in_remembered(client, user, password):  # type: ignore[no-untyped-def]
    response = client.post(
        "/sign-in", data={"email": user.email, "password": password, "remember": "y"}
    )
    assert response.status_code == 302
    return client.get_cookie("session", domain=HOST).value, _remember_cookie(client)


def _remember_cookie(client) -> str:  # type: ignore[no-untyped-def]
    return client.get_cookie("remember_token", domain=HOST).value


def _browser(app, session=None, remember=None):  # type: ignore[no-untyped-def]
    """A browser holding only the cookies given (someone who copied them, or a restart)."""
    other = app.test_client()
    if session:
        other.set_cookie("session", session, domain=HOST)
    if remember:
        other.set_cookie("remember_token", remember, domain=HOST)
    return other


def _signed_in(browser) -> bool:  # type: ignore[no-untyped-def]
    response = browser.get("/account")
    return response.status_code == 200


def test_cookies_captured_before_sign_out_are_refused_after_it(app, client, make_user):
    user = make_user()
    session, remember = _sign_in_remembered(client, user, make_user.password)
    assert _signed_in(_browser(app, session=session))
    assert client.post("/sign-out").status_code == 302
    assert not _signed_in(_browser(app, session=session))
    assert not _signed_in(_browser(app, remember=remember))
    assert not _signed_in(_browser(app, session=session, remember=remember))
    assert db.session.scalars(select(RememberToken)).all() == []


def test_signing_out_on_one_device_signs_out_the_others(app, client, make_user):
    user = make_user()
    laptop = app.test_client()
    laptop.post("/sign-in", data={"email": user.email, "password": make_user.password})
    client.post("/sign-in", data={"email": user.email, "password": make_user.password})
    client.post("/sign-out")
    assert not _signed_in(laptop)


def test_a_remember_cookie_signs_in_after_a_restart_and_rotates(app, client, make_user):
    user = make_user()
    _, first = _sign_in_remembered(client, user, make_user.password)
    restarted = _browser(app, remember=first)  # the browser closed: no session cookie left
    assert _signed_in(restarted)
    second = _remember_cookie(restarted)
    assert second != first
    assert _signed_in(restarted)  # the new session carries on
    # The rotated-out token is refused: a copy taken before the owner's visit is worthless.
    assert not _signed_in(_browser(app, remember=first))
    assert _signed_in(_browser(app, remember=second))


def test_a_copied_remember_cookie_used_first_by_the_thief_fails_the_owner_once(
    app, client, make_user
):
    user = make_user()
    _, stolen = _sign_in_remembered(client, user, make_user.password)
    assert _signed_in(_browser(app, remember=stolen))
    owner = _browser(app, remember=stolen)
    response = owner.get("/account")
    assert response.status_code == 302 and "/sign-in" in response.location
    assert owner.get_cookie("remember_token", domain=HOST) is None  # the dead cookie is deleted


def test_a_remember_token_expires_on_the_server_and_rotation_never_extends_it(
    app, client, make_user
):
    user = make_user()
    start = dt.datetime.now(dt.UTC)
    with freeze_time(start):
        _, cookie = _sign_in_remembered(client, user, make_user.password)
    with freeze_time(start + dt.timedelta(days=10)):
        later = _browser(app, remember=cookie)
        assert _signed_in(later)
        cookie = _remember_cookie(later)
    with freeze_time(start + dt.timedelta(days=14, minutes=1)):
        assert not _signed_in(_browser(app, remember=cookie))


def test_the_remember_lifetime_is_configurable_from_14_to_30_days(monkeypatch):
    import pytest

    from app.config import ConfigError, from_environment

    assert from_environment({"REMEMBER_DAYS": "30"})["REMEMBER_DAYS"] == 30
    assert from_environment({})["REMEMBER_DAYS"] == 14
    for wrong in ("13", "31", "two weeks", "٢٠"):
        with pytest.raises(ConfigError, match="REMEMBER_DAYS"):
            from_environment({"REMEMBER_DAYS": wrong})


def test_a_flask_login_cookie_of_the_old_kind_is_refused(app, make_user):
    user = make_user()
    with app.test_request_context():
        forged = encode_cookie(user.get_id())  # what the site used to set: no expiry on the server
    assert not _signed_in(_browser(app, remember=forged))


def test_a_tampered_remember_cookie_is_refused(app, client, make_user):
    user = make_user()
    _, cookie = _sign_in_remembered(client, user, make_user.password)
    selector, _, secret = cookie.partition(".")
    for tampered in (f"{selector}.{'A' * len(secret)}", "x" * 500, "", ".", selector):
        assert not _signed_in(_browser(app, remember=tampered))


def test_a_password_change_ends_other_sessions_and_remember_tokens(app, client, make_user):
    user = make_user()
    other = app.test_client()
    session, remember = _sign_in_remembered(other, user, make_user.password)
    client.post("/sign-in", data={"email": user.email, "password": make_user.password})
    new = "a brand new password"
    response = client.post(
        "/account/password",
        data={"current": make_user.password, "password": new, "confirm": new},
    )
    assert response.status_code == 302
    assert _signed_in(client)  # the device that changed it stays signed in
    assert not _signed_in(_browser(app, session=session))
    assert not _signed_in(_browser(app, remember=remember))


def test_deactivation_ends_every_session(app, client, make_user, sign_in):
    user = make_user()
    session, remember = _sign_in_remembered(app.test_client(), user, make_user.password)
    sign_in(Role.ADMIN)
    client.post(f"/admin/users/{user.id}/active", data={"active": "0"})
    assert not _signed_in(_browser(app, session=session))
    assert not _signed_in(_browser(app, remember=remember))


def test_an_administrator_signs_a_user_out_everywhere_and_it_is_audited(
    app, client, make_user, sign_in
):
    user = make_user()
    session, remember = _sign_in_remembered(app.test_client(), user, make_user.password)
    admin = sign_in(Role.ADMIN)
    page = client.get("/admin/users").get_data(as_text=True)
    assert f'action="/admin/users/{user.id}/sign-out' in page
    response = client.post(f"/admin/users/{user.id}/sign-out")
    assert response.status_code == 302
    assert "is signed out on every device" in client.get(response.location).get_data(as_text=True)
    assert not _signed_in(_browser(app, session=session))
    assert not _signed_in(_browser(app, remember=remember))
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "user.signed_out_everywhere")
    )
    assert event is not None and event.actor_id == admin.id and event.subject_id == str(user.id)
    # The user can sign in again with their password.
    again = app.test_client()
    assert (
        again.post(
            "/sign-in", data={"email": user.email, "password": make_user.password}
        ).status_code
        == 302
    )


def test_sign_out_everywhere_needs_a_csrf_token_and_an_administrator(
    app, client, make_user, sign_in
):
    user = make_user()
    session, _ = _sign_in_remembered(app.test_client(), user, make_user.password)
    sign_in(Role.INSTRUCTOR)
    assert client.post(f"/admin/users/{user.id}/sign-out").status_code == 403
    assert _signed_in(_browser(app, session=session))
