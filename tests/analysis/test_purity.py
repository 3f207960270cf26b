"""analysis/ stays pure: importing any of it never loads Flask or SQLAlchemy."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "analysis"


def analysis_modules() -> list[str]:
    """Every module in analysis/, including the ones added after this test was written."""
    modules = []
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        modules.append(".".join(parts))
    return modules


def run_fresh(code: str) -> dict[str, object]:
    """Run code in a new interpreter at the project root and return the JSON it prints."""
    completed = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert completed.returncode == 0, completed.stderr
    result: dict[str, object] = json.loads(completed.stdout)
    return result


def test_the_glob_finds_the_statistics_modules() -> None:
    modules = analysis_modules()
    assert "analysis" in modules
    for name in ("nps", "intervals", "experience", "integrity", "risk", "trend", "types"):
        assert f"analysis.{name}" in modules


def test_no_analysis_module_loads_flask_or_sqlalchemy() -> None:
    code = (
        "import importlib, json, sys\n"
        f"for name in {analysis_modules()!r}:\n"
        "    importlib.import_module(name)\n"
        "loaded = sorted({m.split('.')[0] for m in sys.modules} & {'flask', 'sqlalchemy'})\n"
        "print(json.dumps({'loaded': loaded}))\n"
    )
    assert run_fresh(code) == {"loaded": []}


def test_importing_the_package_loads_no_submodule() -> None:
    code = (
        "import json, sys\n"
        "import analysis\n"
        "print(json.dumps({'loaded': sorted(m for m in sys.modules"
        " if m.startswith('analysis.'))}))\n"
    )
    assert run_fresh(code) == {"loaded": []}
