"""``survey insights``: keep enrichment and rollups in step with the raw answers."""

from __future__ import annotations

from datetime import datetime

import click
from flask import current_app
from flask.cli import with_appcontext

from survey.insights.rebuild import answers_to_enrich, days_to_recount, enrich_stale, recount_days
from survey.insights.rollups import InsightsError, InsightSettings


@click.group("insights")
def insights() -> None:
    """Enrichment of free-text answers and the dashboards' daily rollups."""


@insights.command("rebuild")
@click.option(
    "--since",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Only answers and days from this local date (YYYY-MM-DD) on.",
)
@with_appcontext
def rebuild(since: datetime | None) -> None:
    """Enrich answers an older analysis saw (resumable), then recount every rollup day."""
    try:
        settings = InsightSettings.from_config(current_app.config)
    except InsightsError as error:
        raise click.ClickException(str(error)) from None
    start = None if since is None else settings.bounds(since.date())[0]
    stale = answers_to_enrich(start)
    with click.progressbar(length=stale, label="enriching answers") as bar:
        enriched = enrich_stale(start, progress=bar.update)
    days = days_to_recount(settings, start)
    with click.progressbar(length=len(days), label="recounting days") as bar:
        recount_days(settings, days, progress=bar.update)
    click.echo(f"{enriched:,} answers enriched, {len(days):,} survey days recounted")
