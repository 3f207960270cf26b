"""Browser fixtures: the app behind a real HTTP server, driven by Debian's Chromium.

Tests get a fresh browser context per test (cookies never leak between tests) from one
Chromium process per session. Contexts carry a normal phone user agent: HeadlessChrome's
own would make every score save a suspected mail scanner.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from tests.live_server import live_server

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
#: What an Android phone's Chrome sends; nothing in it looks automated.
PHONE_USER_AGENT = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36"
)
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
    "user_agent": PHONE_USER_AGENT,
}
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    """One headless Chromium for the whole session."""
    if not CHROMIUM.exists():
        pytest.skip("Chromium not installed: apt-get install chromium (.ci/run does)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def server_url(app: Flask) -> Iterator[str]:
    """The app served over real HTTP; SURVEY_BASE_URL points at it."""
    with live_server(app) as url:
        yield url


@pytest.fixture
def new_context(chromium: Any) -> Iterator[Any]:
    """Open browser contexts (phone-sized by default) and close them after the test."""
    opened: list[Any] = []

    def open_context(**options: Any) -> Any:
        context = chromium.new_context(**{**PHONE, "locale": "es-ES", **options})
        context.set_default_timeout(10_000)
        opened.append(context)
        return context

    yield open_context
    for context in opened:
        context.close()


@pytest.fixture
def page(new_context: Any) -> Any:
    """A page in a phone-sized context with JavaScript on."""
    return new_context().new_page()


@pytest.fixture
def artifacts() -> Path:
    """The git-ignored folder where screenshots are kept for people to look at."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
