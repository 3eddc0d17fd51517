"""``flask demo seed``: demonstration accounts for a development site."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from app.accounts.models import Role
from app.accounts.services import Profile, create_account, find_by_email
from app.catalog.services import assign_to_all_courses

#: (role, email, password, legal name, profession, license number, state)
DEMO_ACCOUNTS = (
    (
        Role.LEARNER,
        "learner@example.com",
        "learner-demo-pass",
        "Dana Rivera",
        "Licensed clinical social worker",
        "LCSW-204518",
        "OR",
    ),
    (
        Role.INSTRUCTOR,
        "instructor@example.com",
        "instructor-demo-pass",
        "Sam Okafor",
        "Psychologist",
        "PSY-33187",
        "CA",
    ),
    (Role.ADMIN, "admin@example.com", "admin-demo-pass", "Avery Chen", "Other", None, None),
)


@click.group("demo")
def demo() -> None:
    """Demonstration data for development sites."""


@demo.command("seed")
@with_appcontext
def seed() -> None:
    """Create the demo learner, instructor and admin (idempotent; never in production)."""
    if current_app.config["GROUNDWORK_ENV"] == "production":
        raise click.ClickException("Demo accounts are never created on a production site.")
    for role, email, password, name, profession, number, state in DEMO_ACCOUNTS:
        if find_by_email(email) is None:
            create_account(email, password, Profile(name, profession, number, state), role)
    instructor = find_by_email("instructor@example.com")
    if instructor is not None:
        assign_to_all_courses(instructor.id)
    click.echo("Demo accounts (development only):")
    for role, email, password, *_ in DEMO_ACCOUNTS:
        click.echo(f"  {role.value:<11} {email:<24} password: {password}")
