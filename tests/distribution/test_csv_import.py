"""Importing touchpoints from CSV: encodings, separators, rejected lines, reruns, streaming."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import func, select

from survey.distribution.csv_import import CsvFormatError, import_touchpoints_csv
from survey.extensions import db
from survey.models import Contact, Invitation, Touchpoint

#: Touchpoints need a survey they trigger: the one `survey db upgrade` creates.
pytestmark = pytest.mark.usefixtures("default_survey")

HEADER = "external_id,type,occurred_at,team,agent,email,name,locale,timezone,meta.channel\n"


def recent() -> str:
    return (datetime.now(UTC) - timedelta(minutes=5)).isoformat()


def row(number: int, *, sep: str = ",", when: str | None = None, email: str | None = None) -> str:
    cells = [
        f"t-{number}",
        "ticket_closed",
        when or recent(),
        "Soporte N1",
        "lucia",
        email or f"c{number}@example.com",
        f"Cliente {number}",
        "es",
        "Europe/Madrid",
        "phone",
    ]
    return sep.join(cells) + "\n"


def count(app: Flask, model: type) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model)) or 0


def run_import(app: Flask, data: bytes, **kwargs: int):  # type: ignore[no-untyped-def]
    with app.app_context():
        return import_touchpoints_csv(io.BytesIO(data), **kwargs)


def test_a_file_with_bom_and_semicolons_imports_every_row(app: Flask) -> None:
    text = HEADER.replace(",", ";") + "".join(row(n, sep=";") for n in range(3))
    report = run_import(app, b"\xef\xbb\xbf" + text.encode())
    assert (report.rows, report.imported, report.rejected_count) == (3, 3, 0)
    assert report.scheduled == 3
    with app.app_context():
        touchpoint = db.session.scalars(select(Touchpoint).order_by(Touchpoint.id)).first()
        assert touchpoint is not None
        assert touchpoint.external_id == "t-0"  # the BOM did not stick to the first column
        assert touchpoint.source == "import"
        assert touchpoint.details == {"channel": "phone"}
        contact = db.session.scalars(select(Contact).where(Contact.email == "c0@example.com")).one()
        assert (contact.name, contact.timezone) == ("Cliente 0", "Europe/Madrid")


def test_rejected_rows_are_reported_by_line_and_the_rest_imported(app: Flask) -> None:
    lines = [
        HEADER,
        row(1),
        row(2, when="2026-03-02 10:00"),  # line 3: no offset
        "\n",  # line 4: blank, ignored
        row(3, email="nobody"),  # line 5
        '"t-4","ticket_closed","' + recent() + '","Soporte","multi\nline agent",'
        '"c4@example.com","","es","","x"\n',  # lines 6-7: one record
        "t-5,ticket_closed\n",  # line 8: too few fields
        row(6),  # line 9
    ]
    report = run_import(app, "".join(lines).encode())
    assert report.imported == 3
    assert [(r.line, r.reason.split(":")[0]) for r in report.rejected] == [
        (3, "occurred_at"),
        (5, "email"),
        (8, "expected 10 fields, found 2"),
    ]
    assert count(app, Touchpoint) == 3


def test_importing_the_same_file_twice_creates_one_invitation_per_row(app: Flask) -> None:
    data = (HEADER + row(1) + row(2) + row(2)).encode()
    first = run_import(app, data)
    again = run_import(app, data)
    assert (first.imported, first.already_imported) == (2, 1)
    assert (again.imported, again.already_imported) == (0, 3)
    assert count(app, Touchpoint) == 2
    assert count(app, Invitation) == 2


def test_a_latin1_row_is_rejected_not_garbled(app: Flask) -> None:
    data = HEADER.encode() + row(1).encode() + row(2).replace("Cliente", "Café").encode("latin-1")
    report = run_import(app, data)
    assert report.imported == 1
    assert [(r.line, r.reason) for r in report.rejected] == [
        (3, "name: not valid UTF-8: save the file as CSV UTF-8")
    ]


def test_an_encoded_lone_surrogate_rejects_its_row_naming_the_column(app: Flask) -> None:
    # "\ud800" written as UTF-8 would be ED A0 80, which no UTF-8 decoder accepts.
    bad = row(2).encode().replace(b"Cliente 2", b"Cliente \xed\xa0\x80")
    report = run_import(app, HEADER.encode() + row(1).encode() + bad + row(3).encode())
    assert report.imported == 2
    assert [(r.line, r.reason) for r in report.rejected] == [
        (3, "name: not valid UTF-8: save the file as CSV UTF-8")
    ]


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("", "line 1: the file is empty"),
        ("external_id,type,occurred_at,team\n", "missing column(s): email"),
        (HEADER.replace("meta.channel", "colour"), "unknown column 'colour'"),
        (HEADER.replace("agent", "name"), "repeated column(s): name"),
    ],
)
def test_a_bad_header_stops_the_import_with_a_clear_message(
    app: Flask, header: str, message: str
) -> None:
    with pytest.raises(CsvFormatError, match=message.replace("(", r"\(").replace(")", r"\)")):
        run_import(app, header.encode())


class FailingStream(io.RawIOBase):
    """A file that breaks after its good rows, as a dropped upload or a bad disk would."""

    def __init__(self, good: bytes) -> None:
        self._chunks: Iterator[bytes] = iter(
            [good[i : i + 4096] for i in range(0, len(good), 4096)]
        )

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def,override]
        try:
            chunk = next(self._chunks)
        except StopIteration:
            raise OSError("connection reset") from None
        buffer[: len(chunk)] = chunk
        return len(chunk)


def test_the_file_is_streamed_and_committed_batch_by_batch(app: Flask) -> None:
    good = (HEADER + "".join(row(n) for n in range(250))).encode()
    with app.app_context(), pytest.raises(OSError, match="connection reset"):
        import_touchpoints_csv(io.BufferedReader(FailingStream(good)), batch_size=100)
    # Rows were recorded while the file was still being read: it was never loaded whole.
    assert count(app, Touchpoint) == 200


def test_the_cli_prints_the_report_and_exits_1_when_rows_were_rejected(
    app: Flask, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    path = tmp_path / "touchpoints.csv"
    path.write_bytes((HEADER + row(1) + row(2, email="bad")).encode("utf-8-sig"))
    result = runner.invoke(args=["import-touchpoints", str(path)])
    assert result.exit_code == 1
    assert "Imported 1 new touchpoint(s); 0 already imported" in result.output
    assert "Rejected 1 row(s), not imported (the other rows were):" in result.output
    assert "line 3: email: is not a valid email" in result.output
    path.write_bytes((HEADER + row(1)).encode())
    rerun = runner.invoke(args=["import-touchpoints", str(path)])
    assert rerun.exit_code == 0
    assert "Imported 0 new touchpoint(s); 1 already imported" in rerun.output
    header_only = tmp_path / "bad.csv"
    header_only.write_text("id;kind\n")
    bad = runner.invoke(args=["import-touchpoints", str(header_only)])
    assert bad.exit_code == 1
    assert "line 1: unknown column 'id'" in bad.output


def test_an_unsupported_locale_imports_the_row_with_a_warning(
    app: Flask, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    path = tmp_path / "touchpoints.csv"
    path.write_text(HEADER + row(1) + row(2).replace(",es,", ",pt-BR,"), encoding="utf-8")
    result = runner.invoke(args=["import-touchpoints", str(path)])
    assert result.exit_code == 0, result.output
    assert "Imported 2 new touchpoint(s)" in result.output
    assert "Imported with a warning: 1 row(s):" in result.output
    assert "line 3: locale: 'pt-BR' is not offered (accepted: es, en)" in result.output
    with app.app_context():
        contact = db.session.scalars(select(Contact).where(Contact.email == "c2@example.com")).one()
        assert contact.locale == app.config["SURVEY_DEFAULT_LOCALE"]


@pytest.mark.parametrize(
    ("column", "cell"), [("name", "Ana\x00Ruiz"), ("meta.channel", "ph\x00ne"), ("agent", "\x00")]
)
def test_a_nul_byte_in_a_cell_rejects_its_row_naming_the_column(
    app: Flask, column: str, cell: str
) -> None:
    cells = row(2).rstrip("\n").split(",")
    cells[HEADER.rstrip("\n").split(",").index(column)] = cell
    report = run_import(app, (HEADER + row(1) + ",".join(cells) + "\n" + row(3)).encode())
    assert report.imported == 2
    (rejected,) = report.rejected
    assert rejected.line == 3
    assert rejected.reason.startswith(f"{column}: contains a character that cannot be stored")
    with app.app_context():
        stored = db.session.scalars(select(Touchpoint.external_id).order_by(Touchpoint.id)).all()
    assert stored == ["t-1", "t-3"]
