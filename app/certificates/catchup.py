"""Certificates that catch up: learners who finished before the approval period opened.

``issue_if_ready`` runs when a learner completes, evaluates or attests. A learner who did
all three before the course's approval period opened met every condition but the date,
and nothing they do afterwards is one of those moments. So the certificate is issued the
first time any of these runs once the period is open: their next sign-in, their dashboard
or claim page, or ``flask certificates catch-up`` (scheduled daily; docs/completion.md).
"""

from __future__ import annotations

import datetime as dt
import logging

import click
from flask import Flask, flash
from flask.cli import with_appcontext
from flask_login import user_logged_in
from sqlalchemy import exists, or_, select
from sqlalchemy.exc import SQLAlchemyError

from app.accounts.models import User
from app.catalog.models import Course
from app.certificates.models import Certificate
from app.certificates.services import issue_if_ready
from app.db import db, utcnow
from app.evaluations.models import CourseEvaluation
from app.learning.models import Enrollment

log = logging.getLogger(__name__)


def _due(today: dt.date, user_id: int | None) -> list[tuple[Enrollment, User, Course]]:
    """Enrollments with every step done, the period open today, and no certificate yet."""
    statement = (
        select(Enrollment, User, Course)
        .join(User, User.id == Enrollment.user_id)
        .join(Course, Course.id == Enrollment.course_id)
        .where(
            Enrollment.completed_at.is_not(None),
            Enrollment.attested_at.is_not(None),
            Course.approval_starts_on.is_not(None),
            Course.approval_starts_on <= today,
            or_(Course.approval_ends_on.is_(None), Course.approval_ends_on >= today),
            exists().where(
                CourseEvaluation.user_id == Enrollment.user_id,
                CourseEvaluation.course_id == Enrollment.course_id,
            ),
            # A revoked certificate is a certificate: catching up never re-issues it.
            ~exists().where(
                Certificate.user_id == Enrollment.user_id,
                Certificate.course_id == Enrollment.course_id,
                Certificate.replaced_at.is_(None),
            ),
        )
        .order_by(Enrollment.id)
    )
    if user_id is not None:
        statement = statement.where(Enrollment.user_id == user_id)
    return [(row[0], row[1], row[2]) for row in db.session.execute(statement)]


def catch_up(user: User | None = None, today: dt.date | None = None) -> list[Certificate]:
    """Issue every certificate whose last condition was the period opening (one learner's,
    or everyone's); returns those issued."""
    due = _due(today or utcnow().date(), user.id if user is not None else None)
    if not due:
        return []
    issued = []
    for enrollment, learner, course in due:
        certificate = issue_if_ready(learner, course, enrollment)
        if certificate is not None:
            issued.append(certificate)
    db.session.commit()
    return issued


def announce(issued: list[Certificate]) -> list[Certificate]:
    """Tell the learner, on the page they are about to see, which certificates arrived."""
    for certificate in issued:
        flash(
            f"Your certificate for {certificate.course_title} is ready: the course's "
            "approval period has opened.",
            "success",
        )
    return issued


def _at_sign_in(_app: Flask, user: User, **_extra: object) -> None:
    """Catch the learner up as they sign in; a failure here never stops the sign-in."""
    if type(user) is not User:
        # A password change re-signs the same session in with the current_user proxy
        # (which then points at itself): not a sign-in, and the proxy cannot be read.
        return
    try:
        announce(catch_up(user))
    except SQLAlchemyError:
        db.session.rollback()
        log.exception("Certificate catch-up at sign-in failed for user %s", user.id)


def init_app(app: Flask) -> None:
    """Catch up at every sign-in to ``app``."""
    user_logged_in.connect(_at_sign_in, app)


@click.command("catch-up")
@with_appcontext
def catch_up_command() -> None:
    """Issue certificates whose approval period has opened since the learner finished."""
    issued = catch_up()
    for certificate in issued:
        click.echo(f"Issued {certificate.public_id}: {certificate.course_title}")
    click.echo(f"{len(issued)} certificate{'s' if len(issued) != 1 else ''} issued.")
