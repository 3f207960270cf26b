"""NPS over time: one point per week or month, flagged where the change is real.

The app groups answers by period in SQL and passes ``(period_start, promoters, passives,
detractors)`` rows; ``bucket_scores`` does the same for callers holding raw dates. Each point
gets its NPS with interval and, compared with the previous period that had answers, the change
with its interval (``analysis.nps.difference``); ``flagged`` marks the points where that
interval excludes 0. Periods without answers stay in the series (score 0, interval ±100) but are
never compared, so a quiet week does not hide or invent a change.

At 95 % confidence about one period in twenty is flagged by chance alone when nothing changes:
on a weekly chart, two or three false flags a year. Pass ``confidence=0.99`` for fewer.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from analysis import nps
from analysis.intervals import check_confidence
from analysis.nps import NpsCategory, NpsCounts, NpsDifference, NpsSummary


class PeriodUnit(StrEnum):
    """How answers are grouped in time."""

    WEEK = "week"
    MONTH = "month"


@dataclass(frozen=True, slots=True)
class PeriodCounts:
    """One row of the app's ``GROUP BY period`` query."""

    period_start: date
    promoters: int
    passives: int
    detractors: int

    def __post_init__(self) -> None:
        NpsCounts(self.promoters, self.passives, self.detractors)  # raises on invalid counts

    @property
    def counts(self) -> NpsCounts:
        """The period's counts as ``NpsCounts``."""
        return NpsCounts(self.promoters, self.passives, self.detractors)


@dataclass(frozen=True, slots=True)
class TrendPoint:
    """One period's NPS and its change from the previous period that had answers."""

    period_start: date
    nps: NpsSummary
    change: NpsDifference | None
    flagged: bool


def nps_trend(
    rows: Iterable[PeriodCounts | tuple[date, int, int, int]], confidence: float = 0.95
) -> tuple[TrendPoint, ...]:
    """Return the NPS series in date order, flagging significant changes between periods."""
    check_confidence(confidence)
    periods = sorted((_as_period(row) for row in rows), key=lambda period: period.period_start)
    for before, after in zip(periods, periods[1:], strict=False):
        if before.period_start == after.period_start:
            raise ValueError(f"period {after.period_start} appears twice")
    points: list[TrendPoint] = []
    previous: NpsSummary | None = None
    for period in periods:
        summary = nps.from_counts(period.promoters, period.passives, period.detractors, confidence)
        change = None
        if previous is not None and summary.n > 0:
            change = nps.difference(previous, summary, confidence)
        flagged = change is not None and change.significant
        points.append(TrendPoint(period.period_start, summary, change, flagged))
        if summary.n > 0:
            previous = summary
    return tuple(points)


def _as_period(row: PeriodCounts | tuple[date, int, int, int]) -> PeriodCounts:
    if isinstance(row, PeriodCounts):
        return row
    # SQL result rows are tuple-like; unpacking accepts them as well as plain tuples.
    period_start, promoters, passives, detractors = row
    return PeriodCounts(period_start, promoters, passives, detractors)


def period_start(day: date, unit: PeriodUnit | str) -> date:
    """Return the first day of day's ISO week (a Monday) or month."""
    if isinstance(day, datetime):
        day = day.date()
    if PeriodUnit(unit) is PeriodUnit.WEEK:
        return day - timedelta(days=day.weekday())
    return day.replace(day=1)


def period_label(start: date, unit: PeriodUnit | str) -> str:
    """Return a period's label: ``"2024-W05"`` for an ISO week, ``"2024-02"`` for a month."""
    if PeriodUnit(unit) is PeriodUnit.WEEK:
        year, week, _ = start.isocalendar()
        return f"{year}-W{week:02d}"
    return f"{start.year}-{start.month:02d}"


def bucket_scores(
    answers: Iterable[tuple[date, int]], unit: PeriodUnit | str
) -> tuple[PeriodCounts, ...]:
    """Group raw ``(date, 0-10 score)`` pairs into periods, in date order.

    Datetimes are cut to their date as given: convert them to the organisation's time zone
    first, or answers near midnight land in the wrong period.
    """
    unit = PeriodUnit(unit)
    tallies: dict[date, Counter[NpsCategory]] = {}
    for day, score in answers:
        tallies.setdefault(period_start(day, unit), Counter())[nps.categorize(score)] += 1
    return tuple(
        PeriodCounts(
            start,
            tally[NpsCategory.PROMOTER],
            tally[NpsCategory.PASSIVE],
            tally[NpsCategory.DETRACTOR],
        )
        for start, tally in sorted(tallies.items(), key=lambda item: item[0])
    )
