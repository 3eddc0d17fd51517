"""A correction goes through an administrator; a learner can no longer re-issue at will."""

from __future__ import annotations

import datetime as dt

from freezegun import freeze_time
from sqlalchemy import func, select

from app.accounts.models import Role
from app.audit.models import AuditEvent
from app.certificates.corrections import decline_correction
from app.certificates.identifiers import display_id
from app.certificates.models import Certificate, CertificateCorrection
from app.db import db
from tests.certificates.helpers import earn_certificate
from tests.factories import make_course

NEW = {
    "legal_name": "Dana Rivera-Okafor",
    "profession": "Psychologist",
    "license_number": "PSY 77001",
    "license_state": "CA",
    "reason": "My name changed when I married; my license was renewed under it.",
}


def certificates() -> int:
    return db.session.scalar(select(func.count()).select_from(Certificate)) or 0


def corrections() -> list[CertificateCorrection]:
    db.session.expire_all()
    return list(
        db.session.scalars(select(CertificateCorrection).order_by(CertificateCorrection.id))
    )


def switch(client, sign_in, role=Role.ADMIN, user=None):  # type: ignore[no-untyped-def]
    """Sign out and in again as someone else."""
    client.post("/sign-out")
    return sign_in(role, user)


def test_a_correction_is_asked_reviewed_and_approved(client, sign_in):
    learner = sign_in()
    old = earn_certificate(client, make_course(modules=1), learner.id)
    page = client.get(f"/certificates/{old.public_id}").get_data(as_text=True)
    assert "Ask for a correction" in page
    form = client.get(f"/certificates/{old.public_id}/correction").get_data(as_text=True)
    assert learner.legal_name in form  # prefilled from the profile
    response = client.post(f"/certificates/{old.public_id}/correction", data=NEW)
    assert response.status_code == 302
    page = client.get(f"/certificates/{old.public_id}").get_data(as_text=True)
    assert "Correction requested" in page and "Dana Rivera-Okafor" in page
    assert certificates() == 1 and db.session.get(Certificate, old.id).status == "valid"

    admin = switch(client, sign_in)
    listing = client.get("/admin/corrections").get_data(as_text=True)
    assert "Dana Rivera-Okafor" in listing and learner.legal_name in listing
    (request,) = corrections()
    review = client.get(f"/admin/corrections/{request.id}").get_data(as_text=True)
    assert NEW["reason"] in review
    assert learner.legal_name in review and "Dana Rivera-Okafor" in review  # side by side
    response = client.post(f"/admin/corrections/{request.id}/approve", data={"note": ""})
    assert response.status_code == 302

    db.session.expire_all()
    new = db.session.scalar(select(Certificate).where(Certificate.replaces_id == old.id))
    assert response.location.endswith(f"/admin/certificates/{new.public_id}")
    assert (new.learner_name, new.license_number) == ("Dana Rivera-Okafor", "PSY 77001")
    assert (new.course_title, new.completed_on, new.ce_hours) == (
        old.course_title,
        old.completed_on,
        old.ce_hours,
    )
    assert db.session.get(Certificate, old.id).status == "replaced"
    assert corrections()[0].state == "approved" and corrections()[0].replacement_id == new.id
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "certificate.reissued"))
    assert event.actor_id == admin.id and event.details["replaces"] == old.public_id
    assert event.details["old"]["learner_name"] == learner.legal_name
    assert event.details["new"]["learner_name"] == "Dana Rivera-Okafor"
    verify = client.get(f"/verify/{old.public_id}").get_data(as_text=True)
    assert "was replaced" in verify and display_id(new.public_id) in verify


def test_a_learner_cannot_reissue_or_move_a_certificate_themselves(client, sign_in):
    learner = sign_in()
    certificate = earn_certificate(client, make_course(modules=1), learner.id)
    printed = learner.legal_name
    client.post("/account", data={k: v for k, v in NEW.items() if k != "reason"})
    for _ in range(6):
        response = client.post(f"/certificates/{certificate.public_id}/reissue")
        assert response.status_code in (404, 405)
    db.session.expire_all()
    assert certificates() == 1
    assert db.session.get(Certificate, certificate.id).learner_name == printed
    assert db.session.get(Certificate, certificate.id).status == "valid"


def test_nobody_asks_to_correct_someone_elses_certificate(client, sign_in):
    owner = sign_in()
    certificate = earn_certificate(client, make_course(modules=1), owner.id)
    switch(client, sign_in, Role.LEARNER)
    assert client.get(f"/certificates/{certificate.public_id}/correction").status_code == 404
    response = client.post(f"/certificates/{certificate.public_id}/correction", data=NEW)
    assert response.status_code == 404 and corrections() == []


def test_requests_are_throttled_and_must_change_something_and_say_why(client, sign_in):
    learner = sign_in()
    certificate = earn_certificate(client, make_course(modules=1), learner.id)
    path = f"/certificates/{certificate.public_id}/correction"
    same = {
        "legal_name": learner.legal_name,
        "profession": learner.profession,
        "license_number": learner.license_number,
        "license_state": learner.license_state,
        "reason": "no change",
    }
    page = client.post(path, data=same).get_data(as_text=True)
    assert "already carries" in page
    page = client.post(path, data={**NEW, "reason": " "}).get_data(as_text=True)
    assert "Say why the certificate needs correcting." in page
    assert corrections() == []
    assert client.post(path, data=NEW).status_code == 302
    page = client.post(path, data={**NEW, "legal_name": "Another Name"}).get_data(as_text=True)
    assert "already awaiting review" in page
    assert len(corrections()) == 1


def test_at_most_three_requests_in_thirty_days(client, sign_in, make_user):
    learner = sign_in()
    admin = make_user(Role.ADMIN)
    course = make_course(modules=1)
    certificate = earn_certificate(client, course, learner.id)
    path = f"/certificates/{certificate.public_id}/correction"
    for number in range(3):
        assert client.post(path, data={**NEW, "legal_name": f"Name {number}"}).status_code == 302
        # an administrator declines each, so none stays open
        decline_correction(admin, corrections()[-1], "No evidence.")
    page = client.post(path, data={**NEW, "legal_name": "Name 4"}).get_data(as_text=True)
    assert "3 corrections in 30 days" in page and len(corrections()) == 3
    with freeze_time(dt.datetime.now(dt.UTC) + dt.timedelta(days=31)):
        client.post("/sign-in", data={"email": learner.email, "password": "correct horse battery"})
        assert client.post(path, data={**NEW, "legal_name": "Name 4"}).status_code == 302


def test_a_decline_needs_a_note_that_the_learner_reads(client, sign_in):
    learner = sign_in()
    certificate = earn_certificate(client, make_course(modules=1), learner.id)
    client.post(f"/certificates/{certificate.public_id}/correction", data=NEW)
    (request,) = corrections()
    switch(client, sign_in)
    page = client.post(f"/admin/corrections/{request.id}/decline", data={"note": ""})
    assert "Say why the request is declined" in page.get_data(as_text=True)
    assert corrections()[0].state == "pending"
    client.post(f"/admin/corrections/{request.id}/decline", data={"note": "Send the license."})
    assert corrections()[0].state == "declined" and certificates() == 1
    again = client.post(f"/admin/corrections/{request.id}/approve", data={"note": ""})
    assert "already declined" in again.get_data(as_text=True) and certificates() == 1
    switch(client, sign_in, user=learner)
    page = client.get(f"/certificates/{certificate.public_id}").get_data(as_text=True)
    assert "was declined" in page and "Send the license." in page
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "certificate.correction_declined")
    )
    assert event.details["new"]["learner_name"] == "Dana Rivera-Okafor"


def test_an_administrator_cannot_approve_their_own_request(client, sign_in):
    admin = sign_in(Role.ADMIN)
    certificate = earn_certificate(client, make_course(modules=1), admin.id)
    client.post(f"/certificates/{certificate.public_id}/correction", data=NEW)
    (request,) = corrections()
    page = client.post(f"/admin/corrections/{request.id}/approve", data={"note": ""})
    assert "Another administrator must review" in page.get_data(as_text=True)
    assert certificates() == 1 and corrections()[0].state == "pending"


def test_a_revoked_certificate_is_not_corrected(client, sign_in):
    learner = sign_in()
    certificate = earn_certificate(client, make_course(modules=1), learner.id)
    client.post(f"/certificates/{certificate.public_id}/correction", data=NEW)
    (request,) = corrections()
    switch(client, sign_in)
    client.post(
        f"/admin/certificates/{certificate.public_id}/revoke",
        data={"reason": "Fraud", "confirm": "yes"},
    )
    page = client.post(f"/admin/corrections/{request.id}/approve", data={"note": ""})
    assert "revoked now; decline the request instead" in page.get_data(as_text=True)
    assert certificates() == 1


def test_learners_do_not_reach_the_review(client, sign_in):
    learner = sign_in()
    certificate = earn_certificate(client, make_course(modules=1), learner.id)
    client.post(f"/certificates/{certificate.public_id}/correction", data=NEW)
    (request,) = corrections()
    assert client.get("/admin/corrections").status_code in (403, 404)
    response = client.post(f"/admin/corrections/{request.id}/approve", data={"note": ""})
    assert response.status_code in (403, 404) and certificates() == 1
