"""An administrator deletes someone's account by anonymising it; records and certificates stay."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.accounts.models import Role, User
from app.accounts.services import AccountError, anonymise
from app.audit.models import AuditEvent
from app.db import db
from app.learning.models import Enrollment
from tests.certificates.helpers import earn_certificate
from tests.factories import make_course


def _events() -> list[AuditEvent]:
    return list(
        db.session.scalars(select(AuditEvent).where(AuditEvent.action == "user.anonymised"))
    )


def test_an_admin_anonymises_a_learner_whose_certificate_still_verifies(client, sign_in):
    course = make_course(modules=1)
    learner = sign_in()
    name, email = learner.legal_name, learner.email
    certificate = earn_certificate(client, course, learner.id)
    client.post("/sign-out")
    admin = sign_in(Role.ADMIN)

    page = client.get(f"/admin/users/{learner.id}/anonymise").get_data(as_text=True)
    assert "It cannot be undone" in page and email in page
    assert "Their 1 certificate keeps the details printed on it" in page
    response = client.post(
        f"/admin/users/{learner.id}/anonymise",
        data={"email": f"  {email.upper()} "},
        follow_redirects=True,
    )
    assert f"{name}&#39;s account is anonymised; their CE records are kept." in (
        response.get_data(as_text=True)
    )

    db.session.expire_all()
    gone = db.session.get(User, learner.id)
    assert gone.legal_name == "Deleted account" and gone.email != email
    assert gone.license_number is None and not gone.is_active
    assert db.session.scalar(select(func.count()).select_from(Enrollment)) == 1
    [event] = _events()
    assert (event.actor_id, event.subject_id) == (admin.id, str(learner.id))
    # Verification shows what docs/security.md says it keeps: the printed name.
    client.post("/sign-out")
    verified = client.get(f"/verify/{certificate.public_id}").get_data(as_text=True)
    assert "This certificate is valid" in verified and name in verified
    refused = client.post("/sign-in", data={"email": email, "password": "correct horse battery"})
    assert refused.status_code == 200


def test_the_wrong_email_changes_nothing_and_says_so(client, make_user, sign_in):
    learner = make_user()
    sign_in(Role.ADMIN)
    for typed in ("someone-else@example.com", ""):
        page = client.post(f"/admin/users/{learner.id}/anonymise", data={"email": typed}).get_data(
            as_text=True
        )
        assert "nothing was changed" in page or "Type the account&#39;s email to confirm." in page
    db.session.expire_all()
    assert db.session.get(User, learner.id).legal_name == learner.legal_name
    assert _events() == []


def test_an_admin_cannot_anonymise_themself(client, sign_in):
    admin = sign_in(Role.ADMIN)
    page = client.post(f"/admin/users/{admin.id}/anonymise", data={"email": admin.email}).get_data(
        as_text=True
    )
    assert "ask another administrator" in page
    db.session.expire_all()
    assert db.session.get(User, admin.id).is_active
    assert _events() == []
    users = client.get("/admin/users").get_data(as_text=True)
    assert f'href="/admin/users/{admin.id}/anonymise"' not in users


def test_the_last_active_administrator_is_kept(make_user):
    only_admin = make_user(Role.ADMIN)
    other_admin = make_user(Role.ADMIN)
    other_admin.is_active = False
    db.session.commit()
    with pytest.raises(AccountError, match="last active administrator"):
        anonymise(other_admin, only_admin)
    assert db.session.get(User, only_admin.id).is_active


def test_another_administrator_can_be_anonymised(client, make_user, sign_in):
    colleague = make_user(Role.ADMIN)
    sign_in(Role.ADMIN)
    response = client.post(
        f"/admin/users/{colleague.id}/anonymise", data={"email": colleague.email}
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, colleague.id).legal_name == "Deleted account"


def test_an_anonymised_account_cannot_be_anonymised_again(client, make_user, sign_in):
    learner = make_user()
    email = learner.email
    sign_in(Role.ADMIN)
    client.post(f"/admin/users/{learner.id}/anonymise", data={"email": email})
    db.session.expire_all()
    anonymised_email = db.session.get(User, learner.id).email
    page = client.get(f"/admin/users/{learner.id}/anonymise").get_data(as_text=True)
    assert "already anonymised" in page
    page = client.post(
        f"/admin/users/{learner.id}/anonymise", data={"email": anonymised_email}
    ).get_data(as_text=True)
    assert "already anonymised" in page
    assert len(_events()) == 1


@pytest.mark.parametrize("role", [Role.LEARNER, Role.INSTRUCTOR])
def test_instructors_and_learners_are_refused_and_nothing_changes(client, make_user, sign_in, role):
    learner = make_user()
    sign_in(role)
    assert client.get(f"/admin/users/{learner.id}/anonymise").status_code == 403
    response = client.post(f"/admin/users/{learner.id}/anonymise", data={"email": learner.email})
    assert response.status_code == 403
    assert "You do not have access to this page" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, learner.id).legal_name == learner.legal_name


def test_visitors_are_sent_to_sign_in(client, make_user):
    learner = make_user()
    response = client.post(f"/admin/users/{learner.id}/anonymise", data={"email": learner.email})
    assert response.status_code == 302 and "/sign-in" in response.location
    db.session.expire_all()
    assert db.session.get(User, learner.id).is_active


def test_an_unknown_account_is_not_found(client, sign_in):
    sign_in(Role.ADMIN)
    assert client.get("/admin/users/99999/anonymise").status_code == 404
    assert client.post("/admin/users/99999/anonymise", data={"email": "x@y.z"}).status_code == 404


def test_a_deleted_account_cannot_be_reactivated(client, make_user, sign_in):
    learner = make_user(legal_name="Rosa Delgado")
    admin = sign_in(Role.ADMIN)
    anonymise(admin, learner)
    page = client.get("/admin/users?q=deleted").get_data(as_text=True)
    row = page[page.index("Deleted account") :].split("</tr>")[0]
    assert "Deleted; cannot be reactivated" in row and "Reactivate" not in row
    # The attacker's move: post the form the page no longer shows.
    response = client.post(
        f"/admin/users/{learner.id}/active", data={"active": "1"}, follow_redirects=True
    )
    assert "A deleted (anonymised) account cannot be reactivated." in response.get_data(
        as_text=True
    )
    db.session.expire_all()
    assert not db.session.get(User, learner.id).is_active
    assert not list(
        db.session.scalars(select(AuditEvent).where(AuditEvent.action == "user.reactivated"))
    )
