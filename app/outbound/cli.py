"""``flask outbound``: hand queued deliveries to other systems, from a worker or cron."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from app.outbound.services import Report, drain
from app.outboxes import work_until_stopped

outbound = AppGroup(
    "outbound", help="Deliver queued messages to other systems (LMS, LRS, webhooks)."
)


def _say(report: Report) -> None:
    click.echo(
        f"Delivered {report.delivered}, will retry {report.retrying}, failed {report.failed}"
        f" (purged {report.purged} delivered more than 30 days ago)."
    )


@outbound.command("send-pending")
@click.option("--batch", default=50, show_default=True, help="Deliveries claimed at a time.")
def send_pending(batch: int) -> None:
    """Deliver everything that is due, then exit (for cron or a systemd timer)."""
    _say(drain(batch))


@outbound.command("work")
@click.option("--interval", default=5.0, show_default=True, help="Seconds between polls.")
@click.option("--batch", default=50, show_default=True, help="Deliveries claimed at a time.")
def work(interval: float, batch: int) -> None:
    """Deliver until stopped (SIGTERM or Ctrl-C finish the current delivery first)."""
    click.echo(f"Delivering every {interval:g} s; stop with Ctrl-C or SIGTERM.")

    def one_pass() -> None:
        report = drain(batch)
        if report.handled or report.purged:
            _say(report)

    work_until_stopped(one_pass, interval)
    click.echo("Outbound worker stopped.")
