"""Deleting an account anonymises it; CE records and certificate verification remain."""

from __future__ import annotations

from sqlalchemy import func, select

from app.accounts.models import Role, User
from app.audit.models import AuditEvent
from app.db import db
from app.learning.models import Enrollment
from tests.certificates.helpers import earn_certificate
from tests.factories import make_course


def test_a_learner_deletes_their_account_and_the_certificate_still_verifies(client, sign_in):
    course = make_course(modules=1)
    user = sign_in()
    name, email = user.legal_name, user.email
    certificate = earn_certificate(client, course, user.id)
    wrong = client.post("/account/delete", data={"password": "not it"}).get_data(as_text=True)
    assert "That password is not right." in wrong
    response = client.post("/account/delete", data={"password": "correct horse battery"})
    assert response.status_code == 302
    db.session.expire_all()
    gone = db.session.get(User, user.id)
    assert gone.email != email and gone.legal_name == "Deleted account"
    assert gone.license_number is None and not gone.is_active
    assert db.session.scalar(select(func.count()).select_from(Enrollment)) == 1
    page = client.get(f"/verify/{certificate.public_id}").get_data(as_text=True)
    assert "This certificate is valid" in page and name in page
    assert (
        client.post(
            "/sign-in", data={"email": email, "password": "correct horse battery"}
        ).status_code
        == 200
    )
    assert (
        db.session.scalar(select(AuditEvent.action).where(AuditEvent.action == "user.anonymised"))
        == "user.anonymised"
    )


def test_an_administrator_cannot_delete_their_own_account(client, sign_in):
    sign_in(Role.ADMIN)
    page = client.post("/account/delete", data={"password": "correct horse battery"}).get_data(
        as_text=True
    )
    assert "ask another administrator" in page
