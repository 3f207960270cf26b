"""NPS over time: one point per week or month, flagged where the level has really moved.

The app groups answers by period in SQL and passes ``(period_start, promoters, passives,
detractors)`` rows; ``bucket_scores`` does the same for callers holding raw dates. Each point
gets its NPS with interval and, for reading, its change from the previous period that had
answers (``analysis.nps.difference``).

``flagged`` does not come from that period-over-period change: testing every week against the
week before flags about one period in twenty by chance, so nearly every weekly chart showed a
"significant change" within a year. Instead each period is compared with a *baseline*, the
pooled answers of up to ``BASELINE_PERIODS`` earlier periods, on a two-sided CUSUM control
chart (Page 1954) of standardised scores:

    z    = (period NPS - baseline NPS) / standard error, the error taken from the baseline's
           spread, the period's own number of answers and the baseline's size; capped at
           ``Z_CAP`` and corrected for the skew of small, lopsided periods;
    down = max(0, down - z - ALLOWANCE),  up = max(0, up + z - ALLOWANCE);
    flagged when down reaches ``DROP_THRESHOLD`` or up reaches ``RISE_THRESHOLD``.

A lasting move adds up period after period while noise cancels out. The cap means one period
alone, however extreme, never reaches a threshold: it takes at least two periods pointing the
same way, so a data glitch or one freak week shows in its own point and interval but is not
called a change. Rises need more evidence than drops: a missed drop costs customers, a late "it
went up" costs nothing. The baseline leaves out the newest ``GUARD_PERIODS`` periods and, while a
run is in progress (a sum above 0), every period since the run began, so a slide does not drag
its own yardstick down before it is flagged. The chart judges nothing until the baseline holds
``MIN_BASELINE_PERIODS`` periods with answers. After a flag it restarts: the flagged run's
periods seed the new baseline, so one move is flagged once, not every week after it.

Measured by seeded simulation (``tests/analysis/test_trend.py``): on 52-week series of pure
noise at 20 to 300 answers a week, 3.5 % of series show any flag (2,000 series), i.e. about
0.04 false flags per weekly chart and year, one in 25 to 30 team-years. A lasting drop of 20 NPS
points at 60 answers a week (one customer in ten moving down a category, NPS 40 → 20) is
flagged within four weeks in 83 % of series. When promoters turn straight into detractors the
answers are more spread and the same drop is caught within four weeks in 73 %, within six in
92 %. Periods without answers stay in the series (score 0, interval ±100) and are skipped by the
chart.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from analysis import nps
from analysis.intervals import check_confidence, check_count
from analysis.nps import CountsRow, NpsCategory, NpsCounts, NpsDifference, NpsSummary

#: Flag a slide when the downward CUSUM sum reaches this many standard errors.
DROP_THRESHOLD = 2.6
#: Flag a rise when the upward sum reaches this: stricter, since a missed rise costs nothing.
RISE_THRESHOLD = 4.0
#: Standard errors a period may stray from the baseline without adding to the sum.
ALLOWANCE = 1.1
#: Most periods pooled into the baseline (half a year of weeks).
BASELINE_PERIODS = 26
#: Periods with answers the baseline needs before the chart judges anything.
MIN_BASELINE_PERIODS = 8
#: Newest periods kept out of the baseline, so that a slide does not hide itself.
GUARD_PERIODS = 3
#: Largest standardised gap one period can add, so a single freak week weighs like a bad one.
Z_CAP = 3.5

#: The adjusted-Wald pseudo-answers of ``analysis.nps``: 3 in all, 3/4 each side.
_ADDED_ANSWERS = 3.0
_ADDED_EACH_SIDE = 0.75
#: Largest skew the Cornish-Fisher correction takes into account.
_MAX_SKEW = 0.5


class PeriodUnit(StrEnum):
    """How answers are grouped in time."""

    WEEK = "week"
    MONTH = "month"


@dataclass(frozen=True, slots=True)
class PeriodCounts(CountsRow):
    """One row of the app's ``GROUP BY period`` query."""

    period_start: date
    promoters: int
    passives: int
    detractors: int


@dataclass(frozen=True, slots=True)
class TrendPoint:
    """One period's NPS, its change from the previous period, and the control chart's reading.

    ``baseline`` is the pooled NPS the period was compared with (None while the chart is still
    learning the usual level); ``drift`` is the larger CUSUM sum in standard errors, signed
    (negative when the level is sliding down); ``flagged`` marks the period where the drift
    reached the threshold.
    """

    period_start: date
    nps: NpsSummary
    change: NpsDifference | None
    flagged: bool
    baseline: NpsSummary | None = None
    drift: float = 0.0


@dataclass(frozen=True, slots=True)
class ChartSettings:
    """The control chart's tuning (see the module docstring for what each number does)."""

    drop_threshold: float = DROP_THRESHOLD
    rise_threshold: float = RISE_THRESHOLD
    allowance: float = ALLOWANCE
    baseline_periods: int = BASELINE_PERIODS
    min_baseline_periods: int = MIN_BASELINE_PERIODS
    guard_periods: int = GUARD_PERIODS

    def __post_init__(self) -> None:
        if min(self.drop_threshold, self.rise_threshold) <= 0 or self.allowance < 0:
            raise ValueError("the chart needs a positive threshold and a non-negative allowance")
        if check_count("min_baseline_periods", self.min_baseline_periods) < 1:
            raise ValueError("min_baseline_periods must be at least 1")
        check_count("guard_periods", self.guard_periods)
        if check_count("baseline_periods", self.baseline_periods) < self.min_baseline_periods:
            raise ValueError("baseline_periods cannot be fewer than min_baseline_periods")


def nps_trend(
    rows: Iterable[PeriodCounts | tuple[date, int, int, int]],
    confidence: float = 0.95,
    settings: ChartSettings | None = None,
) -> tuple[TrendPoint, ...]:
    """Return the NPS series in date order, flagging where the level has really moved."""
    check_confidence(confidence)
    periods = sorted((_as_period(row) for row in rows), key=lambda period: period.period_start)
    for before, after in zip(periods, periods[1:], strict=False):
        if before.period_start == after.period_start:
            raise ValueError(f"period {after.period_start} appears twice")
    chart = _Chart(settings or ChartSettings())
    points: list[TrendPoint] = []
    previous: NpsSummary | None = None
    for period in periods:
        summary = nps.from_counts(period.promoters, period.passives, period.detractors, confidence)
        change = None
        if previous is not None and summary.n > 0:
            change = nps.difference(previous, summary, confidence)
        baseline_counts, flagged, drift = chart.observe(period.counts)
        baseline = None
        if baseline_counts is not None:
            baseline = nps.from_counts(
                baseline_counts.promoters,
                baseline_counts.passives,
                baseline_counts.detractors,
                confidence,
            )
        points.append(TrendPoint(period.period_start, summary, change, flagged, baseline, drift))
        if summary.n > 0:
            previous = summary
    return tuple(points)


class _Chart:
    """A two-sided CUSUM over periods' NPS, against a rolling baseline of earlier periods."""

    def __init__(self, settings: ChartSettings) -> None:
        self.settings = settings
        #: Periods with answers since the last restart; the baseline is drawn from these.
        self.history: list[NpsCounts] = []
        self.up = 0.0
        self.down = 0.0
        #: Index in history where each side's current run began (None: that side is at 0).
        self.up_start: int | None = None
        self.down_start: int | None = None

    @property
    def drift(self) -> float:
        """The larger CUSUM sum, negative when it is the downward one."""
        return self.up if self.up >= self.down else -self.down

    def observe(self, counts: NpsCounts) -> tuple[NpsCounts | None, bool, float]:
        """Take one period; return its baseline, whether it is flagged, and the drift."""
        if counts.n == 0:
            # A quiet period says nothing about the level: the chart stands still.
            return None, False, self.drift
        baseline = self._baseline()
        if baseline is not None:
            self._accumulate(_standardised(counts, baseline))
        self.history.append(counts)
        drift = self.drift
        if self.down >= self.settings.drop_threshold:
            self._restart(self.down_start)
        elif self.up >= self.settings.rise_threshold:
            self._restart(self.up_start)
        else:
            return baseline, False, drift
        return baseline, True, drift

    def _baseline(self) -> NpsCounts | None:
        # The newest periods may already be the new level: keeping them out of the baseline
        # stops a slide from dragging its own yardstick down before it is flagged.
        end = max(0, len(self.history) - self.settings.guard_periods)
        for start in (self.up_start, self.down_start):
            if start is not None:
                # A run in progress may be a slow slide: hold the yardstick where it began.
                end = min(end, start)
        window = self.history[max(0, end - self.settings.baseline_periods) : end]
        if len(window) < self.settings.min_baseline_periods:
            return None
        return NpsCounts(
            sum(counts.promoters for counts in window),
            sum(counts.passives for counts in window),
            sum(counts.detractors for counts in window),
        )

    def _accumulate(self, z: float) -> None:
        allowance, position = self.settings.allowance, len(self.history)
        self.up = max(0.0, self.up + z - allowance)
        self.down = max(0.0, self.down - z - allowance)
        if self.up == 0:
            self.up_start = None
        elif self.up_start is None:
            self.up_start = position
        if self.down == 0:
            self.down_start = None
        elif self.down_start is None:
            self.down_start = position

    def _restart(self, run_start: int | None) -> None:
        """Forget the old level: the flagged run's periods seed the new baseline."""
        self.history = self.history[run_start or 0 :]
        self.up = self.down = 0.0
        self.up_start = self.down_start = None


def _standardised(counts: NpsCounts, baseline: NpsCounts) -> float:
    """Return how many standard errors the period's NPS lies from the baseline's."""
    # Shares of one answer (+1, 0, -1) at the baseline, with the adjusted-Wald pseudo-answers
    # so that a baseline of identical answers still has some spread.
    total = baseline.n + _ADDED_ANSWERS
    promoters = (baseline.promoters + _ADDED_EACH_SIDE) / total
    detractors = (baseline.detractors + _ADDED_EACH_SIDE) / total
    centre = promoters - detractors
    spread = promoters + detractors - centre**2
    gap = _share(counts) - _share(baseline)
    z = gap / math.sqrt(spread * (1 / counts.n + 1 / baseline.n))
    z = max(-Z_CAP, min(Z_CAP, z))
    # A small week drawn from a lopsided mix (70 % promoters) has a long tail towards low
    # scores; the Cornish-Fisher term takes that skew out so it does not read as a slide.
    third = (
        promoters * (1 - centre) ** 3
        - (1 - promoters - detractors) * centre**3
        - detractors * (1 + centre) ** 3
    )
    skew = third / (spread * math.sqrt(spread * counts.n))
    # Bounded so the correction stays monotonic over the capped range (tiny periods only).
    skew = max(-_MAX_SKEW, min(_MAX_SKEW, skew))
    return max(-Z_CAP, min(Z_CAP, z - skew / 6 * (z * z - 1)))


def _share(counts: NpsCounts) -> float:
    return (counts.promoters - counts.detractors) / counts.n


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
