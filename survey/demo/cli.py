"""``survey demo``: load six months of realistic demo data into an empty database."""

from __future__ import annotations

import time

import click
from flask import current_app
from flask.cli import with_appcontext

from survey.database import utcnow
from survey.demo.services import (
    DEFAULT_CONTACTS,
    DEFAULT_SEED,
    DEMO_ADMIN_EMAIL,
    DEMO_ADMIN_PASSWORD,
    DemoError,
    DemoSummary,
    demo_state,
    load_demo,
)


@click.command("demo")
@click.option(
    "--contacts",
    type=click.IntRange(100, 50_000),
    default=DEFAULT_CONTACTS,
    show_default=True,
    help="How many customers to create.",
)
@click.option(
    "--seed",
    type=int,
    default=DEFAULT_SEED,
    show_default=True,
    help="The same seed on the same day gives the same data.",
)
@click.option(
    "--if-empty",
    is_flag=True,
    help="Load nothing (and exit 0) when the database already has responses.",
)
@click.option(
    "--force",
    is_flag=True,
    help="Add demo data beside existing responses (never a second copy of the demo).",
)
@with_appcontext
def demo(contacts: int, seed: int, if_empty: bool, force: bool) -> None:
    """Load demo teams, contacts, touchpoints and answers ending today."""
    state = demo_state()
    if if_empty and (state.responses or state.demo_loaded):
        reason = f"has {state.responses} responses" if state.responses else "has demo data"
        click.echo(f"The database already {reason}: no demo data loaded.")
        return
    started = time.perf_counter()
    try:
        summary = load_demo(seed, contacts, utcnow().date(), force=force)
    except DemoError as error:
        raise click.ClickException(str(error)) from None
    _report(summary, time.perf_counter() - started)


def _report(summary: DemoSummary, seconds: float) -> None:
    click.echo(
        f"Loaded demo data in {seconds:.1f} s (seed {summary.seed}, six months up to "
        f"{summary.today.isoformat()}):"
    )
    click.echo(
        f"  {'team':<20} {'contacts':>8} {'touchpoints':>11} {'invitations':>11} {'responses':>9}"
    )
    for team in summary.teams:
        click.echo(
            f"  {team.name:<20} {team.contacts:>8} {team.touchpoints:>11} "
            f"{team.invitations:>11} {team.responses:>9}"
        )
    click.echo(
        f"  {summary.completed} completed and {summary.partial} partial responses "
        f"({summary.suspected_scanner} suspected scanner clicks), {summary.comments} comments, "
        f"{summary.skipped} invitations skipped."
    )
    if summary.open_links:
        click.echo("Answer the survey as a customer would:")
        for link in summary.open_links:
            click.echo(f"  {link.locale}: {link.link}")
    base = current_app.config["SURVEY_BASE_URL"].rstrip("/")
    action = "created" if summary.admin_created else "already existed"
    click.echo(f"Sign in at {base}/login  (admin account {action})")
    click.echo(f"  email:    {DEMO_ADMIN_EMAIL}")
    click.echo(f"  password: {DEMO_ADMIN_PASSWORD}")
