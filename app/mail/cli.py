"""``flask mail``: deliver the outbox from a long-running worker or from cron."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from app import outboxes
from app.mail.delivery import Report, deliver_due
from app.outboxes import work_until_stopped

mail = AppGroup("mail", help="Deliver queued mail.")


def _drain(batch: int) -> Report:
    """Deliver everything due now, batch after batch, and add up what happened."""
    return outboxes.drain(deliver_due, batch)


def _say(report: Report) -> None:
    click.echo(
        f"Sent {report.sent}, will retry {report.retrying}, failed {report.failed}"
        f" (purged {report.purged} sent more than 7 days ago)."
    )


@mail.command("send-pending")
@click.option("--batch", default=50, show_default=True, help="Messages claimed at a time.")
def send_pending(batch: int) -> None:
    """Deliver every message that is due, then exit (for cron or a systemd timer)."""
    _say(_drain(batch))


@mail.command("work")
@click.option("--interval", default=5.0, show_default=True, help="Seconds between polls.")
@click.option("--batch", default=50, show_default=True, help="Messages claimed at a time.")
def work(interval: float, batch: int) -> None:
    """Deliver mail until stopped (SIGTERM or Ctrl-C finish the current message first)."""
    click.echo(f"Delivering mail every {interval:g} s; stop with Ctrl-C or SIGTERM.")

    def one_pass() -> None:
        report = _drain(batch)
        if report.handled or report.purged:
            _say(report)

    work_until_stopped(one_pass, interval)
    click.echo("Mail worker stopped.")
