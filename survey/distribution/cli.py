"""Distribution commands: invite, import-touchpoints, surveys show/set."""

from __future__ import annotations

from typing import BinaryIO

import click
from flask.cli import AppGroup, with_appcontext

from survey.distribution.csv_import import CsvFormatError, ImportReport, import_touchpoints_csv
from survey.distribution.rules import (
    RuleChanges,
    RuleError,
    describe_rules,
    parse_days,
    parse_duration,
    parse_quiet_hours,
    parse_sample_rate,
    parse_triggers,
    recorded_touchpoint_types,
    update_survey_rules,
)
from survey.distribution.services import InvitationError, invite_by_email
from survey.surveys.services import DEFAULT_SURVEY_SLUG, get_survey


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


@click.command("import-touchpoints")
@click.argument("csv_file", type=click.File("rb"))
@with_appcontext
def import_touchpoints(csv_file: BinaryIO) -> None:
    """Import touchpoints from a CSV file (UTF-8, "," or ";"); see docs for the columns.

    Valid rows are imported and rejected ones listed with their line numbers (exit code 1
    when any was rejected). Importing the same file again imports nothing twice.
    """
    try:
        report = import_touchpoints_csv(csv_file)
    except CsvFormatError as error:
        _echo_import_report(error.report)
        raise click.ClickException(str(error)) from None
    _echo_import_report(report)
    if report.rejected_count:
        raise SystemExit(1)


def _echo_import_report(report: ImportReport) -> None:
    click.echo(
        f"Imported {report.imported:,} new touchpoint(s); "
        f"{report.already_imported:,} already imported (left as they were)."
    )
    skipped = ", ".join(f"{reason} {count:,}" for reason, count in sorted(report.skipped.items()))
    click.echo(
        f"Invitations: {report.scheduled:,} scheduled; skipped: {skipped or 'none'}; "
        f"no survey triggered: {report.no_survey:,}."
    )
    if report.warning_count:
        click.echo(f"Imported with a warning: {report.warning_count:,} row(s):", err=True)
        for row in report.warnings:
            click.echo(f"  line {row.line}: {row.reason}", err=True)
        if report.warning_count > len(report.warnings):
            click.echo(f"  ... and {report.warning_count - len(report.warnings):,} more", err=True)
    if not report.rejected_count:
        return
    click.echo(
        f"Rejected {report.rejected_count:,} row(s), not imported (the other rows were):",
        err=True,
    )
    for row in report.rejected:
        click.echo(f"  line {row.line}: {row.reason}", err=True)
    if report.unlisted_rejections:
        click.echo(f"  ... and {report.unlisted_rejections:,} more", err=True)


@click.group(cls=AppGroup)
def surveys() -> None:
    """Show and edit the surveys' sending rules."""


@surveys.command("show")
@click.argument("slug")
def show_survey(slug: str) -> None:
    """Print a survey's sending rules."""
    survey = get_survey(slug)
    if survey is None:
        raise click.ClickException(f"no survey with slug {slug!r}")
    for label, value in describe_rules(survey):
        click.echo(f"{label + ':':<13} {value}")


@surveys.command("set")
@click.argument("slug")
@click.option("--triggers", help="Touchpoint types, comma-separated: ticket_closed,order_delivered")
@click.option("--delay", help="After the touchpoint: 0, 90m, 2h, 1d.")
@click.option("--fatigue-days", help="At most one invitation per contact in N days (0: off).")
@click.option("--sample", help="Share of touchpoints invited, 0 to 1 (0.25 or 25%).")
@click.option("--quiet-hours", help="No email between these local hours: 21-9, or off.")
@click.option("--expiry-days", help="Days a link stays valid after sending.")
@click.option("--reminder-days", help="One reminder N days after sending if unanswered, or off.")
def set_survey(slug: str, **options: str | None) -> None:
    """Edit a survey's sending rules; options not given stay as they are."""
    if get_survey(slug) is None:
        raise click.ClickException(f"no survey with slug {slug!r}")
    try:
        changes = _rule_changes(**options)
        survey = update_survey_rules(slug, changes)
    except RuleError as error:
        raise click.ClickException(str(error)) from None
    if changes.triggers:
        _warn_about_unseen_types(changes.triggers)
    for label, value in describe_rules(survey):
        click.echo(f"{label + ':':<13} {value}")


def _warn_about_unseen_types(triggers: list[str]) -> None:
    """Warn about triggers no touchpoint has ever had: often a typo (ticket_close)."""
    seen = recorded_touchpoint_types()
    for kind in triggers:
        if kind not in seen:
            known = ", ".join(seen[:20]) or "none yet"
            click.echo(
                f"Warning: no touchpoint of type {kind!r} has been recorded so far "
                f"(types seen: {known}); check the spelling.",
                err=True,
            )


def _rule_changes(
    triggers: str | None,
    delay: str | None,
    fatigue_days: str | None,
    sample: str | None,
    quiet_hours: str | None,
    expiry_days: str | None,
    reminder_days: str | None,
) -> RuleChanges:
    """Parse the options given; each parser names the option and what it accepts."""
    reminder = None
    if reminder_days is not None:
        reminder = parse_days(reminder_days, "--reminder-days", minimum=1, allow_off=True) or 0
    return RuleChanges(
        triggers=parse_triggers(triggers) if triggers is not None else None,
        delay_minutes=parse_duration(delay) if delay is not None else None,
        fatigue_days=(
            parse_days(fatigue_days, "--fatigue-days", minimum=0)
            if fatigue_days is not None
            else None
        ),
        sample_rate=parse_sample_rate(sample) if sample is not None else None,
        quiet_hours=parse_quiet_hours(quiet_hours) if quiet_hours is not None else None,
        expiry_days=(
            parse_days(expiry_days, "--expiry-days", minimum=1) if expiry_days is not None else None
        ),
        reminder_days=reminder,
    )
