"""``survey invite``: hand out a survey link."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from survey.distribution.services import InvitationError, invite_by_email
from survey.surveys.services import DEFAULT_SURVEY_SLUG


@click.command("invite")
@click.option("--email", required=True, help="The contact's email; created if new.")
@click.option("--survey", "survey_slug", default=DEFAULT_SURVEY_SLUG, show_default=True)
@click.option("--team", "team_slug", default=None, help="The team the answer counts for.")
@click.option("--locale", type=click.Choice(["es", "en"]), default=None)
@with_appcontext
def invite(email: str, survey_slug: str, team_slug: str | None, locale: str | None) -> None:
    """Create an invitation and print its survey link."""
    try:
        issued = invite_by_email(email, survey_slug=survey_slug, team_slug=team_slug, locale=locale)
    except InvitationError as error:
        raise click.ClickException(str(error)) from None
    click.echo(issued.link)
