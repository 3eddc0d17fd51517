"""``flask courses``: check, import and export course files."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from app.catalog.models import Course
from app.config import PROJECT_ROOT
from app.content.exporter import course_spec
from app.content.importer import import_courses
from app.content.reader import read_catalog
from app.content.spec import CourseSpec
from app.content.writer import write_course
from app.db import db

DEFAULT_PATH = PROJECT_ROOT / "courses"
#: How the audit log names the operator's approval of the claims in imported files.
APPROVED_BY = "operator command: flask courses import"


def _report(problems: list) -> None:  # type: ignore[type-arg]
    for problem in problems:
        click.echo(str(problem), err=True)
    count = len(problems)
    click.echo(f"{count} problem{'s' if count != 1 else ''} found.", err=True)


def _warn_about_seat_time(specs: list[CourseSpec]) -> None:
    """Say which courses claim more CE hours than their minimum seat time backs."""
    for spec in specs:
        seat = spec.seat_time_hours()
        if spec.ce_hours > seat:
            click.echo(
                f"warning: {spec.slug} claims {spec.ce_hours} CE hours, but its lessons' "
                f"minimum times and quiz questions add up to {seat} hours",
                err=True,
            )


@click.group("courses")
def courses() -> None:
    """Check, import and export courses kept as files."""


@courses.command("check")
@click.argument("path", type=click.Path(path_type=Path), default=DEFAULT_PATH)
def check(path: Path) -> None:
    """Validate the course files under PATH; exit 1 if anything is wrong."""
    specs, problems = read_catalog(path)
    if problems:
        _report(problems)
        raise SystemExit(1)
    _warn_about_seat_time(specs)
    click.echo(f"{path}: no problems found.")


@courses.command("import")
@click.argument("path", type=click.Path(path_type=Path), default=DEFAULT_PATH)
@with_appcontext
def import_command(path: Path) -> None:
    """Check, then import every course under PATH in one transaction (all or nothing).

    Whoever can run this command operates the site for the provider, so the CE claims in
    the files take effect at once and are audited as approved by this command; a zip
    uploaded in the browser becomes a draft whose claim an administrator approves.
    """
    specs, problems = read_catalog(path)
    if problems:
        _report(problems)
        click.echo("Nothing was imported.", err=True)
        raise SystemExit(1)
    _warn_about_seat_time(specs)
    for result in import_courses(specs, approved_by=APPROVED_BY):
        click.echo(f"{result.slug}: {result.outcome} (version {result.version})")


@courses.command("export")
@click.argument("slug")
@click.argument("path", type=click.Path(path_type=Path), default=DEFAULT_PATH)
@with_appcontext
def export_command(slug: str, path: Path) -> None:
    """Write course SLUG as files into PATH/SLUG."""
    course = db.session.scalar(select(Course).where(Course.slug == slug))
    if course is None:
        raise click.ClickException(f"No course with the slug {slug!r}.")
    destination = path / slug
    write_course(course_spec(course), destination)
    click.echo(f"Wrote {destination}.")
