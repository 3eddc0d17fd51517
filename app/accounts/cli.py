"""``flask users``: account administration from the command line."""

from __future__ import annotations

import click
from flask.cli import with_appcontext
from wtforms.validators import ValidationError

from app.accounts.models import Role
from app.accounts.services import (
    MIN_PASSWORD_LENGTH,
    AccountError,
    Profile,
    check_new_password,
    create_account,
)


@click.group("users")
def users() -> None:
    """Manage user accounts."""


def _check_password(value: str) -> str:
    if not MIN_PASSWORD_LENGTH <= len(value) <= 128:
        raise click.BadParameter(f"use {MIN_PASSWORD_LENGTH} to 128 characters")
    return value


@users.command("create-admin")
@click.argument("email")
@click.option("--name", default="Site Administrator", show_default=True, help="Legal name.")
@click.password_option(help="Prompted for when not given.")
@with_appcontext
def create_admin(email: str, name: str, password: str) -> None:
    """Create an administrator account for EMAIL (prompts for the password)."""
    try:
        _check_password(password)
        check_new_password(password, email, name)
        user = create_account(email, password, Profile(name, "Other", None, None), Role.ADMIN)
    except (AccountError, ValidationError, click.BadParameter) as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Created administrator {user.email}.")
