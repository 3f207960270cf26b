"""Operator commands: survey invite, survey users create, and the console script."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import func, select

from survey.extensions import db
from survey.models import Contact, Invitation, Team, User


def test_invite_prints_a_working_link_and_creates_the_contact(
    app: Flask, runner: FlaskCliRunner, default_survey: int
) -> None:
    result = runner.invoke(args=["invite", "--email", "Ana@Example.com", "--locale", "es"])
    assert result.exit_code == 0, result.output
    link = result.output.strip()
    assert link.startswith("http://localhost/r/")
    token = link.rsplit("/", 1)[1]
    assert len(token) >= 22  # at least 128 bits in URL-safe base64
    with app.app_context():
        contact = db.session.scalars(select(Contact)).one()
        assert contact.email == "ana@example.com"
        assert contact.locale == "es"
        invitation = db.session.scalars(select(Invitation)).one()
        assert invitation.origin == "manual"
        assert token not in (invitation.token_hash or "")
    page = app.test_client().get(f"/r/{token}")
    assert "¿Qué probabilidad hay" in page.text


def test_invite_twice_reuses_the_contact_and_team(
    app: Flask, runner: FlaskCliRunner, default_survey: int
) -> None:
    for _ in range(2):
        result = runner.invoke(
            args=["invite", "--email", "bob@example.com", "--team", "Soporte N1", "--locale", "en"]
        )
        assert result.exit_code == 0, result.output
    with app.app_context():
        assert db.session.scalar(select(func.count(Contact.id))) == 1
        assert db.session.scalar(select(func.count(Invitation.id))) == 2
        team = db.session.scalars(select(Team)).one()
        assert team.slug == "soporte-n1"


def test_invite_rejects_bad_input_clearly(app: Flask, runner: FlaskCliRunner) -> None:
    bad_email = runner.invoke(args=["invite", "--email", "not-an-email"])
    assert bad_email.exit_code == 1
    assert "invalid email" in bad_email.output
    bad_survey = runner.invoke(args=["invite", "--email", "a@example.com", "--survey", "nope"])
    assert bad_survey.exit_code == 1
    assert "no survey with slug 'nope'" in bad_survey.output
    bad_locale = runner.invoke(args=["invite", "--email", "a@example.com", "--locale", "fr"])
    assert bad_locale.exit_code == 2
    with app.app_context():
        assert db.session.scalar(select(func.count(Invitation.id))) == 0


def test_users_create_prompts_for_the_password(app: Flask, runner: FlaskCliRunner) -> None:
    result = runner.invoke(
        args=["users", "create", "--email", "boss@example.com", "--role", "manager"],
        input="a long enough secret\na long enough secret\n",
    )
    assert result.exit_code == 0, result.output
    assert "created manager boss@example.com" in result.output
    assert "a long enough secret" not in result.output
    with app.app_context():
        user = db.session.scalars(select(User)).one()
        assert user.check_password("a long enough secret")


def test_users_create_refuses_short_password_and_duplicates(
    app: Flask, runner: FlaskCliRunner
) -> None:
    short = runner.invoke(
        args=["users", "create", "--email", "x@example.com", "--role", "admin"],
        input="short\nshort\n",
    )
    assert short.exit_code == 1
    assert "at least 10 characters" in short.output
    args = ["users", "create", "--email", "x@example.com", "--role", "analyst"]
    assert runner.invoke(args=args, input="long password 1\nlong password 1\n").exit_code == 0
    again = runner.invoke(args=args, input="long password 1\nlong password 1\n")
    assert again.exit_code == 1
    assert "already exists" in again.output


def test_console_script_and_flask_app_option_list_the_commands(tmp_path: Path) -> None:
    env = dict(os.environ, SURVEY_INSTANCE_PATH=str(tmp_path))
    scripts = Path(sys.executable).parent
    for command in (
        [str(scripts / "survey"), "--help"],
        [str(scripts / "flask"), "--app", "survey", "--help"],
    ):
        output = subprocess.run(command, capture_output=True, text=True, env=env, check=True).stdout
        for name in ("db", "demo", "invite", "users"):
            assert f"  {name}" in output, (command, output)


def test_default_survey_created_once_when_first_requests_race(app: Flask) -> None:
    """Eight first requests at once: one survey, and every caller gets it without an error."""
    import threading

    from survey.surveys.models import Survey
    from survey.surveys.services import ensure_default_survey

    start = threading.Barrier(8)
    ids: list[int] = []
    errors: list[BaseException] = []

    def first_request() -> None:
        with app.app_context():
            start.wait()
            try:
                ids.append(ensure_default_survey().id)
            except BaseException as error:  # noqa: BLE001  (reported by the assertion)
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=first_request) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(set(ids)) == 1
    with app.app_context():
        assert db.session.scalar(select(func.count(Survey.id))) == 1
