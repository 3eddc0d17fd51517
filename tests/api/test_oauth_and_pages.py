"""OAuth 2.0 client credentials, and the pages that make and revoke credentials."""

from __future__ import annotations

import base64
import datetime as dt
import re

import pytest
from freezegun import freeze_time
from sqlalchemy import select

from app.accounts.models import Role
from app.api import services
from app.api.models import ApiToken, OAuthClient
from app.audit.models import AuditEvent
from app.db import db
from tests.api.conftest import bearer, json_of

FORM = "application/x-www-form-urlencoded"


@pytest.fixture
def registered(make_user):  # type: ignore[no-untyped-def]
    admin = make_user(Role.ADMIN)
    client_row, secret = services.register_client(admin, "State board reporting", "read")
    return admin, client_row, secret


def _basic(client_id: str, secret: str) -> dict[str, str]:
    pair = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    return {"Authorization": f"Basic {pair}"}


def test_a_client_gets_an_hour_long_token_with_basic_or_form_credentials(client, registered):
    _, row, secret = registered
    for headers, data in (
        (_basic(row.client_id, secret), {"grant_type": "client_credentials"}),
        (
            {},
            {
                "grant_type": "client_credentials",
                "client_id": row.client_id,
                "client_secret": secret,
            },
        ),
    ):
        response = client.post("/api/v1/oauth/token", data=data, headers=headers, csrf=False)
        assert response.status_code == 200, response.get_data(as_text=True)
        assert response.headers["Cache-Control"] == "no-store"
        token = response.get_json()
        assert token["token_type"] == "Bearer" and token["expires_in"] == 3600
        assert token["scope"] == "read"
        assert (
            client.get("/api/v1/ce-records", headers=bearer(token["access_token"])).status_code
            == 200
        )
    with freeze_time(dt.datetime.now(dt.UTC) + dt.timedelta(hours=1, seconds=1)):
        assert (
            client.get("/api/v1/ce-records", headers=bearer(token["access_token"])).status_code
            == 401
        )


@pytest.mark.parametrize(
    ("data", "use_basic", "status", "error"),
    [
        ({"grant_type": "password"}, True, 400, "unsupported_grant_type"),
        ({"grant_type": "client_credentials", "scope": "read write"}, True, 400, "invalid_scope"),
        ({"grant_type": "client_credentials", "scope": "admin"}, True, 400, "invalid_scope"),
        ({"grant_type": "client_credentials"}, False, 401, "invalid_client"),
        (
            {"grant_type": "client_credentials", "client_id": "gwc_x", "client_secret": "y"},
            False,
            401,
            "invalid_client",
        ),
        (
            {"grant_type": "client_credentials", "client_secret": "twice"},
            True,
            401,
            "invalid_client",
        ),
    ],
)
def test_token_requests_are_refused_with_oauth_error_codes(
    client, registered, data, use_basic, status, error
):
    _, row, secret = registered
    headers = _basic(row.client_id, secret) if use_basic else {}
    response = client.post("/api/v1/oauth/token", data=data, headers=headers, csrf=False)
    assert response.status_code == status
    assert json_of(response)["error"] == error
    assert db.session.scalars(select(ApiToken)).all() == []


def test_a_wrong_secret_and_a_revoked_client_get_nothing(client, registered):
    admin, row, secret = registered
    wrong = client.post(
        "/api/v1/oauth/token",
        data={"grant_type": "client_credentials"},
        headers=_basic(row.client_id, secret + "x"),
        csrf=False,
    )
    assert wrong.status_code == 401
    issued = client.post(
        "/api/v1/oauth/token",
        data={"grant_type": "client_credentials"},
        headers=_basic(row.client_id, secret),
        csrf=False,
    ).get_json()
    services.revoke_client(admin, row.id)
    assert client.get("/api/v1/users", headers=bearer(issued["access_token"])).status_code == 401
    again = client.post(
        "/api/v1/oauth/token",
        data={"grant_type": "client_credentials"},
        headers=_basic(row.client_id, secret),
        csrf=False,
    )
    assert again.status_code == 401


def test_a_json_token_request_is_refused(client, registered):
    _, row, secret = registered
    response = client.post(
        "/api/v1/oauth/token",
        json={"grant_type": "client_credentials"},
        headers=_basic(row.client_id, secret),
        csrf=False,
    )
    assert response.status_code == 400
    assert json_of(response)["error"] == "invalid_request"


def _form_key(client, path: str) -> str:  # type: ignore[no-untyped-def]
    """The key the page's form carries, as a browser would post it."""
    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="form_key" type="hidden" value="([0-9a-f]{32})"', page).group(1)


def _token_form(client, **changes: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {
        "name": "My CRM", "scopes": "read", "days": "30",
        "form_key": _form_key(client, "/account/tokens"), **changes,
    }  # fmt: skip


def test_a_token_is_shown_once_on_the_account_page_and_revoked_there(client, sign_in):
    user = sign_in()
    page = client.post("/account/tokens", data=_token_form(client))
    assert page.status_code == 201
    shown = re.search(r'value="(gw_[^"]+)"', page.get_data(as_text=True)).group(1)
    assert client.get("/api/v1/me", headers=bearer(shown)).get_json()["id"] == user.id
    listing = client.get("/account/tokens").get_data(as_text=True)
    assert "My CRM" in listing and shown not in listing
    token = db.session.scalar(select(ApiToken).where(ApiToken.user_id == user.id))
    assert client.post(f"/account/tokens/{token.id}/revoke").status_code == 302
    assert client.get("/api/v1/me", headers=bearer(shown)).status_code == 401
    actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {"api.token_created", "api.token_revoked"} <= actions


@pytest.mark.parametrize(
    "data",
    [
        {"name": "", "scopes": "read", "days": "30"},
        {"name": "x", "scopes": "admin", "days": "30"},
        {"name": "x", "scopes": "read", "days": "0"},
        {"name": "x", "scopes": "read", "days": "9999"},
        {"name": "x" * 81, "scopes": "read", "days": "30"},
        {"name": "x", "scopes": "read", "days": "1e3"},
    ],
)
def test_bad_token_forms_are_refused_and_make_nothing(client, sign_in, data):
    sign_in()
    data = {**data, "form_key": _form_key(client, "/account/tokens")}
    assert client.post("/account/tokens", data=data).status_code == 400
    assert db.session.scalars(select(ApiToken)).all() == []


def test_another_users_token_cannot_be_revoked(client, sign_in, make_user, token_for):
    owner = make_user()
    text = token_for(owner)
    token = db.session.scalar(select(ApiToken).where(ApiToken.user_id == owner.id))
    sign_in()
    assert client.post(f"/account/tokens/{token.id}/revoke").status_code == 404
    assert client.get("/api/v1/me", headers=bearer(text)).status_code == 200


def test_an_administrator_registers_a_client_and_sees_its_secret_once(client, sign_in):
    sign_in(Role.ADMIN)
    key = _form_key(client, "/admin/api-clients")
    page = client.post(
        "/admin/api-clients", data={"name": "Warehouse", "scopes": "read write", "form_key": key}
    )
    assert page.status_code == 201
    text = page.get_data(as_text=True)
    client_id = re.search(r'id="client-id"[^>]*value="([^"]+)"', text).group(1)
    secret = re.search(r'id="client-secret"[^>]*value="([^"]+)"', text).group(1)
    assert secret not in client.get("/admin/api-clients").get_data(as_text=True)
    row = db.session.scalar(select(OAuthClient).where(OAuthClient.client_id == client_id))
    assert row.secret_hash != secret
    token = client.post(
        "/api/v1/oauth/token",
        data={"grant_type": "client_credentials"},
        headers=_basic(client_id, secret),
        csrf=False,
    )
    assert token.get_json()["scope"] == "read write"
    assert client.post(f"/admin/api-clients/{row.id}/revoke").status_code == 302
    db.session.expire_all()
    assert db.session.get(OAuthClient, row.id).revoked_at is not None


def test_reloading_the_page_that_showed_a_token_makes_no_second_one(client, sign_in):
    user = sign_in()
    form = _token_form(client)
    first = client.post("/account/tokens", data=form)
    assert first.status_code == 201
    again = client.post("/account/tokens", data=form)  # what a reload of that page sends
    text = again.get_data(as_text=True)
    assert again.status_code == 409
    assert "Nothing new was made" in text and "“My CRM”" in text
    assert "gw_" not in text  # the first token's text is not shown again, nor a new one
    assert len(db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id)).all()) == 1
    # The page's form is a new one: the next token is made at once.
    fresh = re.search(r'name="form_key" type="hidden" value="([0-9a-f]{32})"', text).group(1)
    assert fresh != form["form_key"]
    assert client.post("/account/tokens", data={**form, "form_key": fresh}).status_code == 201


def test_a_form_key_is_one_owners_and_names_nobody_elses_token(client, sign_in, make_user):
    someone = make_user()
    key = "ab" * 16
    services.create_personal_token(someone, "Their secret project", "read", 30, form_key=key)
    me = sign_in()
    page = client.post("/account/tokens", data=_token_form(client, form_key=key))
    assert page.status_code == 201
    assert "Their secret project" not in page.get_data(as_text=True)
    assert db.session.scalar(select(ApiToken).where(ApiToken.user_id == me.id)).form_key == key


@pytest.mark.parametrize(
    "key",
    ["", "AB" * 16, "ab" * 15, "ab" * 17, "\uff10" * 32, "ab" * 16 + "\n"],
)
def test_a_missing_or_altered_form_key_is_refused_and_makes_nothing(client, sign_in, key):
    sign_in()
    form = _token_form(client)
    form["form_key"] = key  # type: ignore[assignment]
    page = client.post("/account/tokens", data=form)
    assert page.status_code == 400
    assert "This form is out of date" in page.get_data(as_text=True)
    assert db.session.scalars(select(ApiToken)).all() == []


def test_a_form_posted_twice_makes_one_token(client, sign_in):
    """The unique constraint alone decides, so two posts of one form at the same moment
    meet the same refusal as a reload: the second flush fails and names the first token."""
    user = sign_in()
    key = "cd" * 16
    services.create_personal_token(user, "First", "read", 30, form_key=key)
    with pytest.raises(services.AlreadyMade) as made:
        services.create_personal_token(user, "Second", "read", 30, form_key=key)
    assert made.value.name == "First"
    assert [t.name for t in db.session.scalars(select(ApiToken))] == ["First"]


def test_reloading_the_page_that_showed_a_client_secret_registers_no_second_client(client, sign_in):
    sign_in(Role.ADMIN)
    form = {
        "name": "Warehouse",
        "scopes": "read",
        "form_key": _form_key(client, "/admin/api-clients"),
    }
    assert client.post("/admin/api-clients", data=form).status_code == 201
    again = client.post("/admin/api-clients", data=form)
    text = again.get_data(as_text=True)
    assert again.status_code == 409
    assert "Nothing new was registered" in text and 'id="client-secret"' not in text
    assert len(db.session.scalars(select(OAuthClient)).all()) == 1
    form["form_key"] = "not a key"
    assert client.post("/admin/api-clients", data=form).status_code == 400
    assert len(db.session.scalars(select(OAuthClient)).all()) == 1


def test_the_reference_page_is_rendered_from_the_document_and_linked_in_the_footer(client):
    home = client.get("/").get_data(as_text=True)
    footer = home.split('class="site-footer"')[1]
    assert 'href="/api"' in footer
    page = client.get("/api")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    doc = client.get("/api/v1/openapi.json").get_json()
    for path, item in doc["paths"].items():
        for method, op in item.items():
            assert f"{method.upper()} {path}" in text
            assert f'id="{op["operationId"]}"' in text
    assert "<script" not in text.split("<main")[1]
