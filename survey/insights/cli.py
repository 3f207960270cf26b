"""Reporting commands: ``survey outbox``."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from survey.insights.funnel import outbox_counts


@click.command("outbox")
@with_appcontext
def outbox() -> None:
    """Print the invitations by status: what the sending worker has to do and has done."""
    counts = outbox_counts()
    click.echo(f"pending, due now:   {counts.pending_due:,}")
    click.echo(f"pending, later:     {counts.pending_later:,}")
    click.echo(f"sent:               {counts.sent:,}")
    click.echo(f"failed:             {counts.failed:,}")
    click.echo(f"answered:           {counts.answered:,}")
    click.echo(f"expired unanswered: {counts.expired:,}")
    click.echo(f"skipped:            {counts.skipped:,}")
    for reason, count in counts.skipped_by_reason.items():
        click.echo(f"  {reason + ':':<17} {count:,}")
    click.echo(f"not triggered:      {counts.not_triggered:,} touchpoint(s) no survey asks after")
