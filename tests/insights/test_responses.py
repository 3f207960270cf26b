"""Response counts per survey, as the staff home shows them."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from survey.database import utcnow
from survey.extensions import db
from survey.insights.responses import surveys_with_response_counts
from survey.models import Invitation, Response
from tests.helpers import AuthActions, make_invitation, make_user


def _respond(app: Flask, email: str, *, completed: bool, scanner: bool = False) -> None:
    invited = make_invitation(app, email)
    with app.app_context():
        invitation = db.session.get(Invitation, invited.invitation_id)
        assert invitation is not None
        db.session.add(
            Response(
                invitation_id=invitation.id,
                survey_id=invitation.survey_id,
                team_id=invitation.team_id,
                locale="es",
                completed_at=utcnow() if completed else None,
                suspected_scanner=scanner,
            )
        )
        db.session.commit()


def test_partial_counts_leave_out_suspected_scanner_clicks(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    _respond(app, "done@example.com", completed=True)
    _respond(app, "person@example.com", completed=False)
    _respond(app, "scanner1@example.com", completed=False, scanner=True)
    _respond(app, "scanner2@example.com", completed=False, scanner=True)
    make_invitation(app, "silent@example.com")  # no response at all
    with app.app_context():
        ((survey, completed, partial),) = surveys_with_response_counts()
        assert (survey.slug, completed, partial) == ("after-support", 1, 1)

    make_user(app)
    auth.login()
    home = client.get("/", headers={"Accept-Language": "en"})
    assert home.status_code == 200
    cells = home.text.split('<td class="num">')[1:]
    assert [cell.split("<")[0] for cell in cells] == ["1", "1"]


def test_a_survey_without_responses_counts_zero(app: Flask, default_survey: int) -> None:
    with app.app_context():
        assert [(s.id, c, p) for s, c, p in surveys_with_response_counts()] == [
            (default_survey, 0, 0)
        ]
