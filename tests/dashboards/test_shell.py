"""The staff shell: navigation by role, the language switch, error pages inside the shell,
plotly.js served by the app, and the dashboards' Content-Security-Policy."""

from __future__ import annotations

import gzip
import re
from importlib.resources import files

from flask import Flask
from flask.testing import FlaskClient

from tests.helpers import AuthActions, csrf_token, make_user

PLOTLY = re.compile(r'<script src="(/dashboard/vendor/plotly-[\d.]+\.min\.js)" defer>')


def _sign_in(app: Flask, auth: AuthActions, role: str) -> None:
    make_user(app, f"{role}@example.com", role)
    auth.login(f"{role}@example.com")


def test_navigation_shows_what_the_role_may_open(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    _sign_in(app, auth, "analyst")
    page = client.get("/dashboard", headers={"Accept-Language": "en"}).text
    nav = page.split('class="staff-nav"', 1)[1].split("</nav>", 1)[0]
    for label in ("Overview", "Teams", "Themes", "Integrity", "Surveys"):
        assert f">{label}</a>" in nav
    assert 'href="/dashboard" aria-current="page"' in nav
    assert "/admin/import" not in nav
    assert "/dev/mail" not in nav


def test_admins_also_see_import_and_dev_mail(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    _sign_in(app, auth, "admin")
    nav = client.get("/", headers={"Accept-Language": "en"}).text.split("</nav>", 1)[0]
    assert 'href="/admin/import"' in nav
    assert 'href="/dev/mail"' in nav


def test_the_language_switch_keeps_the_choice(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    _sign_in(app, auth, "analyst")
    page = client.get("/dashboard/teams", headers={"Accept-Language": "es"})
    assert '<html lang="es">' in page.text
    switched = client.post(
        "/dashboard/language",
        data={
            "locale": "en",
            "next": "/dashboard/teams?segment=pyme",
            "csrf_token": csrf_token(page.text),
        },
    )
    assert switched.status_code == 303
    assert switched.headers["Location"] == "/dashboard/teams?segment=pyme"
    again = client.get("/dashboard/teams", headers={"Accept-Language": "es"})
    assert '<html lang="en">' in again.text
    assert ">Teams</h1>" in again.text
    # On dashboards ?lang= is the customers' language filter, not the page's language.
    filtered = client.get("/dashboard?lang=es", headers={"Accept-Language": "es"})
    assert '<html lang="en">' in filtered.text
    assert 'value="es" selected' in filtered.text


def test_the_language_switch_never_leaves_the_site(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    _sign_in(app, auth, "analyst")
    token = csrf_token(client.get("/dashboard").text)
    for target in ("//localhost:9/x", "http://127.0.0.1:9/x", "dashboard"):
        response = client.post(
            "/dashboard/language", data={"locale": "es", "next": target, "csrf_token": token}
        )
        assert response.headers["Location"] == "/dashboard", target


def test_errors_show_inside_the_shell_for_signed_in_staff(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    anonymous = client.get("/no-such-page", headers={"Accept-Language": "en"})
    assert anonymous.status_code == 404
    assert "staff-nav" not in anonymous.text
    _sign_in(app, auth, "analyst")
    missing = client.get("/no-such-page", headers={"Accept-Language": "en"})
    assert missing.status_code == 404
    assert "staff-nav" in missing.text
    assert "Page not found" in missing.text
    refused = client.get("/admin/import", headers={"Accept-Language": "en"})
    assert refused.status_code == 403
    assert "staff-nav" in refused.text
    assert "You can&#39;t open this page" in refused.text


def test_plotly_is_served_gzipped_versioned_and_cached_for_a_year(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    _sign_in(app, auth, "analyst")
    page = client.get("/dashboard").text
    match = PLOTLY.search(page)
    assert match, "the page loads plotly.js from this app"
    sources = re.findall(r'<script[^>]* src="([^"]+)"', page)
    assert sources
    assert all(src.startswith("/") and not src.startswith("//") for src in sources)  # no CDN
    url = match.group(1)
    original = files("plotly").joinpath("package_data", "plotly.min.js").read_bytes()
    assert url.endswith(f"-{original[:200].split(b' v', 1)[1].split()[0].decode()}.min.js")
    client.get("/logout")  # a static library: no sign-in needed, nothing personal in it
    zipped = client.get(url, headers={"Accept-Encoding": "gzip, br"})
    assert zipped.status_code == 200
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(zipped.data) == original
    assert len(zipped.data) < len(original) / 2
    assert zipped.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert "Accept-Encoding" in zipped.headers["Vary"]
    plain = client.get(url, headers={"Accept-Encoding": "identity"})
    assert "Content-Encoding" not in plain.headers
    assert plain.data == original
    etag = zipped.headers["ETag"]
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
    assert client.get("/dashboard/vendor/plotly-0.0.1.min.js").status_code == 404


def test_only_dashboards_allow_plotlys_inline_styles(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    _sign_in(app, auth, "analyst")
    dashboard = client.get("/dashboard").headers["Content-Security-Policy"]
    assert "style-src 'self' 'unsafe-inline'" in dashboard
    assert "script-src 'self';" in dashboard
    home = client.get("/").headers["Content-Security-Policy"]
    assert "unsafe-inline" not in home


def test_numbers_and_dates_follow_the_readers_locale(app: Flask) -> None:
    from datetime import date

    from flask import g

    from survey.dashboards.common import day, number, percent, signed

    expected = {
        "es": ("1.234,5", "25\u00a0%", "−3", "29 nov 2026"),
        "en": ("1,234.5", "25%", "+3", "Nov 29, 2026"),
    }
    for locale, (big, share, change, when) in expected.items():
        with app.test_request_context("/dashboard"):
            g.locale = locale
            assert number(1234.5, 1) == big
            assert percent(0.25) == share
            assert signed(-3 if locale == "es" else 3) == change
            assert day(date(2026, 11, 29)) == when
            assert number(None) == "–"
