"""/admin/import: admins upload a CSV and read the report; nobody else gets in."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from survey.extensions import db
from survey.models import Touchpoint
from tests.helpers import AuthActions, csrf_token, make_user

HEADER = "external_id;type;occurred_at;team;email;meta.channel\n"


def csv_bytes(*rows: str) -> bytes:
    return ("\ufeff" + HEADER + "".join(rows)).encode()


def good_row(number: int) -> str:
    when = (datetime.now(UTC) - timedelta(minutes=5)).isoformat()
    return f"w-{number};ticket_closed;{when};Soporte;c{number}@example.com;web\n"


def upload(client: FlaskClient, data: bytes, *, token: str | None = None):  # type: ignore[no-untyped-def]
    page = client.get("/admin/import")
    form = {"file": (io.BytesIO(data), "touchpoints.csv")}
    form["csrf_token"] = token if token is not None else csrf_token(page.text)  # type: ignore[assignment]
    return client.post("/admin/import", data=form, content_type="multipart/form-data")


def touchpoints(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(Touchpoint.id))) or 0


def test_an_admin_imports_a_file_and_sees_the_rejected_lines(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    make_user(app, role="admin")
    auth.login()
    page = client.get("/admin/import")
    assert page.status_code == 200
    assert 'type="file"' in page.text
    response = upload(
        client, csv_bytes(good_row(1), "w-2;ticket_closed;yesterday;Soporte;x@example.com;web\n")
    )
    assert response.status_code == 200
    assert 'data-count="imported">1<' in response.text
    assert 'data-count="rejected">1<' in response.text
    assert "3: occurred_at: is not an ISO 8601 date and time" in response.text
    assert touchpoints(app) == 1
    again = upload(client, csv_bytes(good_row(1)))
    assert 'data-count="already_imported">1<' in again.text
    assert touchpoints(app) == 1


def test_a_bad_header_is_shown_on_the_page(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    make_user(app, role="admin")
    auth.login()
    response = upload(client, b"id,when\n1,2\n")
    assert response.status_code == 422
    assert "line 1: unknown column &#39;id&#39;" in response.text


def test_the_upload_needs_the_forms_csrf_token(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    make_user(app, role="admin")
    auth.login()
    response = upload(client, csv_bytes(good_row(1)), token="forged")
    assert response.status_code == 422
    assert touchpoints(app) == 0


def test_a_file_over_the_form_limit_but_under_the_import_limit_is_accepted(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    make_user(app, role="admin")
    auth.login()
    app.config["MAX_CONTENT_LENGTH"] = 4096
    rows = [good_row(n) for n in range(80)]
    data = csv_bytes(*rows)
    assert len(data) > 4096
    response = upload(client, data)
    assert response.status_code == 200
    assert touchpoints(app) == 80


def test_other_roles_get_403_and_visitors_the_login_page(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    anonymous = client.get("/admin/import")
    assert anonymous.status_code == 302
    assert "/login" in anonymous.headers["Location"]
    make_user(app, email="m@example.com", role="manager")
    auth.login("m@example.com")
    page = client.get("/admin/import")
    assert page.status_code == 403
    assert "Error 403" in page.text  # the friendly page, not a stack trace
    posted = client.post(
        "/admin/import",
        data={"file": (io.BytesIO(csv_bytes(good_row(1))), "t.csv")},
        content_type="multipart/form-data",
    )
    assert posted.status_code == 403
    assert touchpoints(app) == 0
