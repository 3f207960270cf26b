"""SQLite keeps an acknowledged answer through a power cut: synchronous=FULL by default."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text


def _synchronous(tmp_path: Path, **settings: str) -> int:
    from survey import create_app
    from survey.extensions import db

    app = create_app(
        {"ENV_NAME": "testing", "SURVEY_DATABASE_URL": f"sqlite:///{tmp_path / 'd.sqlite3'}"}
        | settings
    )
    with app.app_context():
        level = int(db.session.execute(text("PRAGMA synchronous")).scalar_one())
        db.session.remove()
        db.engine.dispose()
    return level


def test_sqlite_files_sync_every_commit(tmp_path: Path) -> None:
    assert _synchronous(tmp_path) == 2  # FULL


def test_the_level_is_a_setting_and_typos_are_refused(tmp_path: Path) -> None:
    assert _synchronous(tmp_path, SURVEY_SQLITE_SYNCHRONOUS="normal") == 1
    with pytest.raises(RuntimeError, match="SURVEY_SQLITE_SYNCHRONOUS"):
        _synchronous(tmp_path, SURVEY_SQLITE_SYNCHRONOUS="fast")
