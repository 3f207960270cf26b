"""No tokens or personal data in logs: access lines, SQL and exceptions, over a real HTTP run."""

from __future__ import annotations

import logging

import pytest
import requests
from flask import Flask

from survey.security import redact
from tests.helpers import csrf_token, make_invitation
from tests.live_server import live_server

EMAIL = "ana.private@example.com"
COMMENT = "Mi vecino Rigoberto me atendió fatal"


def test_redact_masks_tokens_queries_and_emails() -> None:
    line = '127.0.0.1 - - "GET /r/abcDEF123_-x?score=7&lang=es HTTP/1.1" 200 -'
    assert redact(line) == '127.0.0.1 - - "GET /r/<token> HTTP/1.1" 200 -'
    assert redact("POST /u/tok3n/x for a.b+c@example.co.uk") == "POST /u/<token>/x for <email>"
    assert redact("/responses/42 /rules/7") == "/responses/42 /rules/7"


def test_an_end_to_end_run_leaves_no_token_email_or_comment_in_the_logs(
    app: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    # SQL statements too, where parameters would carry the answers and the emails.
    caplog.set_level(logging.INFO, logger="sqlalchemy.engine")
    invited = make_invitation(app, EMAIL, locale="es")
    with live_server(app) as url, requests.Session() as browser:
        page = browser.get(f"{url}{invited.path}?score=3", timeout=10)
        assert page.status_code == 200
        saved = browser.post(
            f"{url}{invited.path}/score",
            data={"csrf_token": csrf_token(page.text), "score": "3"},
            headers={"Accept": "application/json"},
            timeout=10,
        )
        assert saved.json()["saved"] is True
        sent = browser.post(
            f"{url}{invited.path}",
            data={
                "csrf_token": csrf_token(page.text),
                "nps": "3",
                "ces": "2",
                "heard": "no",
                "comment": COMMENT,
            },
            timeout=10,
        )
        assert sent.status_code == 200
        assert browser.get(f"{url}/u/{invited.token}", timeout=10).status_code == 200
        assert browser.post(f"{url}/u/{invited.token}", timeout=10).status_code == 200
        assert browser.get(f"{url}/r/{'Z' * 24}", timeout=10).status_code == 404

    text = "\n".join(record.getMessage() + (record.exc_text or "") for record in caplog.records)
    assert "/r/<token>" in text, "the access log still records the route"
    for secret in (invited.token, EMAIL, COMMENT, "Rigoberto", "Z" * 24):
        assert secret not in text


def test_an_exception_log_carries_no_email_or_sql_parameters(
    app: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    from sqlalchemy import text

    from survey.auth.policies import public
    from survey.extensions import db

    @app.get("/explode")
    @public
    def explode() -> str:
        db.session.execute(
            text("SELECT * FROM no_such_table WHERE email = :email"), {"email": EMAIL}
        )
        return "unreachable"

    app.config["PROPAGATE_EXCEPTIONS"] = False  # served as in production: logged, then a 500
    caplog.set_level(logging.ERROR)
    response = app.test_client().get("/explode")
    assert response.status_code == 500
    logged = "\n".join(record.getMessage() + (record.exc_text or "") for record in caplog.records)
    assert "no_such_table" in logged
    assert EMAIL not in logged
