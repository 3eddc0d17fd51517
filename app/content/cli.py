"""``flask courses``: check, import and export course files."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from app.accounts.models import User
from app.accounts.services import find_by_email
from app.catalog.models import Course
from app.catalog.services import teaches
from app.config import PROJECT_ROOT
from app.content.exporter import course_spec
from app.content.importer import BrowserWork, browser_work, import_courses
from app.content.problems import Problem
from app.content.reader import read_catalog
from app.content.spec import CourseSpec
from app.content.writer import write_course
from app.db import db

DEFAULT_PATH = PROJECT_ROOT / "courses"
#: How the audit log names the operator's approval of the claims in imported files.
APPROVED_BY = "operator command: flask courses import"


def _report(problems: list[Problem]) -> None:
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
                f"minimum times, required cases and quiz questions add up to {seat} hours",
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


REPLACE_HINT = "flask courses import --replace-browser-edits --as EMAIL"


def _importer(email: str | None) -> User | None:
    """The account an import is audited under (``--as``), or None for the system."""
    if email is None:
        return None
    person = find_by_email(email)
    if person is None or not person.is_active:
        raise click.ClickException(f"No active account has the email {email!r}.")
    return person


def _show_loss(work: BrowserWork) -> None:
    """Say what publishing the files over one course's browser edits would undo."""
    if work.published_at is not None:
        click.echo(
            f"{work.slug}: edited in the browser (published {work.published_at:%Y-%m-%d %H:%M} "
            "UTC). Publishing the files over it loses these browser edits:"
        )
        for line in work.lost or ("(no difference in content)",):
            click.echo(f"  - {line}")
    if work.draft_saved_at is not None:
        click.echo(
            f"{work.slug}: its unpublished draft (saved {work.draft_saved_at:%Y-%m-%d %H:%M} "
            "UTC) is kept as it is; publishing it later replaces the files' version."
        )


def _confirm_replacement(specs: list[CourseSpec], person: User | None, yes: bool) -> None:
    """Show what replacing browser edits loses, check who asks, and ask before going on."""
    if person is None:
        raise click.ClickException(
            "--replace-browser-edits needs --as EMAIL: the audit log records who "
            "replaced an instructor's work."
        )
    work = browser_work(specs)
    if not work:
        click.echo("No course has browser edits the files would replace.")
        return
    for item in work:
        course = db.session.scalar(select(Course).where(Course.slug == item.slug))
        if course is None or not teaches(person, course):
            raise click.ClickException(
                f"{person.email} does not teach {item.slug}; only its team or an "
                "administrator may replace its browser edits. Nothing was imported."
            )
        _show_loss(item)
    if not yes:
        click.confirm("Publish the files over these browser edits?", abort=True)


@courses.command("import")
@click.argument("path", type=click.Path(path_type=Path), default=DEFAULT_PATH)
@click.option(
    "--replace-browser-edits",
    is_flag=True,
    help="Also publish the files over courses edited in the browser since their last "
    "import (shows what is lost and asks first).",
)
@click.option(
    "--as",
    "as_email",
    metavar="EMAIL",
    help="The account the import is audited under; required with --replace-browser-edits.",
)
@click.option("--yes", is_flag=True, help="Do not ask before replacing browser edits.")
@with_appcontext
def import_command(
    path: Path, replace_browser_edits: bool, as_email: str | None, yes: bool
) -> None:
    """Check, then import every course under PATH in one transaction (all or nothing).

    A course edited in the browser since its last import is kept as it is.

    Whoever can run this command operates the site for the provider, so the CE claims in
    the files take effect at once and are audited as approved by this command; a zip
    uploaded in the browser becomes a draft whose claim an administrator approves.
    """
    specs, problems = read_catalog(path)
    if problems:
        _report(problems)
        click.echo("Nothing was imported.", err=True)
        raise SystemExit(1)
    person = _importer(as_email)
    if replace_browser_edits:
        _confirm_replacement(specs, person, yes)
    _warn_about_seat_time(specs)
    results = import_courses(
        specs,
        actor_id=person.id if person else None,
        replace_browser_edits=replace_browser_edits,
        approved_by=APPROVED_BY,
    )
    for result in results:
        if result.outcome == "kept":
            click.echo(
                f"{result.slug}: kept (version {result.version}): changed in the browser "
                f"since its last import; `{REPLACE_HINT}` publishes the files over it."
            )
        else:
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
