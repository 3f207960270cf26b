"""Staff pages in Spanish: the shell, the dashboard filter and its error messages."""

from __future__ import annotations

import html

from flask import Flask
from flask.testing import FlaskClient

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
