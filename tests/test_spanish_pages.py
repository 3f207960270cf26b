"""Staff pages in Spanish: the shell, the dashboard filter and its error messages."""

from __future__ import annotations

import html
import re
from datetime import UTC, date, datetime, timedelta

from flask import Flask
from flask.testing import FlaskClient

from analysis.trend import nps_trend
from survey.dashboards.present import trend_view
from tests.admin.test_admin_import import csv_bytes, upload
from tests.helpers import AuthActions, csrf_token, make_user


def _in_spanish(app: Flask, client: FlaskClient, auth: AuthActions) -> None:
    make_user(app, "analyst@example.com", "analyst")
    auth.login("analyst@example.com")
    page = client.get("/dashboard", headers={"Accept-Language": "en"})
    client.post(
        "/dashboard/language",
        data={"locale": "es", "next": "/dashboard", "csrf_token": csrf_token(page.text)},
    )


def test_the_shell_and_the_filter_read_in_spanish(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    _in_spanish(app, client, auth)
    page = html.unescape(client.get("/dashboard/teams", headers={"Accept-Language": "en"}).text)
    assert '<html lang="es">' in page
    for label in ("Resumen", "Integridad", "Analista", "Cerrar sesión"):
        assert f">{label}<" in page or f"· {label}<" in page, label
    # The filter's "To" is the end of a period, not the addressee of a mail ("Para").
    for label in ("Desde", "Hasta", "Todas las encuestas", "Idioma del cliente", "Aplicar"):
        assert f">{label}</" in page, label
    for english in (">From<", ">To<", ">All surveys<", ">Apply<", "· analyst<"):
        assert english not in page


def test_a_bad_filter_is_explained_in_spanish(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    _in_spanish(app, client, auth)
    cases = {
        "/dashboard?from=2026-05-01&to=2026-01-01": "el inicio es posterior al final",
        "/dashboard/teams?team=x": "use un número entero positivo",
        "/dashboard/comments?sentiment=angry": "use uno de estos valores: negative, neutral",
        "/dashboard/comments?limit=0": "use un número del 1 al",
    }
    for url, message in cases.items():
        response = client.get(url)
        assert response.status_code == 400, url
        text = html.unescape(response.text)
        assert "Ese filtro no es válido" in text, url
        assert message in text, url


def test_the_weekly_trend_names_its_weeks_in_the_page_language(app: Flask) -> None:
    weeks = [(date(2026, 8, 31) + timedelta(weeks=i), 5, 3, 2) for i in range(20)]
    points = nps_trend(weeks)  # (week, promoters, passives, detractors)
    for language, september in (("es", "sept"), ("en", "Sep")):
        with app.test_request_context(f"/?lang={language}"):
            figure = trend_view(points).figure
        axis = figure["layout"]["xaxis"]
        # Plotly would write English month names; the axis carries the page's own labels.
        assert any(september in label for label in axis["ticktext"]), (language, axis)
        assert len(axis["ticktext"]) <= 8
        nps_line = next(trace for trace in figure["data"] if trace.get("name") == "NPS")
        assert any(september in label for label in nps_line["text"])


def test_the_import_report_names_skip_reasons_in_spanish(
    app: Flask, client: FlaskClient, auth: AuthActions, default_survey: int
) -> None:
    make_user(app, "admin@example.com", "admin")
    auth.login("admin@example.com")
    client.post(
        "/dashboard/language",
        data={"locale": "es", "next": "/", "csrf_token": csrf_token(client.get("/").text)},
    )
    # The same customer twice: the second touchpoint gets no second invitation.
    when = (datetime.now(UTC) - timedelta(minutes=5)).isoformat()
    rows = [f"w-{n};ticket_closed;{when};Soporte;same@example.com;web\n" for n in (1, 2)]
    report = html.unescape(upload(client, csv_bytes(*rows)).text)
    skipped = re.findall(r"Omitidas: ([^<]+)</th>", report)
    assert skipped, report
    assert set(skipped) <= {"Ya invitado", "Consultado hace poco (periodo de descanso)"}
