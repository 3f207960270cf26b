"""``survey users``: staff accounts and the teams they may see."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from survey.auth.models import Role, User
from survey.auth.services import AccountError, create_user, set_user_teams


def _describe(user: User) -> str:
    teams = ", ".join(team.slug for team in user.teams) or "every team"
    return f"{user.role.value} {user.email} ({teams})"


@click.group(cls=AppGroup)
def users() -> None:
    """Manage staff accounts."""


@users.command("create")
@click.option("--email", required=True, help="The login email.")
# A plain string, not click.Choice: an unknown role is a clear error with exit code 1.
@click.option("--role", required=True, help=f"One of {', '.join(Role)}.")
@click.option(
    "--team",
    "teams",
    multiple=True,
    metavar="SLUG",
    help="Limit the user to this team (repeat for several); none: every team.",
)
@click.password_option(help="Prompted for when not given (hidden, asked twice).")
def create(email: str, role: str, teams: tuple[str, ...], password: str) -> None:
    """Create a staff account."""
    try:
        user = create_user(email, password, role, teams)
    except AccountError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"created {_describe(user)}")


@users.command("set-teams")
@click.option("--email", required=True, help="The user's login email.")
@click.option("--team", "teams", multiple=True, metavar="SLUG", help="A team (repeatable).")
@click.option("--all-teams", is_flag=True, help="Lift the limit: the user sees every team.")
def set_teams(email: str, teams: tuple[str, ...], all_teams: bool) -> None:
    """Limit a user to some teams, or give back every team with --all-teams."""
    if bool(teams) == all_teams:
        raise click.ClickException("give either --team SLUG (one or more) or --all-teams")
    try:
        user = set_user_teams(email, teams)
    except AccountError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"updated {_describe(user)}")
