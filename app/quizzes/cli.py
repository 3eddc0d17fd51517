"""``flask quizzes close-expired``: grade timed attempts whose time ran out (for cron)."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from app.quizzes.services import close_expired


@click.group("quizzes")
def quizzes() -> None:
    """Quiz attempts."""


@quizzes.command("close-expired")
@with_appcontext
def close_expired_command() -> None:
    """Grade, from their saved answers, timed attempts past their deadline and grace period.

    Any read of such an attempt grades it too; this catches learners who never come back.
    Safe to run at any time and from several machines: each attempt is graded once.
    """
    graded = close_expired()
    click.echo(f"Graded {graded} timed attempt{'s' if graded != 1 else ''} past their deadline.")
