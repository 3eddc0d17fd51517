"""``flask bench seed``: benchmark volumes on a development or benchmark database."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from app.benchdata.seed import SeedError, describe, refuse_in_production, renew_password_hash, seed


@click.group("bench")
def bench() -> None:
    """Benchmark data (never on a production site)."""


@bench.command("seed")
@click.option(
    "--scale",
    type=click.FloatRange(min=0, min_open=True, max=10),
    default=1.0,
    show_default=True,
    help="Fraction of the full volume (1 = 100,000 learners); 0.01 for a quick run.",
)
@click.option(
    "--seed",
    "random_seed",
    type=int,
    default=0,
    show_default=True,
    help="Random seed: the same seed gives the same data.",
)
@click.option(
    "--batch-size",
    type=click.IntRange(min=100),
    default=10_000,
    show_default=True,
    help="Rows per executemany batch (SQLite; PostgreSQL uses COPY).",
)
@with_appcontext
def seed_command(scale: float, random_seed: int, batch_size: int) -> None:
    """Import 20 courses and generate learners, progress, attempts and certificates."""
    try:
        report = seed(scale=scale, seed=random_seed, batch_size=batch_size, echo=click.echo)
    except SeedError as error:
        raise click.ClickException(str(error)) from error
    for line in describe(report):
        click.echo(line)


@bench.command("rehash")
@with_appcontext
def rehash_command() -> None:
    """Move the generated accounts' shared password hash to the current kind and cost."""
    try:
        refuse_in_production()
    except SeedError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"{renew_password_hash():,} benchmark accounts given a new password hash.")
