"""``flask certificates verify FILE``: check a credential offline against this site's key."""

from __future__ import annotations

import json
from pathlib import Path

import click
from flask.cli import with_appcontext

from app.certificates import services
from app.certificates.credential import verify_credential
from app.certificates.identifiers import parse_certificate_id
from app.certificates.keys import public_key_from_multibase, public_key_of


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
    """Check FILE's signature; exit 0 only for a valid, unrevoked credential."""
    try:
        signed = json.loads(file.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as error:
        raise click.ClickException(f"{file}: not a JSON credential ({error}).") from error
    key = (
        public_key_from_multibase(multibase) if multibase else public_key_of(services.signing_key())
    )
    public_id = (
        parse_certificate_id(str(signed.get("id", "")).rsplit("/", 1)[-1])
        if isinstance(signed, dict)
        else None
    )
    certificate = services.find_certificate(public_id) if public_id else None
    result = verify_credential(signed, key, revoked=bool(certificate and certificate.revoked_at))
    click.echo(f"{result.status}: {result.reason}")
    if not result.valid:
        raise SystemExit(1)
