"""`Cache-Control: no-store` on every signed-in page and personal download.

Names, license numbers and certificates must not stay in a shared computer's browser
cache (or a proxy's) for the next person to open with the back button.
"""

from __future__ import annotations

from app.accounts.models import Role
from tests.certificates.helpers import earn_certificate
from tests.factories import make_course


def test_every_page_and_download_of_a_signed_in_learner_is_no_store(client, sign_in):
    course = make_course(modules=1)
    learner = sign_in()
    certificate = earn_certificate(client, course, learner.id)
    module = course.active_modules[0]
    lesson = module.lessons[0]
    paths = [
        "/",
        "/dashboard",
        "/account",
        "/account/password",
        "/account/delete",
        f"/courses/{course.slug}",
        f"/courses/{course.slug}/{module.slug}/{lesson.slug}",
        f"/courses/{course.slug}/certificate",
        f"/certificates/{certificate.public_id}",
        f"/certificates/{certificate.public_id}/credential.json",
        f"/certificates/{certificate.public_id}/certificate.pdf",
        "/transcript",
        "/transcript.csv",
        "/transcript.pdf",
        f"/verify/{certificate.public_id}",
        "/no/such/page",
    ]
    for path in paths:
        response = client.get(path)
        assert response.status_code in {200, 302, 404}, path
        assert response.headers.get("Cache-Control") == "no-store", path
    # Signed out, public pages may be cached again, and nothing personal is served.
    client.post("/sign-out")
    for path in ("/", f"/verify/{certificate.public_id}"):
        assert "no-store" not in client.get(path).headers.get("Cache-Control", ""), path
    assert client.get("/transcript.csv").status_code == 302


def test_every_page_an_administrator_can_open_is_no_store(app, client, sign_in):
    course = make_course(modules=1)
    sign_in(Role.ADMIN)
    paths = [
        rule.rule
        for rule in app.url_map.iter_rules()
        if "GET" in rule.methods and not rule.arguments and rule.endpoint != "static"
    ]
    paths += [
        f"/records/{course.slug}",
        f"/records/{course.slug}/completions.csv",
        f"/records/{course.slug}/participants.csv",
        f"/records/{course.slug}/evaluations.csv",
        f"/teaching/{course.slug}",
        f"/teaching/{course.slug}/export.zip",
    ]
    assert len(paths) > 20
    for path in paths:
        response = client.get(path)
        assert response.headers.get("Cache-Control") == "no-store", (path, response.status_code)
