"""Every interface string has a Spanish translation, and the compiled catalog is current."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from babel.messages.catalog import Message
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[1]
TRANSLATIONS = ROOT / "survey" / "translations"


def _key(value: str | list[str] | tuple[str, ...]) -> str | tuple[str, ...]:
    # A plural message is a tuple in the .po reader and a list in the .mo reader.
    return value if isinstance(value, str) else tuple(value)


def _id(message: Message) -> tuple[str | None, str | tuple[str, ...]]:
    # pgettext's context tells apart the same English word ("To": addressee, end of a period).
    return (message.context, _key(message.id))


def _translated(value: str | tuple[str, ...] | None) -> bool:
    # A plural message needs every form, not just the first.
    if isinstance(value, tuple):
        return all(value)
    return bool(value)


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
            # Babel skips folders starting with "_" by default; templates/_macros has strings.
            "--ignore-dirs",
            ".* __pycache__",
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
        wanted = {_id(m) for m in read_po(handle) if m.id}
    with (TRANSLATIONS / "es" / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        spanish = {_id(m): _key(m.string) for m in read_po(handle) if m.id}
    missing = sorted(str(i) for i in wanted if not _translated(spanish.get(i)))
    assert missing == [], "run `make translations` and translate these"


def test_compiled_catalog_matches_the_po_file() -> None:
    with (TRANSLATIONS / "es" / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        po = {_id(m): _key(m.string) for m in read_po(handle) if m.id and m.string}
    with (TRANSLATIONS / "es" / "LC_MESSAGES" / "messages.mo").open("rb") as handle:
        mo = {_id(m): _key(m.string) for m in read_mo(handle) if m.id}
    assert mo == po, "run `make translations` to recompile messages.mo"


def test_translations_keep_the_placeholders_of_their_source() -> None:
    with (TRANSLATIONS / "es" / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalog = read_po(handle)
    # The checks `pybabel compile` runs: a lost or renamed %(name)s breaks the page at render.
    problems = [(str(m.id), [str(e) for e in errors]) for m, errors in catalog.check()]
    assert problems == []


def test_template_strings_escape_a_literal_percent(tmp_path: Path) -> None:
    # Jinja's newstyle gettext always applies %, so "95 % interval" breaks the page: "95 %%".
    template = tmp_path / "templates.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "extract",
            "-F",
            str(ROOT / "babel.cfg"),
            "--ignore-dirs",
            ".* __pycache__",
            "-o",
            str(template),
            str(ROOT / "templates"),
        ],
        check=True,
        capture_output=True,
    )
    with template.open("rb") as handle:
        ids = {_id(m) for m in read_po(handle) if m.id}
    with (TRANSLATIONS / "es" / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        spanish = {_id(m): _key(m.string) for m in read_po(handle) if m.id}
    texts = [t for i in ids for t in (i[1], spanish.get(i) or ()) for t in _forms(t)]
    bare = [t for t in texts if "%" in re.sub(r"%%|%\(\w+\)[sd]", "", t)]
    assert bare == []


def _forms(value: str | tuple[str, ...]) -> tuple[str, ...]:
    return (value,) if isinstance(value, str) else value
