"""Surveys: reads that never write, the default survey's setup, edits the respondent sees."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import func, select

from survey.extensions import db
from survey.models import Contact, Question, Survey
from survey.surveys.defaults import DEFAULT_QUESTIONS
from survey.surveys.services import (
    DEFAULT_SURVEY_SLUG,
    SurveyError,
    ensure_default_survey,
    get_survey,
    reword_question,
)
from tests.helpers import make_invitation


def _surveys(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(Survey.id))) or 0


def test_get_survey_creates_nothing(app: Flask) -> None:
    with app.app_context():
        assert get_survey(DEFAULT_SURVEY_SLUG) is None
        assert get_survey("no-such-survey") is None
    assert _surveys(app) == 0


def test_invite_to_a_missing_survey_is_refused_and_creates_nothing(
    app: Flask, runner: FlaskCliRunner
) -> None:
    result = runner.invoke(args=["invite", "--email", "ana@example.com"])
    assert result.exit_code == 1
    assert "no survey with slug 'after-support'" in result.output
    assert _surveys(app) == 0


def test_ensure_default_survey_keeps_the_callers_pending_work(app: Flask) -> None:
    with app.app_context():
        db.session.add(Contact(email="pending@example.com", locale="es"))
        survey = ensure_default_survey()
        assert [q.key for q in survey.questions] == [q[0] for q in DEFAULT_QUESTIONS]
        assert ensure_default_survey().id == survey.id
        db.session.commit()
    with app.app_context():
        assert db.session.scalar(select(func.count(Contact.id))) == 1
    assert _surveys(app) == 1


def test_an_edited_question_shows_on_the_customers_page_without_restart(
    app: Flask, client: FlaskClient
) -> None:
    invited = make_invitation(app, "ana@example.com", locale="en")
    before = client.get(invited.path)
    assert "How likely are you to recommend us to a friend or colleague?" in before.text
    with app.app_context():
        version = db.session.scalars(select(Survey.version)).one()
        reword_question(DEFAULT_SURVEY_SLUG, "nps", {"en": "Would you recommend our help desk?"})
        assert db.session.scalars(select(Survey.version)).one() != version
    after = client.get(invited.path)
    assert "Would you recommend our help desk?" in after.text
    assert "How likely are you to recommend us" not in after.text
    spanish = client.get(f"{invited.path}?lang=es")
    assert "¿Qué probabilidad hay de que nos recomiende" in spanish.text  # untouched locale


def test_any_orm_edit_of_a_question_or_survey_bumps_the_version(
    app: Flask, default_survey: int
) -> None:
    def version() -> str:
        return db.session.scalars(select(Survey.version)).one()

    with app.app_context():
        seen = {version()}
        question = db.session.scalars(select(Question).where(Question.key == "ces")).one()
        question.required = True
        db.session.commit()
        seen.add(version())
        db.session.add(
            Question(survey_id=default_survey, key="extra", kind="text", prompt={"en": "More?"})
        )
        db.session.commit()
        seen.add(version())
        db.session.delete(question)
        db.session.commit()
        seen.add(version())
        survey = db.session.get(Survey, default_survey)
        assert survey is not None
        survey.title = {"en": "After our help"}
        db.session.commit()
        seen.add(version())
        db.session.add(Contact(email="someone@example.com", locale="es"))  # not a survey edit
        db.session.commit()
        seen.add(version())
    assert len(seen) == 5


@pytest.mark.parametrize(
    ("key", "prompt", "message"),
    [
        ("nope", {"en": "Hello?"}, "survey 'after-support' has no question 'nope'"),
        ("nps", {"en": "  "}, "the prompt cannot be empty (locale en)"),
    ],
)
def test_bad_rewording_is_refused_and_changes_nothing(
    app: Flask, default_survey: int, key: str, prompt: dict[str, str], message: str
) -> None:
    with app.app_context():
        version = db.session.scalars(select(Survey.version)).one()
        with pytest.raises(SurveyError, match=message.replace("(", r"\(").replace(")", r"\)")):
            reword_question(DEFAULT_SURVEY_SLUG, key, prompt)
        db.session.rollback()
        assert db.session.scalars(select(Survey.version)).one() == version


def test_survey_db_upgrade_creates_the_default_survey_once(backend: str, tmp_path: Path) -> None:
    from survey import create_app
    from tests.conftest import (
        _create_postgres_database,
        _drop_postgres_database,
        _postgres_server_url,
    )

    server = _postgres_server_url()
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
    else:
        assert server is not None
        url = _create_postgres_database(server)
    try:
        fresh = create_app({"ENV_NAME": "testing", "SURVEY_DATABASE_URL": url})
        runner = fresh.test_cli_runner()
        for args in (["db", "upgrade"], ["db", "downgrade", "0004_survey_version"]):
            result = runner.invoke(args=args)
            assert result.exit_code == 0, result.output
        # Upgrading again finds the survey (kept by the downgrade) and adds no second one.
        assert runner.invoke(args=["db", "upgrade"]).exit_code == 0
        with fresh.app_context():
            survey = get_survey(DEFAULT_SURVEY_SLUG)
            assert survey is not None
            assert survey.title_in("es") == "Después de la atención"
            assert survey.triggers == ["ticket_closed"]
            assert [(q.key, q.kind, q.required) for q in survey.questions] == [
                (key, kind, required) for key, kind, required, _, _ in DEFAULT_QUESTIONS
            ]
            assert survey.questions[0].prompt_in("en").startswith("How likely")
            assert db.session.scalar(select(func.count(Survey.id))) == 1
            db.session.remove()
            db.engine.dispose()
    finally:
        if backend == "postgresql" and server is not None:
            _drop_postgres_database(server, url)
