"""``survey users``: staff accounts."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from survey.auth.models import Role
from survey.auth.services import AccountError, create_user


@click.group(cls=AppGroup)
def users() -> None:
    """Manage staff accounts."""


@users.command("create")
@click.option("--email", required=True, help="The login email.")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.password_option(help="Prompted for when not given (hidden, asked twice).")
def create(email: str, role: str, password: str) -> None:
    """Create a staff account."""
    try:
        user = create_user(email, password, role)
    except AccountError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"created {user.role.value} {user.email}")
