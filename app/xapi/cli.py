"""``flask xapi``: send past moments to the Learning Record Store."""

from __future__ import annotations

import datetime as dt

import click
from flask.cli import AppGroup

from app.xapi.services import backfill as run_backfill
from app.xapi.services import enabled

xapi = AppGroup("xapi", help="xAPI statements to a Learning Record Store.")


@xapi.command("backfill")
@click.option(
    "--since",
    required=True,
    type=click.DateTime(formats=["%Y-%m-%d", "%Y-%m-%dT%H:%M"]),
    help="Moments from this date (UTC), e.g. 2026-01-31.",
)
def backfill(since: dt.datetime) -> None:
    """Queue statements for past enrollments, completions, graded attempts and certificates.

    Safe to run again: each statement's id is its moment's, so the outbox and the LRS
    keep one of each. The outbound worker (``flask outbound work``) sends them.
    """
    if not enabled():
        raise click.ClickException("XAPI_LRS_ENDPOINT is not set: there is no LRS to send to.")
    report = run_backfill(since.replace(tzinfo=dt.UTC))
    for kind, count in report.found.items():
        click.echo(f"{kind}: {count}")
    click.echo(f"Queued {report.queued} new statements (the rest were queued before).")
