"""The JSON API: authentication, the same ownership rules as the pages, strict input,
problem details, cursors, rate limits per token and the OpenAPI document."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from freezegun import freeze_time
from sqlalchemy import select

from app.accounts.models import Role
from app.api import services
from app.api.models import ApiToken
from app.api.operations import REGISTRY
from app.db import db
from tests.api.conftest import bearer, json_of

PROBLEM = "application/problem+json"


def test_the_document_is_openapi_3_1_and_lists_every_api_route(client, app):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    doc = response.get_json()
    assert doc["openapi"] == "3.1.0"
    assert doc["servers"] == [{"url": "http://groundwork.test/api/v1"}]
    documented = {(op.method, op.rule) for op in REGISTRY}
    routed = {
        (method, rule.rule.removeprefix("/api/v1"))
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/v1/")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert routed == documented
    for path, item in doc["paths"].items():
        for method, op in item.items():
            assert (method.upper(), path.replace("{", "<").replace("}", ">")) in {
                (m, r.replace("<int:", "<")) for m, r in documented
            }
            for response_doc in op["responses"].values():
                for content in response_doc.get("content", {}).values():
                    name = content["schema"]["$ref"].split("/")[-1]
                    assert name in doc["components"]["schemas"]


def test_the_document_passes_the_openapi_3_1_specifications_own_validator(client):
    from openapi_spec_validator import OpenAPIV31SpecValidator, validate

    doc = client.get("/api/v1/openapi.json").get_json()
    validate(doc, cls=OpenAPIV31SpecValidator)  # raises, naming the fault, when invalid
    broken = {**doc, "paths": {"/x": {"get": {"responses": {"200": {}}}}}}
    with pytest.raises(Exception, match="description"):
        validate(broken, cls=OpenAPIV31SpecValidator)


def test_public_operations_answer_any_origin_and_need_no_token(client, world):
    response = client.get("/api/v1/courses", headers={"Origin": "https://crm.example"})
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert [c["slug"] for c in response.get_json()["items"]] == [world.course.slug]
    detail = client.get(f"/api/v1/courses/{world.course.slug}").get_json()
    assert detail["modules"][0]["lessons"]
    missing = client.get("/api/v1/courses/no-such-course")
    assert missing.status_code == 404
    assert missing.mimetype == PROBLEM
    assert json_of(missing)["status"] == 404
    # Operations that need a token say nothing about CORS: browsers of other sites refuse.
    assert "Access-Control-Allow-Origin" not in client.get("/api/v1/me").headers


def test_verification_shows_what_the_public_page_shows(client, world):
    from app.certificates.identifiers import display_id

    shown = display_id(world.certificate.public_id)
    body = client.get(f"/api/v1/certificates/{shown}/verification").get_json()
    assert body["status"] == "valid"
    assert body["learner_name"] == world.certificate.learner_name
    assert set(body) == {
        "id",
        "status",
        "learner_name",
        "course_title",
        "completed_on",
        "ce_hours",
        "replaced_by",
        "revoked_on",
    }
    unknown = client.get("/api/v1/certificates/GW-0000/verification")
    assert unknown.status_code == 404 and unknown.mimetype == PROBLEM


def test_verification_shares_the_pages_budget_per_address(client, app, world):
    app.config["VERIFY_LIMIT_PER_IP"] = "3 per minute"
    statuses = [
        client.get("/api/v1/certificates/GW-0000/verification").status_code for _ in range(3)
    ]
    assert statuses == [404, 404, 404]
    refused = client.get("/api/v1/certificates/GW-0000/verification")
    assert refused.status_code == 429
    assert refused.mimetype == PROBLEM and int(refused.headers["Retry-After"]) >= 1
    assert client.get("/verify/GW-0000").status_code == 429  # the page's budget is the same


@pytest.mark.parametrize(
    "header",
    [None, "Bearer", "Basic dXNlcjpwYXNz", "Bearer gw_0123456789abcdef_wrong", "Bearer nonsense"],
)
def test_requests_without_a_valid_token_are_unauthenticated(client, world, header):
    headers = {"Authorization": header} if header else {}
    response = client.get("/api/v1/me", headers=headers)
    assert response.status_code == 401
    assert response.mimetype == PROBLEM
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_tokens_are_kept_only_as_a_hash(world, token_for):
    text = token_for(world.alice)
    row = db.session.scalar(select(ApiToken).where(ApiToken.user_id == world.alice.id))
    assert row.secret_hash not in text
    assert text.split("_")[2] not in (row.secret_hash, row.selector)


def test_expired_revoked_and_deactivated_tokens_stop_working(client, world, token_for):
    text = token_for(world.alice, days=1)
    assert client.get("/api/v1/me", headers=bearer(text)).status_code == 200
    with freeze_time(dt.datetime.now(dt.UTC) + dt.timedelta(days=1, seconds=1)):
        assert client.get("/api/v1/me", headers=bearer(text)).status_code == 401
    token = db.session.scalar(select(ApiToken).where(ApiToken.user_id == world.alice.id))
    services.revoke_personal_token(world.alice, token.id)
    assert client.get("/api/v1/me", headers=bearer(text)).status_code == 401
    other = token_for(world.bob)
    world.bob.is_active = False
    db.session.commit()
    assert client.get("/api/v1/me", headers=bearer(other)).status_code == 401


def test_a_learner_reads_only_their_own_records(client, world, token_for):
    alice, bob = bearer(token_for(world.alice)), bearer(token_for(world.bob))
    mine = client.get("/api/v1/me/certificates", headers=alice).get_json()["items"]
    assert [c["status"] for c in mine] == ["valid"]
    assert client.get("/api/v1/me/certificates", headers=bob).get_json()["items"] == []
    assert client.get("/api/v1/me", headers=bob).get_json()["email"] == world.bob.email
    enrollment = client.get("/api/v1/me/enrollments", headers=bob).get_json()["items"]
    assert [e["course"] for e in enrollment] == [world.course.slug]
    assert enrollment[0]["completed_at"] is None and enrollment[0]["percent"] == 0
    done = client.get("/api/v1/me/enrollments", headers=alice).get_json()["items"][0]
    assert done["percent"] == 100 and done["steps_done"] == done["steps_total"]
    attempts = client.get("/api/v1/me/attempts", headers=alice).get_json()["items"]
    assert attempts and all(a["passed"] for a in attempts)
    assert client.get("/api/v1/me/attempts", headers=bob).get_json()["items"] == []
    transcript = client.get("/api/v1/me/transcript", headers=alice).get_json()
    assert transcript["credited_hours"] == float(world.course.ce_hours)
    assert client.get("/api/v1/me/transcript", headers=bob).get_json()["certificates"] == []


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/users",
        "/api/v1/enrollments",
        "/api/v1/completions",
        "/api/v1/ce-records",
        "/api/v1/webhooks",
    ],
)
@pytest.mark.parametrize("role", [Role.LEARNER, Role.INSTRUCTOR])
def test_providers_records_are_for_administrators_only(client, make_user, token_for, path, role):
    response = client.get(path, headers=bearer(token_for(make_user(role))))
    assert response.status_code == 403
    assert response.mimetype == PROBLEM


def test_a_token_follows_its_owners_role_now(client, make_user, token_for):
    admin = make_user(Role.ADMIN)
    text = token_for(admin)
    assert client.get("/api/v1/users", headers=bearer(text)).status_code == 200
    admin.role = Role.LEARNER.value
    db.session.commit()
    assert client.get("/api/v1/users", headers=bearer(text)).status_code == 403


def test_writing_needs_the_write_scope(client, world, token_for):
    body = {"url": "https://hooks.example/groundwork", "events": ["certificate.issued"]}
    read_only = bearer(token_for(world.admin, "read"))
    refused = client.post("/api/v1/webhooks", json=body, headers=read_only, csrf=False)
    assert refused.status_code == 403
    assert json_of(refused)["error"] == "insufficient_scope"
    writer = bearer(token_for(world.admin, "read write"))
    assert client.post("/api/v1/webhooks", json=body, headers=writer, csrf=False).status_code == 201


def test_ce_records_are_the_accreditors_completions_csv(client, world, token_for):
    admin = bearer(token_for(world.admin))
    records = client.get("/api/v1/ce-records", headers=admin).get_json()["items"]
    from app.records.services import completions_csv

    rows = list(csv.reader(io.StringIO(completions_csv(world.course, None, None))))[1:]
    assert [
        (r["name"], r["email"], r["license_number"], r["completed_on"], r["id"], r["status"])
        for r in records
    ] == [(r[0], r[1], r[3], r[5], r[8], r[9]) for r in rows]
    assert [float(r[6]) for r in rows] == [r["ce_hours"] for r in records]


def test_provider_lists_filter_by_dates_and_course(client, world, token_for):
    admin = bearer(token_for(world.admin))
    today = dt.datetime.now(dt.UTC).date()
    tomorrow, yesterday = today + dt.timedelta(days=1), today - dt.timedelta(days=1)

    def count(path: str, **query: str) -> int:
        response = client.get(path, query_string=query, headers=admin)
        assert response.status_code == 200, response.get_data(as_text=True)
        return len(response.get_json()["items"])

    assert count("/api/v1/enrollments") == 2
    assert count("/api/v1/completions") == 1
    assert count("/api/v1/completions", **{"from": today.isoformat(), "to": today.isoformat()}) == 1
    assert count("/api/v1/completions", **{"from": tomorrow.isoformat()}) == 0
    assert count("/api/v1/ce-records", to=yesterday.isoformat()) == 0
    assert count("/api/v1/ce-records", course=world.course.slug) == 1
    unknown = client.get("/api/v1/ce-records?course=nope", headers=admin)
    assert unknown.status_code == 400
    backwards = client.get(f"/api/v1/ce-records?from={tomorrow}&to={today}", headers=admin)
    assert backwards.status_code == 400


def test_cursors_page_through_and_refuse_tampering(client, make_user, token_for):
    admin = make_user(Role.ADMIN)
    for _ in range(4):
        make_user()
    headers = bearer(token_for(admin))
    seen, cursor = [], None
    while True:
        query = {"limit": "2", **({"cursor": cursor} if cursor else {})}
        page = client.get("/api/v1/users", query_string=query, headers=headers).get_json()
        seen += [u["id"] for u in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == sorted(seen) and len(seen) == 5
    first = client.get("/api/v1/users?limit=1", headers=headers).get_json()["next_cursor"]
    tampered = first[:-2] + ("A" if first[-2] != "A" else "B") + first[-1]
    for bad in (tampered, "abc", first + "x"):
        response = client.get("/api/v1/users", query_string={"cursor": bad}, headers=headers)
        assert response.status_code == 400, bad
        assert response.mimetype == PROBLEM
    # A cursor belongs to its list and filters.
    assert client.get(f"/api/v1/webhooks?cursor={first}", headers=headers).status_code == 400
    assert client.get(f"/api/v1/users?cursor={first}&limit=1", headers=headers).status_code == 200


@pytest.mark.parametrize(
    "query",
    [
        "limit=0",
        "limit=101",
        "limit=abc",
        "limit=+5",
        "limit=5.0",
        "limit=1e2",
        "limit= 5",
        "limit=99999999999999999999",
        "limit=1&limit=2",
        "unknown=1",
        "from=2026-13-01",
        "from=20261101",
        "from=2026-1-1",
        "from=2026-02-30",
        "to=yesterday",
        "course=UPPER",
    ],
)
def test_other_spellings_of_parameters_are_refused(client, world, token_for, query):
    response = client.get(f"/api/v1/ce-records?{query}", headers=bearer(token_for(world.admin)))
    assert response.status_code == 400
    assert response.mimetype == PROBLEM
    assert json_of(response)["detail"]


@pytest.mark.parametrize(
    ("body", "content_type", "status"),
    [
        (b"{", "application/json", 400),
        (
            b'{"url": "https://a.example/x", "url": "https://b.example/y", "events": []}',
            "application/json",
            400,
        ),
        (b'{"url": NaN, "events": ["certificate.issued"]}', "application/json", 400),
        (b'{"url": 1' + b"0" * 400 + b', "events": []}', "application/json", 400),
        (b'{"url": 1e999, "events": []}', "application/json", 400),
        (b"\xff\xfe{}", "application/json", 400),
        (
            b'{"url": "https://a.example/x", "events": ["certificate.issued"], "x": 1}',
            "application/json",
            422,
        ),
        (b'{"url": 5, "events": ["certificate.issued"]}', "application/json", 422),
        (
            b'{"url": "https://a.example/x", "events": "certificate.issued"}',
            "application/json",
            422,
        ),
        (b'{"url": "https://a.example/x", "events": ["everything"]}', "application/json", 422),
        (b'{"url": "https://a.example/x", "events": []}', "application/json", 422),
        (
            b'{"url": "ftp://a.example/x", "events": ["certificate.issued"]}',
            "application/json",
            422,
        ),
        (
            b'{"url": "https://user:pw@a.example/x", "events": ["certificate.issued"]}',
            "application/json",
            422,
        ),
        (b"[]", "application/json", 422),
        (b"null", "application/json", 422),
        (b"url=https://a.example/x", "application/x-www-form-urlencoded", 415),
        (
            b'{"url": "https://a.example/' + b"x" * 20000 + b'", "events": []}',
            "application/json",
            413,
        ),
    ],
)
def test_bad_bodies_get_problem_details_and_change_nothing(
    client, world, token_for, body, content_type, status
):
    headers = {**bearer(token_for(world.admin, "read write")), "Content-Type": content_type}
    response = client.post("/api/v1/webhooks", data=body, headers=headers)
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == PROBLEM
    from app.api.models import WebhookSubscription

    assert db.session.scalars(select(WebhookSubscription)).all() == []


def test_a_webhook_secret_is_shown_once_and_deleting_is_by_id(client, world, token_for):
    headers = bearer(token_for(world.admin, "read write"))
    body = {"url": "https://hooks.example/in", "events": ["certificate.issued"]}
    created = client.post("/api/v1/webhooks", json=body, headers=headers, csrf=False).get_json()
    assert created["secret"].startswith("whsec_")
    listed = client.get("/api/v1/webhooks", headers=headers).get_json()["items"]
    assert [w["id"] for w in listed] == [created["id"]] and "secret" not in listed[0]
    assert client.delete(f"/api/v1/webhooks/{created['id']}", headers=headers).status_code == 204
    again = client.delete(f"/api/v1/webhooks/{created['id']}", headers=headers)
    assert again.status_code == 404 and again.mimetype == PROBLEM
    assert client.get("/api/v1/webhooks", headers=headers).get_json()["items"] == []


def test_the_api_refuses_a_webhook_on_a_port_of_another_protocol(client, world, token_for):
    headers = bearer(token_for(world.admin, "read write"))
    body = {"url": "https://hooks.example:587/in", "events": ["certificate.issued"]}
    response = client.post("/api/v1/webhooks", json=body, headers=headers, csrf=False)
    assert response.status_code == 422 and response.mimetype == PROBLEM
    assert "port 587" in json_of(response)["detail"]
    assert client.get("/api/v1/webhooks", headers=headers).get_json()["items"] == []


def test_unknown_paths_and_methods_under_the_api_are_problems(client):
    missing = client.get("/api/v1/nothing-here")
    assert missing.status_code == 404 and missing.mimetype == PROBLEM
    wrong = client.put("/api/v1/courses")
    assert wrong.status_code == 405 and wrong.mimetype == PROBLEM
    assert "GET" in wrong.headers["Allow"]


def test_a_foreign_host_is_refused(client):
    response = client.get("/api/v1/courses", headers={"Host": "evil.example"})
    assert response.status_code == 400


def test_rate_limits_are_counted_per_token(client, app, world, token_for):
    app.config["API_RATE_LIMIT"] = "3 per minute"
    first, second = bearer(token_for(world.alice)), bearer(token_for(world.bob))
    assert [client.get("/api/v1/me", headers=first).status_code for _ in range(3)] == [200] * 3
    refused = client.get("/api/v1/me", headers=first)
    assert refused.status_code == 429 and refused.mimetype == PROBLEM
    assert "Retry-After" in refused.headers
    assert client.get("/api/v1/me", headers=second).status_code == 200


def test_the_api_ignores_the_session_cookie(client, world, sign_in):
    sign_in(user=world.alice)
    assert client.get("/api/v1/me").status_code == 401


@pytest.mark.parametrize(
    "url",
    [
        "http://hooks.example/in",
        "https://localhost/in",
        "https://127.0.0.1/in",
        "https://10.0.0.5/in",
        "https://[::1]/in",
        "https://169.254.169.254/latest",
        "https://db.internal/in",
        "https://user@hooks.example/in",
        "https://hooks.example/#x",
    ],
)
def test_production_webhooks_go_only_to_public_https_hosts(url):
    with pytest.raises(services.ApiError):
        services.check_webhook_url(url, allow_http=False)
    assert services.check_webhook_url("https://hooks.example/in", allow_http=False)


def test_the_document_is_also_at_the_sites_root(client):
    root = client.get("/openapi.json")
    assert root.status_code == 200 and root.mimetype == "application/json"
    assert root.get_json() == client.get("/api/v1/openapi.json").get_json()
    assert root.get_json()["openapi"].startswith("3.1")
    assert root.headers["Access-Control-Allow-Origin"] == "*"
