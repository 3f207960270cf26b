"""The respondent loop through HTTP: open, pre-select, save, submit, once."""

from __future__ import annotations

from decimal import Decimal

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from survey.extensions import db
from survey.models import Answer, Invitation, Question, Response
from tests.helpers import Invited, csrf_token, make_invitation

PHONE_UA = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)


def count_responses(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(Response.id))) or 0


def answers_by_key(app: Flask) -> dict[str, object]:
    with app.app_context():
        rows = db.session.execute(
            select(Question.key, Answer.number_value, Answer.text_value).join(Answer.question)
        ).all()
    return {key: number if number is not None else text for key, number, text in rows}


def full_form(token_html: str, **overrides: str) -> dict[str, str]:
    data = {
        "csrf_token": csrf_token(token_html),
        "nps": "9",
        "ces": "6",
        "heard": "partly",
        "comment": "Me atendieron rápido, pero tuve que repetir mi caso dos veces.",
    }
    data.update(overrides)
    return data


@pytest.fixture
def invited(app: Flask) -> Invited:
    return make_invitation(app, "ana@example.com", locale="es")


def test_spanish_page_then_submit_stores_one_response_with_four_answers(
    app: Flask, client: FlaskClient, invited: Invited
) -> None:
    page = client.get(invited.path, headers={"User-Agent": PHONE_UA})
    assert page.status_code == 200
    assert 'lang="es"' in page.text
    assert "¿Qué probabilidad hay de que nos recomiende" in page.text
    assert "¿Sintió que le escuchamos?" in page.text

    sent = client.post(invited.path, data=full_form(page.text), headers={"User-Agent": PHONE_UA})
    assert sent.status_code == 303
    thanks = client.get(sent.headers["Location"])
    assert "¡Gracias!" in thanks.text

    assert count_responses(app) == 1
    answers = answers_by_key(app)
    assert answers == {
        "nps": Decimal(9),
        "ces": Decimal(6),
        "heard": "partly",
        "comment": "Me atendieron rápido, pero tuve que repetir mi caso dos veces.",
    }
    with app.app_context():
        response = db.session.scalars(select(Response)).one()
        assert response.completed_at is not None
        assert response.user_agent == PHONE_UA
        assert db.session.get(Invitation, invited.invitation_id).status == "answered"


def test_english_switch_and_contact_locale(app: Flask, client: FlaskClient) -> None:
    invited = make_invitation(app, "bob@example.com", locale="en")
    page = client.get(invited.path)
    assert "How likely are you to recommend us" in page.text
    assert 'lang="en"' in page.text
    switched = client.get(f"{invited.path}?lang=es")
    assert "¿Qué probabilidad hay" in switched.text


def test_get_with_score_stores_nothing_and_preselects(
    app: Flask, client: FlaskClient, invited: Invited
) -> None:
    page = client.get(f"{invited.path}?score=9")
    assert page.status_code == 200
    assert 'checked id="nps-9"' in page.text or 'id="nps-9" checked' in page.text
    assert count_responses(app) == 0


def test_score_save_records_a_partial_response(
    app: Flask, client: FlaskClient, invited: Invited
) -> None:
    page = client.get(f"{invited.path}?score=9", headers={"User-Agent": PHONE_UA})
    saved = client.post(
        f"{invited.path}/score",
        data={"csrf_token": csrf_token(page.text), "score": "9"},
        headers={"Accept": "application/json", "User-Agent": PHONE_UA},
    )
    assert saved.status_code == 200
    assert saved.json == {"saved": True, "outcome": "saved"}
    with app.app_context():
        response = db.session.scalars(select(Response)).one()
        assert response.completed_at is None
        assert response.suspected_scanner is False
    assert answers_by_key(app) == {"nps": Decimal(9)}


def test_score_save_from_a_scanner_is_flagged_until_a_person_confirms(
    app: Flask, client: FlaskClient, invited: Invited
) -> None:
    page = client.get(f"{invited.path}?score=10")
    token = csrf_token(page.text)
    scanner = {"Accept": "application/json", "User-Agent": "Mozilla/5.0 (Barracuda LinkProtect)"}
    client.post(f"{invited.path}/score", data={"csrf_token": token, "score": "10"}, headers=scanner)
    with app.app_context():
        assert db.session.scalars(select(Response)).one().suspected_scanner is True

    person = {"Accept": "application/json", "User-Agent": PHONE_UA}
    client.post(f"{invited.path}/score", data={"csrf_token": token, "score": "8"}, headers=person)
    with app.app_context():
        response = db.session.scalars(select(Response)).one()
        assert response.suspected_scanner is False
        assert response.confirmed_at is not None
    assert answers_by_key(app) == {"nps": Decimal(8)}


def test_score_save_within_the_window_after_delivery_is_suspected(
    app: Flask, database_url: str, invited: Invited
) -> None:
    from survey import create_app
    from survey.database import utcnow

    # A window of a day: however slow the machine, the save lands inside it. The window's
    # edge is checked without a clock below.
    windowed = create_app(
        {
            "ENV_NAME": "testing",
            "SURVEY_DATABASE_URL": database_url,
            "SURVEY_SCANNER_WINDOW_SECONDS": 86_400,
        }
    )
    with windowed.app_context():
        db.session.get(Invitation, invited.invitation_id).sent_at = utcnow()
        db.session.commit()
    client = windowed.test_client()
    page = client.get(f"{invited.path}?score=3")
    client.post(
        f"{invited.path}/score",
        data={"csrf_token": csrf_token(page.text), "score": "3"},
        headers={"Accept": "application/json", "User-Agent": PHONE_UA},
    )
    with windowed.app_context():
        suspected = db.session.scalars(select(Response)).one().suspected_scanner
        db.session.remove()
        db.engine.dispose()
    assert suspected is True


@pytest.mark.parametrize(
    ("seconds_after_delivery", "user_agent", "suspected"),
    [
        (10, PHONE_UA, True),  # the window's last second
        (11, PHONE_UA, False),
        (3600, "Mozilla/5.0 (Barracuda LinkProtect)", True),
        (3600, "", True),
    ],
)
def test_scanner_window_edge_and_automated_agents(
    seconds_after_delivery: int, user_agent: str, suspected: bool
) -> None:
    from datetime import UTC, datetime, timedelta

    from survey.responding.services import ClientInfo, InvitationRef, is_suspected_scanner

    sent_at = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    invitation = InvitationRef(1, 1, None, "es", sent_at, None, None)
    client = ClientInfo(ip_address="127.0.0.1", user_agent=user_agent)
    now = sent_at + timedelta(seconds=seconds_after_delivery)
    assert is_suspected_scanner(invitation, client, now, window=10) is suspected


def test_plain_button_without_javascript_saves_and_returns_to_the_form(
    app: Flask, client: FlaskClient, invited: Invited
) -> None:
    page = client.get(f"{invited.path}?score=7")
    assert "Guardar mi puntuación: 7" in page.text
    saved = client.post(
        f"{invited.path}/score?lang=es", data={"csrf_token": csrf_token(page.text), "score": "7"}
    )
    assert saved.status_code == 303
    after = client.get(saved.headers["Location"])
    assert "está guardada" in after.text
    assert answers_by_key(app) == {"nps": Decimal(7)}


def test_partial_then_full_submission_completes_the_same_response(
    app: Flask, client: FlaskClient, invited: Invited
) -> None:
    page = client.get(f"{invited.path}?score=4", headers={"User-Agent": PHONE_UA})
    client.post(
        f"{invited.path}/score",
        data={"csrf_token": csrf_token(page.text), "score": "4"},
        headers={"Accept": "application/json", "User-Agent": PHONE_UA},
    )
    client.post(invited.path, data=full_form(page.text, nps="5", comment=""))
    assert count_responses(app) == 1
    assert answers_by_key(app) == {"nps": Decimal(5), "ces": Decimal(6), "heard": "partly"}


def test_resubmission_and_reopening_show_thanks_and_store_nothing_new(
    app: Flask, client: FlaskClient, invited: Invited
) -> None:
    page = client.get(invited.path)
    data = full_form(page.text)
    client.post(invited.path, data=data)
    again = client.post(invited.path, data=full_form(page.text, nps="0"))
    assert again.status_code == 200
    assert "¡Gracias!" in again.text
    reopened = client.get(f"{invited.path}?score=2")
    assert "¡Gracias!" in reopened.text
    late_score = client.post(
        f"{invited.path}/score",
        data={"csrf_token": data["csrf_token"], "score": "2"},
        headers={"Accept": "application/json"},
    )
    assert late_score.json == {"saved": False, "outcome": "already_completed"}
    assert count_responses(app) == 1
    assert answers_by_key(app)["nps"] == Decimal(9)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("nps", "11", "nps"),
        ("ces", "0", "ces"),
        ("heard", "maybe", "heard"),
        ("comment", "x" * 100_000, "5.000"),
        ("comment", "Bien\x00hecho", "comment"),
        ("nps", "", "Responda a esta pregunta"),
    ],
)
def test_bad_answers_get_a_clear_message_and_store_nothing(
    app: Flask, client: FlaskClient, invited: Invited, field: str, value: str, message: str
) -> None:
    page = client.get(invited.path)
    sent = client.post(invited.path, data=full_form(page.text, **{field: value}))
    assert sent.status_code == 422
    assert f'href="#q-{field}"' in sent.text
    assert message in sent.text
    assert count_responses(app) == 0


def test_bad_score_save_is_refused(app: Flask, client: FlaskClient, invited: Invited) -> None:
    page = client.get(invited.path)
    bad = client.post(
        f"{invited.path}/score",
        data={"csrf_token": csrf_token(page.text), "score": "11"},
        headers={"Accept": "application/json"},
    )
    assert bad.status_code == 422
    assert "score" in bad.json["errors"]
    assert count_responses(app) == 0


def test_wrong_csrf_token_gets_a_friendly_page(
    app: Flask, client: FlaskClient, invited: Invited
) -> None:
    page = client.get(invited.path)
    sent = client.post(invited.path, data=full_form(page.text, csrf_token="forged"))
    assert sent.status_code == 400
    assert "Esta página ha caducado" in sent.text
    assert count_responses(app) == 0


@pytest.mark.parametrize(
    "path", ["/r/garbage", "/r/AAAAAAAAAAAAAAAAAAAAAAAA", "/r/%00%ff", "/r/" + "a" * 500]
)
def test_unknown_tokens_get_a_404_that_leaks_nothing(
    app: Flask, client: FlaskClient, path: str
) -> None:
    make_invitation(app, "ana@example.com")
    page = client.get(path)
    assert page.status_code == 404
    assert "No hemos encontrado esta encuesta" in page.text
    # The same page whatever the token looks like: nothing tells a guess from a near miss.
    assert page.text == client.get("/r/another-unknown-token-xyz").text
    assert "ana@example.com" not in page.text
    posted = client.post(path + "/score", data={"score": "9"})
    assert posted.status_code in (400, 404)
    assert count_responses(app) == 0


def test_expired_and_erased_links_are_gone(
    app: Flask, client: FlaskClient, invited: Invited
) -> None:
    from datetime import timedelta

    from survey.database import utcnow

    with app.app_context():
        invitation = db.session.get(Invitation, invited.invitation_id)
        invitation.expires_at = utcnow() - timedelta(minutes=1)
        db.session.commit()
    assert client.get(invited.path).status_code == 410
    other = make_invitation(app, "eva@example.com")
    with app.app_context():
        db.session.get(Invitation, other.invitation_id).erased_at = utcnow()
        db.session.commit()
    gone = client.get(other.path)
    assert gone.status_code == 410
    assert "eva@example.com" not in gone.text


def test_oversized_request_gets_413(app: Flask, client: FlaskClient, invited: Invited) -> None:
    page = client.get(invited.path)
    sent = client.post(invited.path, data=full_form(page.text, comment="x" * 2_000_000))
    assert sent.status_code == 413
    assert count_responses(app) == 0


def test_nul_in_a_comment_is_refused_naming_the_question_on_both_databases(
    app: Flask, client: FlaskClient, invited: Invited
) -> None:
    page = client.get(f"{invited.path}?lang=en")
    sent = client.post(
        f"{invited.path}?lang=en", data=full_form(page.text, comment="All good\x00 thanks")
    )
    assert sent.status_code == 422
    assert 'href="#q-comment"' in sent.text
    assert "invisible control character" in sent.text
    assert count_responses(app) == 0
    # The customer fixes it and the same page saves.
    fixed = client.post(invited.path, data=full_form(page.text, comment="All good, thanks"))
    assert fixed.status_code == 303
    assert answers_by_key(app)["comment"] == "All good, thanks"


def test_a_nul_in_the_user_agent_never_loses_the_answer(
    app: Flask, client: FlaskClient, invited: Invited
) -> None:
    page = client.get(invited.path)
    sent = client.post(
        invited.path, data=full_form(page.text), headers={"User-Agent": "Phone\x00Browser"}
    )
    assert sent.status_code == 303
    assert count_responses(app) == 1


def test_length_bound_is_accepted_and_named_as_the_reader_writes_numbers(
    app: Flask, client: FlaskClient, invited: Invited
) -> None:
    page = client.get(f"{invited.path}?lang=en")
    longer = client.post(f"{invited.path}?lang=en", data=full_form(page.text, comment="x" * 5001))
    assert longer.status_code == 422
    assert "5,000 characters or fewer" in longer.text
    exact = client.post(invited.path, data=full_form(page.text, comment="x" * 5000))
    assert exact.status_code == 303
    assert len(str(answers_by_key(app)["comment"])) == 5000


def test_error_summary_never_doubles_punctuation(
    app: Flask, client: FlaskClient, invited: Invited
) -> None:
    page = client.get(f"{invited.path}?lang=en")
    sent = client.post(f"{invited.path}?lang=en", data=full_form(page.text, nps=""))
    assert sent.status_code == 422
    assert "friend or colleague? Please answer this question." in sent.text
    assert "?:" not in sent.text


def test_saved_in_the_url_never_claims_a_save(
    app: Flask, client: FlaskClient, invited: Invited
) -> None:
    forged = client.get(f"{invited.path}?score=7&saved=1&lang=en")
    assert "score of 7 is saved" not in forged.text
    assert "Save my score of 7" in forged.text
    assert count_responses(app) == 0


def test_without_javascript_a_preselected_score_shows_one_path(
    app: Flask, client: FlaskClient, invited: Invited
) -> None:
    page = client.get(f"{invited.path}?score=7&lang=en")
    # One button in view: the rest of the survey waits (hidden) until the score is saved.
    assert 'id="score-button"' in page.text
    assert 'id="survey-form"' in page.text
    assert "hidden data-after-score" in page.text
    saved = client.post(
        f"{invited.path}/score?lang=en", data={"csrf_token": csrf_token(page.text), "score": "7"}
    )
    after = client.get(saved.headers["Location"])
    assert "your score of 7 is saved" in after.text
    assert 'id="score-button"' not in after.text
    assert "hidden data-after-score" not in after.text
    # Read once: reloading the page no longer says it was just saved.
    again = client.get(saved.headers["Location"])
    assert "score of 7 is saved" not in again.text


def test_guessing_links_is_limited_per_address_on_its_own_counter(
    app: Flask, client: FlaskClient, invited: Invited
) -> None:
    app.config["SURVEY_RATELIMIT_SURVEY_TOKEN"] = "5 per hour"
    for attempt in range(5):
        assert client.get(f"/r/guess{attempt:020d}").status_code == 404
    # A valid link never counted: the same address is now refused, valid link or not.
    blocked = client.get(f"/r/guess{99:020d}")
    assert blocked.status_code == 429
    assert int(blocked.headers["Retry-After"]) > 0
    assert client.get(invited.path).status_code == 429
    other = app.test_client()
    assert (
        other.get(invited.path, environ_overrides={"REMOTE_ADDR": "127.0.0.2"}).status_code == 200
    )
