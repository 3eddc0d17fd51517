"""``flask bench seed`` and ``flask bench passwords``: benchmark data, from the bench app only.

Registered by ``bench/wsgi_bench.py`` (the benchmark server's entry point), never by
``create_app``: the production CLI has no bench commands.
"""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from app.db import db

from .credentials import secret_path
from .seed import SeedError, describe, renew_passwords, seed

SECRET_FILE = click.option(
    "--secret-file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="This data's sign-in secret (default: in $BENCH_DIR, named after the database).",
)


def _secret_file(given: Path | None) -> Path:
    return given or secret_path(db.engine.url.render_as_string(hide_password=True))


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
@SECRET_FILE
@with_appcontext
def seed_command(scale: float, random_seed: int, batch_size: int, secret_file: Path | None) -> None:
    """Import 20 courses and generate learners, progress, attempts and certificates."""
    try:
        report = seed(
            _secret_file(secret_file),
            scale=scale,
            seed=random_seed,
            batch_size=batch_size,
            echo=click.echo,
        )
    except SeedError as error:
        raise click.ClickException(str(error)) from error
    for line in describe(report):
        click.echo(line)


@bench.command("passwords")
@SECRET_FILE
@with_appcontext
def passwords_command(secret_file: Path | None) -> None:
    """Give the signing accounts passwords under this data's secret, at the current cost."""
    try:
        changed = renew_passwords(_secret_file(secret_file))
    except SeedError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"{changed:,} benchmark accounts given a new password hash.")
