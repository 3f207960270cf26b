"""NPS over time, flagged changes, and bucketing dates into weeks and months."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from analysis import nps, trend
from analysis.trend import PeriodCounts, PeriodUnit

JAN_1 = date(2024, 1, 1)  # a Monday: ISO week 1 of 2024
JAN_8 = date(2024, 1, 8)
JAN_15 = date(2024, 1, 15)
JAN_22 = date(2024, 1, 22)


def test_points_come_back_in_date_order_with_their_nps() -> None:
    points = trend.nps_trend([(JAN_8, 10, 5, 5), PeriodCounts(JAN_1, 30, 5, 5)])
    assert [point.period_start for point in points] == [JAN_1, JAN_8]
    assert points[0].nps == nps.from_counts(30, 5, 5)
    assert points[0].change is None
    assert points[0].flagged is False


def test_a_change_that_chance_could_explain_is_not_flagged() -> None:
    # 62.5 (30/5/5) → 25 (10/5/5): -37.5 points, interval [-76.09, 3.29] contains 0.
    points = trend.nps_trend([(JAN_1, 30, 5, 5), (JAN_8, 10, 5, 5)])
    change = points[1].change
    assert change is not None
    assert change.change == -37.5
    assert change.low == pytest.approx(-76.0942, abs=1e-4)
    assert change.high == pytest.approx(3.2934, abs=1e-4)
    assert points[1].flagged is False


def test_a_clear_change_is_flagged() -> None:
    # -30 (20/30/50) → +30 (50/30/20): interval [36.93, 79.57] (see test_nps).
    points = trend.nps_trend([(JAN_1, 20, 30, 50), (JAN_8, 50, 30, 20)])
    assert points[1].flagged is True
    assert points[1].change == nps.difference(points[0].nps, points[1].nps)


def test_an_empty_period_is_kept_but_skipped_in_comparisons() -> None:
    rows = [(JAN_1, 30, 5, 5), (JAN_8, 0, 0, 0), (JAN_15, 5, 5, 30)]
    points = trend.nps_trend(rows)
    assert points[1].nps.n == 0
    assert points[1].change is None
    # JAN_15 is compared with JAN_1, the last period with answers.
    assert points[2].change == nps.difference(points[0].nps, points[2].nps)
    assert points[2].flagged is True


def test_confidence_is_passed_through() -> None:
    points = trend.nps_trend([(JAN_1, 20, 30, 50), (JAN_8, 50, 30, 20)], confidence=0.99)
    assert points[1].nps.confidence == 0.99
    assert points[1].change is not None
    assert points[1].change.confidence == 0.99


def test_duplicate_periods_and_negative_counts_are_rejected() -> None:
    with pytest.raises(ValueError, match="appears twice"):
        trend.nps_trend([(JAN_1, 1, 1, 1), (JAN_1, 2, 2, 2)])
    with pytest.raises(ValueError, match="negative"):
        trend.nps_trend([(JAN_1, 1, -1, 1)])


@pytest.mark.parametrize(
    ("day", "unit", "start", "label"),
    [
        (date(2024, 1, 7), PeriodUnit.WEEK, JAN_1, "2024-W01"),  # Sunday ends the ISO week
        (date(2024, 1, 8), "week", JAN_8, "2024-W02"),
        (date(2021, 1, 3), "week", date(2020, 12, 28), "2020-W53"),  # ISO year differs
        (date(2024, 2, 29), PeriodUnit.MONTH, date(2024, 2, 1), "2024-02"),
        (datetime(2024, 12, 31, 23, 59), "month", date(2024, 12, 1), "2024-12"),
    ],
)
def test_period_start_and_label(day: date, unit: str, start: date, label: str) -> None:
    assert trend.period_start(day, unit) == start
    assert type(trend.period_start(day, unit)) is date
    assert trend.period_label(start, unit) == label


def test_unknown_unit_is_rejected() -> None:
    with pytest.raises(ValueError, match="'fortnight'"):
        trend.period_start(JAN_1, "fortnight")


def test_bucket_scores_groups_raw_dates_into_counts() -> None:
    answers = [
        (date(2024, 1, 3), 10),
        (date(2024, 1, 7), 7),
        (date(2024, 1, 1), 3),
        (date(2024, 1, 9), 9),
    ]
    assert trend.bucket_scores(answers, "week") == (
        PeriodCounts(JAN_1, 1, 1, 1),
        PeriodCounts(JAN_8, 1, 0, 0),
    )
    assert trend.bucket_scores(answers, "month") == (PeriodCounts(JAN_1, 2, 1, 1),)
    assert trend.bucket_scores(answers, "week")[0].counts.n == 3


def test_bucketed_rows_feed_the_trend() -> None:
    answers = [(JAN_1, 10)] * 40 + [(JAN_8, 0)] * 40 + [(JAN_22, 9)] * 5
    points = trend.nps_trend(trend.bucket_scores(answers, "week"))
    assert [point.nps.score for point in points] == [100.0, -100.0, 100.0]
    assert [point.flagged for point in points] == [False, True, True]
