"""``flask questions import``: a question file into a quiz of a course's draft."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from app.accounts.services import find_by_email
from app.authoring.services import AuthoringError
from app.catalog.models import Course
from app.db import db
from app.questionbank import checks, services
from app.questionbank.formats import FORMATS, parse_questions
from app.questionbank.result import ImportRefused


@click.group("questions")
def questions() -> None:
    """Import questions from GIFT, Aiken, Moodle XML and QTI 3.0 files."""


@questions.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--course", "slug", required=True, help="The course's slug.")
@click.option("--quiz", "target", required=True, help="A module slug, or 'final'.")
@click.option("--by", "email", required=True, help="Email of the instructor doing it.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), help="Default: from the file.")
@click.option("--dry-run", is_flag=True, help="Only report what would be imported.")
@with_appcontext
def import_command(
    file: Path, slug: str, target: str, email: str, fmt: str | None, dry_run: bool
) -> None:
    """Add FILE's questions to a quiz of the course's draft (all or nothing)."""
    course = db.session.scalar(select(Course).where(Course.slug == slug))
    if course is None:
        raise click.ClickException(f"No course with the slug {slug!r}.")
    user = find_by_email(email)
    if user is None or not any(member.user_id == user.id for member in course.staff):
        raise click.ClickException(f"{email} is not on the team of {slug}.")
    try:
        result = parse_questions(file.name, file.read_bytes(), fmt)
    except ImportRefused as error:
        raise click.ClickException(f"{error} Nothing was imported.") from None
    for question in result.questions:
        for message in checks.blocking_problems(question) + checks.warnings(question):
            click.echo(f"{question.where}: {message}", err=True)
    for item in result.skipped:
        click.echo(f"skipped {item.where} ({item.type}): {item.reason}", err=True)
    if dry_run:
        click.echo(f"{len(result.questions)} to import, {len(result.skipped)} skipped (dry run).")
        return
    try:
        count = services.import_questions(course, user, target, result)
    except AuthoringError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"{count} imported into {slug}/{target}, {len(result.skipped)} skipped.")
