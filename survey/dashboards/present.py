"""Turn the insights queries' results into what the pages show: charts, rows and links."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from flask_babel import format_date
from flask_babel import gettext as _

from analysis.drivers import Driver
from analysis.themes import ThemeReport
from analysis.trend import TrendPoint
from survey.dashboards import charts


@dataclass(frozen=True)
class TrendView:
    """The weekly trend: its figure, the rows of its table alternative, and the real changes."""

    figure: dict[str, Any]
    points: tuple[TrendPoint, ...]
    changes: tuple[TrendPoint, ...]

    @property
    def has_answers(self) -> bool:
        """Whether any week has an answer."""
        return any(point.nps.n for point in self.points)


def trend_view(points: Sequence[TrendPoint]) -> TrendView:
    """Build the weekly NPS chart with its band; weeks without answers are gaps."""
    answered = [point.nps.n > 0 for point in points]
    figure = charts.trend_figure(
        [point.period_start for point in points],
        [p.nps.score if ok else None for p, ok in zip(points, answered, strict=True)],
        [p.nps.low if ok else None for p, ok in zip(points, answered, strict=True)],
        [p.nps.high if ok else None for p, ok in zip(points, answered, strict=True)],
        [point.flagged for point in points],
        title=_("NPS per week, with its 95 % interval"),
        y_title=_("NPS"),
        flag_label=_("Real change"),
        week_labels=[str(format_date(point.period_start, "medium")) for point in points],
    )
    return TrendView(figure, tuple(points), tuple(p for p in points if p.flagged))


@dataclass(frozen=True)
class DriverRow:
    """A theme that drags or lifts the NPS, with the key its comments are found by."""

    phrase: str
    key: str
    language: str
    driver: Driver


def driver_rows(reports: Sequence[tuple[ThemeReport, Sequence[Driver]]]) -> list[DriverRow]:
    """Pair each driver with its theme's key (drivers name themes by their phrase)."""
    rows: list[DriverRow] = []
    for report, drivers in reports:
        keys = {theme.phrase: theme.key or theme.phrase for theme in report.themes}
        rows.extend(
            DriverRow(driver.theme, keys.get(driver.theme, driver.theme), report.language, driver)
            for driver in drivers
        )
    rows.sort(key=lambda row: abs(row.driver.impact), reverse=True)
    return rows
