"""``survey demo``: load demo data (being written)."""

from __future__ import annotations

import click


@click.command("demo")
def demo() -> None:
    """Load demo data."""
    raise click.ClickException("not yet")
