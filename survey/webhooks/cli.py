"""``survey webhooks``: register, list and remove outbound webhook endpoints."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from survey.webhooks.delivery import WebhookSettings
from survey.webhooks.services import (
    EVENTS,
    WebhookError,
    list_endpoints,
    register_endpoint,
    remove_endpoint,
)


@click.group(cls=AppGroup)
def webhooks() -> None:
    """Manage outbound webhooks."""


@webhooks.command("add")
@click.option("--url", required=True, help="An https:// URL that accepts POSTed JSON.")
@click.option("--events", required=True, help=f"Comma-separated, from: {', '.join(EVENTS)}.")
@click.option("--description", default=None, help="A note for whoever reads the list.")
def add(url: str, events: str, description: str | None) -> None:
    """Register an endpoint and print its signing secret (shown only this once)."""
    try:
        settings = WebhookSettings.from_config(current_app.config)
        endpoint, secret = register_endpoint(url, events.split(","), description, settings=settings)
    except WebhookError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"added webhook {endpoint.id}: {endpoint.url} ({', '.join(endpoint.events)})")
    click.echo(f"signing secret (shown only once): {secret}")


@webhooks.command("list")
def list_() -> None:
    """List the endpoints (secrets are never shown again)."""
    endpoints = list_endpoints()
    if not endpoints:
        click.echo("no webhooks")
        return
    for endpoint in endpoints:
        state = "active" if endpoint.active else "disabled"
        note = f"  # {endpoint.description}" if endpoint.description else ""
        click.echo(f"{endpoint.id}\t{state}\t{endpoint.url}\t{','.join(endpoint.events)}{note}")


@webhooks.command("remove")
@click.argument("endpoint_id", type=int)
def remove(endpoint_id: int) -> None:
    """Remove an endpoint and the deliveries still queued for it."""
    try:
        endpoint = remove_endpoint(endpoint_id)
    except WebhookError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"removed webhook {endpoint_id}: {endpoint.url}")
