"""``survey apikey``: keys for the touchpoint API."""

from __future__ import annotations

from datetime import datetime

import click
from flask.cli import AppGroup

from survey.api.services import ApiKeyError, create_api_key, list_api_keys, revoke_api_key


@click.group(cls=AppGroup)
def apikey() -> None:
    """Create, list and revoke API keys."""


@apikey.command("create")
@click.option("--name", required=True, help="What the key is for, such as zendesk.")
def create(name: str) -> None:
    """Create a key and print it: it is shown this once and stored only as a hash."""
    try:
        new = create_api_key(name)
    except ApiKeyError as error:
        raise click.ClickException(str(error)) from None
    click.echo(new.key)
    click.echo(
        f"Created API key {new.api_key.name!r} ({new.api_key.prefix}...). Copy it now: "
        "it cannot be shown again.",
        err=True,
    )


@apikey.command("revoke")
@click.option("--name", default=None, help="The key's name.")
@click.option("--prefix", default=None, help="The key's first characters, as listed.")
def revoke(name: str | None, prefix: str | None) -> None:
    """Revoke a key by name or prefix; requests with it then get 403."""
    if (name is None) == (prefix is None):
        raise click.UsageError("give either --name or --prefix")
    try:
        api_key = revoke_api_key(name or prefix or "")
    except ApiKeyError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Revoked API key {api_key.name!r} ({api_key.prefix}...).")


@apikey.command("list")
def list_keys() -> None:
    """List the keys: name, prefix, created, last used, revoked."""
    keys = list_api_keys()
    if not keys:
        click.echo("No API keys. Create one with: survey apikey create --name NAME")
        return
    click.echo(f"{'name':<24} {'prefix':<14} {'created (UTC)':<17} {'last used':<17} revoked")
    for key in keys:
        click.echo(
            f"{key.name:<24} {key.prefix + '...':<14} {_when(key.created_at):<17} "
            f"{_when(key.last_used_at):<17} {_when(key.revoked_at) if key.revoked_at else 'no'}"
        )


def _when(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M") if moment else "never"
