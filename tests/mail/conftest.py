"""Fixtures for the mail tests: a real SMTP server and invitations waiting to be sent."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask

from tests.mail.smtp_sink import Sink, running_sink


@pytest.fixture
def sink() -> Iterator[Sink]:
    with running_sink() as server:
        yield server


@pytest.fixture
def mail_app(app: Flask, sink: Sink) -> Flask:
    """The test app sending through the sink, retrying quickly."""
    app.config.update(
        sink.settings,
        MAIL_FROM="Heard Encuestas <encuestas@heard.example>",
        SURVEY_OUTBOX_RETRY_BASE_SECONDS=0.05,
        SURVEY_OUTBOX_RETRY_MAX_SECONDS=0.2,
        SURVEY_OUTBOX_MAX_ATTEMPTS=4,
    )
    return app
