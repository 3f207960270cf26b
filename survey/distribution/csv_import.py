"""Importing touchpoints from a CSV file, streamed and committed in batches.

The file: UTF-8 with or without a BOM, separated by ``,`` or ``;`` (guessed from the header),
one touchpoint per row. Columns, in any order (names are case-insensitive):

============================  =========  ====================================================
column                        required   meaning
============================  =========  ====================================================
external_id                   yes        your id for the event; a rerun imports nothing twice
type                          yes        ticket_closed, order_delivered...
occurred_at                   yes        ISO 8601 with offset: 2026-03-02T16:40:00+01:00
team                          yes        team slug or name
email                         yes        the contact's email
agent                         no         who handled it
name, locale, timezone        no         the contact's name, es/en, IANA time zone
segment, lifecycle_stage      no         the contact's segment and lifecycle stage
contact_external_id           no         the contact's id in your system
meta.<key>                    no         any number of metadata columns (text values)
============================  =========  ====================================================

Unlike the API (all or nothing), an import keeps the valid rows and reports each rejected one
with its line number: a 100,000-row export should not fail for one typo, and rerunning the
fixed file adds only what is missing.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from flask import current_app

from survey.database import utcnow
from survey.distribution.intake import IntakeError, Outcome, record_touchpoints
from survey.distribution.models import TouchpointSource
from survey.distribution.schema import FieldError, Notice, TouchpointEvent, check_event

REQUIRED_COLUMNS = ("external_id", "type", "occurred_at", "team", "email")
OPTIONAL_COLUMNS = (
    "agent",
    "name",
    "locale",
    "timezone",
    "segment",
    "lifecycle_stage",
    "contact_external_id",
)
META_PREFIX = "meta."
#: Rows recorded per transaction: large enough for few round trips, small enough to stream.
BATCH_SIZE = 500
#: Rejected rows listed in full; past this only counted (a wholly wrong file has 100k).
MAX_LISTED_REJECTIONS = 1000
_CONTACT_COLUMNS = {
    "email": "email",
    "name": "name",
    "locale": "locale",
    "timezone": "timezone",
    "segment": "segment",
    "lifecycle_stage": "lifecycle_stage",
    "contact_external_id": "external_id",
}
#: Field names of the checks, as the CSV's columns call them.
_COLUMN_OF_FIELD = {f"contact.{v}": k for k, v in _CONTACT_COLUMNS.items()} | {"contact": "email"}


class CsvFormatError(ValueError):
    """A file that cannot be read as a touchpoint CSV (bad header, broken quoting).

    ``report`` tells what was imported before the problem was found (batches already
    committed stay: a rerun of the fixed file imports nothing twice).
    """

    def __init__(self, message: str, report: ImportReport | None = None) -> None:
        super().__init__(message)
        self.report = report or ImportReport()


@dataclass(frozen=True)
class RejectedRow:
    """A row that was not imported, and why."""

    line: int
    reason: str


@dataclass
class ImportReport:
    """What an import did: rows read, imported, already there, rejected, invitations."""

    rows: int = 0
    imported: int = 0
    already_imported: int = 0
    rejected: list[RejectedRow] = field(default_factory=list)
    rejected_count: int = 0
    #: Rows imported with a value not used as given (an unsupported locale), and what was done.
    warnings: list[RejectedRow] = field(default_factory=list)
    warning_count: int = 0
    scheduled: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    no_survey: int = 0

    @property
    def unlisted_rejections(self) -> int:
        return self.rejected_count - len(self.rejected)

    def reject(self, line: int, reason: str) -> None:
        self.rejected_count += 1
        if len(self.rejected) < MAX_LISTED_REJECTIONS:
            self.rejected.append(RejectedRow(line, reason))

    def warn(self, line: int, reason: str) -> None:
        self.warning_count += 1
        if len(self.warnings) < MAX_LISTED_REJECTIONS:
            self.warnings.append(RejectedRow(line, reason))

    def count(self, outcome: Outcome) -> None:
        if not outcome.created:
            self.already_imported += 1
            return
        self.imported += 1
        if not outcome.invitations:
            self.no_survey += 1
        for item in outcome.invitations:
            if item.scheduled:
                self.scheduled += 1
            else:
                self.skipped[item.skip_reason or "skipped"] += 1


def import_touchpoints_csv(stream: IO[bytes], *, batch_size: int = BATCH_SIZE) -> ImportReport:
    """Import a CSV of touchpoints from a binary stream; commit every batch of valid rows."""
    report = ImportReport()
    # errors="replace": a stray Latin-1 byte rejects its row (see _event_from_row), not the file.
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", errors="replace", newline="")
    try:
        header_line = text.readline()
        if not header_line.strip():
            raise CsvFormatError("line 1: the file is empty; the first line must name the columns")
        reader = csv.reader(_chain(header_line, text), _dialect(header_line))
        columns = _columns(next(reader))
        batch: list[tuple[int, TouchpointEvent]] = []
        locales = _Locales(
            tuple(current_app.config["SURVEY_LOCALES"]),
            str(current_app.config["SURVEY_DEFAULT_LOCALE"]),
        )
        end_of_previous = reader.line_num
        for cells in reader:
            line, end_of_previous = end_of_previous + 1, reader.line_num
            if not any(cell.strip() for cell in cells):
                continue
            report.rows += 1
            event = _event_from_row(line, cells, columns, locales, report)
            if event is not None:
                batch.append((line, event))
            if len(batch) >= batch_size:
                _record_batch(batch, report)
                batch = []
        if batch:
            _record_batch(batch, report)
    except csv.Error as error:
        message = f"line {reader.line_num}: {error}; the rows before it were imported"
        raise CsvFormatError(message, report) from None
    finally:
        text.detach()
    return report


def _chain(first: str, rest: io.TextIOWrapper) -> Iterator[str]:
    yield first
    yield from rest


def _dialect(header_line: str) -> type[csv.Dialect]:
    """Return the dialect of the file from its header: ``;`` when it has more of them."""
    delimiter = ";" if header_line.count(";") > header_line.count(",") else ","
    return csv.excel if delimiter == "," else _Semicolon


class _Semicolon(csv.excel):
    delimiter = ";"


def _columns(header: list[str]) -> list[str]:
    """Return the header's column names, normalized, refusing unknown or missing ones."""
    names = [name.strip().lower() for name in header]
    known = set(REQUIRED_COLUMNS) | set(OPTIONAL_COLUMNS)
    for name in names:
        if name not in known and not (name.startswith(META_PREFIX) and len(name) > 5):
            raise CsvFormatError(
                f"line 1: unknown column {name!r}; metadata columns start with {META_PREFIX!r}"
            )
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise CsvFormatError(f"line 1: repeated column(s): {', '.join(repeated)}")
    missing = [name for name in REQUIRED_COLUMNS if name not in names]
    if missing:
        raise CsvFormatError(f"line 1: missing column(s): {', '.join(missing)}")
    return names


@dataclass(frozen=True)
class _Locales:
    accepted: tuple[str, ...]
    default: str


def _event_from_row(
    line: int, cells: list[str], columns: list[str], locales: _Locales, report: ImportReport
) -> TouchpointEvent | None:
    if len(cells) != len(columns):
        report.reject(line, f"expected {len(columns)} fields, found {len(cells)}")
        return None
    values = {name: cell.strip() for name, cell in zip(columns, cells, strict=True)}
    garbled = [name for name, value in values.items() if "\ufffd" in value]
    if garbled:
        # Also where an encoded lone surrogate (ED A0 80) lands: it is not valid UTF-8 either.
        report.reject(line, f"{garbled[0]}: not valid UTF-8: save the file as CSV UTF-8")
        return None
    raw: dict[str, Any] = {
        key: values.get(key) or None for key in ("external_id", "type", "occurred_at", "team")
    }
    raw["agent"] = values.get("agent") or None
    raw["contact"] = {
        target: values[column] for column, target in _CONTACT_COLUMNS.items() if values.get(column)
    }
    raw["metadata"] = {
        name[len(META_PREFIX) :]: value
        for name, value in values.items()
        if name.startswith(META_PREFIX) and value
    }
    notices: list[Notice] = []
    event, errors = check_event(
        raw,
        line,
        locales=locales.accepted,
        default_locale=locales.default,
        now=utcnow(),
        notices=notices,
    )
    for error in errors:
        report.reject(line, _describe(error))
    if event is not None:
        for notice in notices:
            report.warn(line, _describe(FieldError(line, notice.field, notice.message)))
    return event


def _describe(error: FieldError) -> str:
    column = _COLUMN_OF_FIELD.get(error.field, error.field)
    if column.startswith("metadata."):
        column = META_PREFIX + column[len("metadata.") :]
    return f"{column}: {error.message}"


def _record_batch(batch: list[tuple[int, TouchpointEvent]], report: ImportReport) -> None:
    """Record a batch; rows that contradict stored contacts are rejected and the rest retried."""
    while batch:
        try:
            outcomes = record_touchpoints([event for _, event in batch], TouchpointSource.IMPORT)
        except IntakeError as error:
            bad = {item.index for item in error.errors if item.index is not None}
            if not bad:
                raise
            for item in error.errors:
                if item.index is not None:
                    report.reject(batch[item.index][0], _describe(item))
            batch = [row for position, row in enumerate(batch) if position not in bad]
            continue
        for outcome in outcomes:
            report.count(outcome)
        return
