"""``flask insight recount``: rebuild (or check) the insight page's running totals."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from app.db import db
from app.insight.tallies import recount, snapshot


@click.group("insight")
def insight() -> None:
    """The instructor insight page's running totals."""


@insight.command("recount")
@click.option("--check", is_flag=True, help="Compare only: change nothing, exit 1 on a difference.")
@with_appcontext
def recount_command(check: bool) -> None:
    """Rebuild every running total from the learners' records (after a bulk load)."""
    kept = snapshot()
    recount()
    rebuilt = snapshot()
    differing = sorted(part for part in kept if kept[part] != rebuilt[part])
    if check:
        db.session.rollback()
        if differing:
            raise click.ClickException(
                f"The running totals differ from a recount in: {', '.join(differing)}. "
                "Run `flask insight recount` to rebuild them."
            )
        click.echo("The running totals match a recount from the records.")
        return
    db.session.commit()
    changed = ", ".join(differing) if differing else "nothing (they already matched)"
    click.echo(f"Recounted the running totals; changed: {changed}.")
