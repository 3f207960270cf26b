"""A non-editable install finds its templates, static files, migrations and translations."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

CHECK = """
import sys, tempfile, os
from pathlib import Path
import survey
assert survey.__file__.startswith(sys.argv[1]), survey.__file__
from survey import create_app
app = create_app({"ENV_NAME": "testing", "SURVEY_DATABASE_URL": "sqlite:///" + sys.argv[2]})
assert "_bundled" in app.template_folder, app.template_folder
result = app.test_cli_runner().invoke(args=["db", "upgrade"])
assert result.exit_code == 0, result.output
client = app.test_client()
login = client.get("/login", headers={"Accept-Language": "es"})
assert login.status_code == 200 and "Iniciar sesión" in login.text, login.text[:300]
css = client.get("/static/css/heard.css"); assert css.status_code == 200; css.close()
assert client.get("/healthz").status_code == 200
print("installed-ok")
"""


@pytest.mark.slow
def test_wheel_install_finds_templates_static_and_migrations(tmp_path: Path) -> None:
    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--target",
            str(target),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    env = dict(os.environ, PYTHONPATH=str(target), SURVEY_INSTANCE_PATH=str(tmp_path / "inst"))
    result = subprocess.run(
        [sys.executable, "-c", CHECK, str(target), str(tmp_path / "db.sqlite3")],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "installed-ok" in result.stdout
