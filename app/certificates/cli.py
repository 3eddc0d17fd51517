"""``flask certificates verify FILE``, ``rotate-key``, ``render-pdfs``, ``catch-up``."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from app.certificates import services, storage
from app.certificates.catchup import catch_up_command
from app.certificates.intake import UnreadableCredential, parse_credential
from app.certificates.openbadges.credential import verify_credential
from app.certificates.openbadges.issuer import KeyRing
from app.certificates.openbadges.keys import public_key_from_multibase, rotate_signing_key


@click.group("certificates")
def certificates() -> None:
    """Certificates and their Open Badges credentials."""


@certificates.command("verify")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--key", "multibase", help="Verify with this public key (z6Mk...) instead of the site's."
)
@with_appcontext
def verify(file: Path, multibase: str | None) -> None:
    """Check FILE's signature and its certificate's state; exit 0 only when both are valid."""
    try:
        signed = parse_credential(file.read_bytes())
    except UnreadableCredential as error:
        raise click.ClickException(f"{file}: {error}") from error
    if multibase:
        site = services.key_ring()
        try:
            key = public_key_from_multibase(multibase)
        except ValueError as error:
            raise click.ClickException(f"--key: {error}") from error
        ring = KeyRing(site.issuer, key, legacy_issuer=site.legacy_issuer)
        result = verify_credential(signed, ring, services.standing_of_credential)
    else:
        result = services.check_credential(signed)
    click.echo(f"{result.status}: {result.reason}")
    if not result.valid:
        raise SystemExit(1)


@certificates.command("rotate-key")
@with_appcontext
def rotate_key() -> None:
    """Sign new credentials with a new key; the old one stays listed so its credentials verify.

    Restart the application servers afterwards: each caches the signing key it loaded.
    """
    key = rotate_signing_key(current_app.instance_path)
    current_app.extensions.pop("certificate_signing_key", None)
    current_app.extensions.pop("certificate_retired_keys", None)
    click.echo(f"Now signing with {services.key_ring().method_id(key)}; restart the servers.")


@certificates.command("render-pdfs")
@click.option("--limit", type=click.IntRange(min=1), help="Render at most this many.")
@with_appcontext
def render_pdfs(limit: int | None) -> None:
    """Render and store the PDFs of valid certificates that have none, so downloads are fast."""
    count = storage.render_missing(limit)
    click.echo(f"Rendered and stored {count} certificate PDF{'s' if count != 1 else ''}.")


# Kept in its own module: issuing what the approval period held back (docs/completion.md).
certificates.add_command(catch_up_command)
