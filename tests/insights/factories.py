"""Answers given through the real services, for the insights tests (plain functions)."""

from __future__ import annotations

from datetime import datetime

from flask import Flask

from survey.responding.services import ClientInfo, open_link, save_preselected_score, submit_answers

#: A person's browser: not a scanner's user agent.
BROWSER = ClientInfo("127.0.0.1", "Mozilla/5.0 (X11; Linux x86_64) Firefox/120.0")


def invite(email: str, *, team: str | None = "soporte", locale: str = "es") -> str:
    """Invite a contact to the default survey (inside an app context); return the link token."""
    from survey.distribution.services import invite_by_email
    from survey.surveys.services import ensure_default_survey

    ensure_default_survey()
    return invite_by_email(email, team_slug=team, locale=locale).token


def answer(token: str, values: dict[str, str | None], now: datetime | None = None) -> None:
    """Complete the survey behind a link with the given form values."""
    opened = open_link(token)
    assert opened.invitation is not None
    assert opened.survey is not None
    submit_answers(opened.invitation, opened.survey, values, BROWSER, now=now)


def save_score(
    token: str, score: int, client: ClientInfo = BROWSER, now: datetime | None = None
) -> None:
    """Save an NPS score from the email (a partial response)."""
    opened = open_link(token)
    assert opened.invitation is not None
    assert opened.survey is not None
    save_preselected_score(
        opened.invitation, opened.survey, score, client, scanner_window=10, now=now
    )


def run_worker(app: Flask) -> str:
    """Run one `survey worker --once` pass; return its output."""
    result = app.test_cli_runner().invoke(args=["worker", "--once"])
    assert result.exit_code == 0, result.output
    return result.output
