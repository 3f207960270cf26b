"""Twenty simultaneous posts of one survey, through a real threaded server, store it once."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest
import requests
from flask import Flask
from sqlalchemy import select

from survey.extensions import db
from survey.models import Answer, Invitation, InvitationStatus, Question, Response
from tests.helpers import Invited, csrf_token, make_invitation
from tests.live_server import live_server

CLIENTS = 20
PHONE_UA = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36"
)
COMMENT = "Contestaron enseguida."


def stored(app: Flask, invited: Invited) -> tuple[list[Response], dict[str, object], int]:
    """Return the responses, the answers by question key, and the number of answer rows."""
    with app.app_context():
        responses = db.session.scalars(select(Response)).all()
        rows = db.session.execute(
            select(Question.key, Answer.number_value, Answer.text_value).join(Answer.question)
        ).all()
        status = db.session.get(Invitation, invited.invitation_id).status
        db.session.expunge_all()
    answers = {key: number if number is not None else text for key, number, text in rows}
    answers["_invitation_status"] = status
    return list(responses), answers, len(rows)


def post_all_at_once(
    url: str, cookies: dict[str, str], data: dict[str, str], headers: dict[str, str]
) -> list[requests.Response]:
    """POST the same body from CLIENTS threads released together, each with its own connection."""
    start = threading.Barrier(CLIENTS)

    def post(_: int) -> requests.Response:
        with requests.Session() as session:
            session.headers.update({"User-Agent": PHONE_UA, **headers})
            session.cookies.update(cookies)
            start.wait(timeout=30)
            return session.post(url, data=data, timeout=60)

    with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        return list(pool.map(post, range(CLIENTS)))


def open_page(url: str) -> tuple[dict[str, str], str]:
    """GET the survey as a phone would and return its session cookie and CSRF token."""
    with requests.Session() as session:
        page = session.get(url, headers={"User-Agent": PHONE_UA}, timeout=30)
        assert page.status_code == 200
        return session.cookies.get_dict(), csrf_token(page.text)


@pytest.fixture
def invited(app: Flask) -> Invited:
    return make_invitation(app, "ana@example.com", locale="en")


def test_twenty_concurrent_submits_store_one_response(app: Flask, invited: Invited) -> None:
    with live_server(app) as base:
        url = base + invited.path
        cookies, token = open_page(url)
        form = {"csrf_token": token, "nps": "9", "ces": "6", "heard": "yes", "comment": COMMENT}
        results = post_all_at_once(url, cookies, form, {})

    for result in results:
        assert result.status_code == 200, result.text[:500]
        assert 'id="thanks-title"' in result.text
        assert "Thank you!" in result.text
    responses, answers, rows = stored(app, invited)
    assert len(responses) == 1
    assert responses[0].completed_at is not None
    assert not responses[0].suspected_scanner
    assert rows == 4
    assert answers == {
        "nps": Decimal(9),
        "ces": Decimal(6),
        "heard": "yes",
        "comment": COMMENT,
        "_invitation_status": InvitationStatus.ANSWERED,
    }


def test_twenty_concurrent_score_saves_store_one_partial_response(
    app: Flask, invited: Invited
) -> None:
    with live_server(app) as base:
        url = base + invited.path
        cookies, token = open_page(url + "?score=7")
        results = post_all_at_once(
            url + "/score",
            cookies,
            {"csrf_token": token, "score": "7"},
            {"Accept": "application/json"},
        )

    for result in results:
        assert result.status_code == 200, result.text[:500]
        assert result.json() == {"saved": True, "outcome": "saved"}
    responses, answers, rows = stored(app, invited)
    assert len(responses) == 1
    assert responses[0].completed_at is None
    assert not responses[0].suspected_scanner
    assert rows == 1
    assert answers == {"nps": Decimal(7), "_invitation_status": InvitationStatus.SENT}


def test_score_saves_racing_the_full_form_never_undo_it(app: Flask, invited: Invited) -> None:
    with live_server(app) as base:
        url = base + invited.path
        cookies, token = open_page(url + "?score=3")
        form = {"csrf_token": token, "nps": "9", "ces": "6", "heard": "yes", "comment": COMMENT}
        start = threading.Barrier(2)

        def send(target: str, data: dict[str, str], accept: str) -> list[requests.Response]:
            start.wait(timeout=30)
            return [
                requests.post(
                    target,
                    data=data,
                    cookies=cookies,
                    headers={"User-Agent": PHONE_UA, "Accept": accept},
                    timeout=60,
                )
                for _ in range(CLIENTS // 2)
            ]

        with ThreadPoolExecutor(max_workers=2) as pool:
            scores = pool.submit(
                send, url + "/score", {"csrf_token": token, "score": "3"}, "application/json"
            )
            submits = pool.submit(send, url, form, "text/html")
            score_results, submit_results = scores.result(), submits.result()

    assert all(r.status_code == 200 for r in score_results + submit_results)
    assert all('id="thanks-title"' in r.text for r in submit_results)
    responses, answers, rows = stored(app, invited)
    assert len(responses) == 1
    assert responses[0].completed_at is not None
    # Whatever the order, the completed form's score wins: a late save never rewrites it.
    assert answers["nps"] == Decimal(9)
    assert rows == 4
