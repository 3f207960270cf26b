"""Every interface string has a Spanish translation, and the compiled catalog is current."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[1]
TRANSLATIONS = ROOT / "survey" / "translations"


def test_catalog_covers_every_string_in_the_code(tmp_path: Path) -> None:
    template = tmp_path / "messages.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "extract",
            "-F",
            str(ROOT / "babel.cfg"),
            "-k",
            "_l",
            "-k",
            "lazy_gettext",
            "--no-location",
            "-o",
            str(template),
            str(ROOT / "survey"),
            str(ROOT / "templates"),
        ],
        check=True,
        capture_output=True,
    )
    with template.open("rb") as handle:
        wanted = {m.id for m in read_po(handle) if m.id}
    with (TRANSLATIONS / "es" / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        spanish = {m.id: m.string for m in read_po(handle) if m.id}
    missing = sorted(str(i) for i in wanted if not spanish.get(i))
    assert missing == [], "run `make translations` and translate these"


def test_compiled_catalog_matches_the_po_file() -> None:
    with (TRANSLATIONS / "es" / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        po = {m.id: m.string for m in read_po(handle) if m.id and m.string}
    with (TRANSLATIONS / "es" / "LC_MESSAGES" / "messages.mo").open("rb") as handle:
        mo = {m.id: m.string for m in read_mo(handle) if m.id}
    assert mo == po, "run `make translations` to recompile messages.mo"
