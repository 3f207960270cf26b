"""The ``survey`` command: a Flask CLI group with the app preset.

Every command is also reachable as ``flask --app survey <command>``; Flask-Migrate adds
``survey db ...`` through its plugin entry point.
"""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import FlaskGroup


def register(app: Flask) -> None:
    """Add every feature's commands to the app's CLI."""
    from survey.api.cli import apikey
    from survey.auth.cli import users
    from survey.demo.cli import demo
    from survey.distribution.cli import import_touchpoints, invite, surveys
    from survey.insights.cli import outbox
    from survey.insights.commands import insights
    from survey.outbox.cli import worker
    from survey.webhooks.cli import webhooks

    for command in (
        users,
        demo,
        invite,
        import_touchpoints,
        surveys,
        outbox,
        insights,
        apikey,
        worker,
        webhooks,
    ):
        app.cli.add_command(command)


def _create_app() -> Flask:
    from survey import create_app

    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app, add_version_option=False)
def main() -> None:
    """Heard: operator commands (database, demo data, invitations, users)."""
