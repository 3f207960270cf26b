"""Dashboard queries: every figure from the rollups, one grouped query each, into analysis/.

Each function takes the same :class:`~survey.insights.filters.DashboardFilter`, sums the
rollup rows it selects in SQL, folds the few grouped rows into frozen dataclasses, and hands
the counts to ``analysis`` for intervals, verdicts, themes, drivers and agent estimates. The
comments (``survey.insights.comments``) are the one read from the raw tables.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import date, timedelta
from types import MappingProxyType
from typing import Any, Final

from sqlalchemy import Float, Integer, cast, false, func, select

from analysis import agents as agent_analysis
from analysis import drivers as driver_analysis
from analysis import effort, heard, nps, themes, trend
from analysis.agents import AgentReport
from analysis.drivers import DriverAnalysis
from analysis.effort import CesSummary, CsatSummary
from analysis.experience import Experience, GroupCounts, describe_group
from analysis.heard import HeardCounts, HeardReport
from analysis.intervals import wilson
from analysis.nps import NpsCounts, NpsDifference, NpsSummary
from analysis.themes import ThemeCounts, ThemeReport
from analysis.trend import TrendPoint
from analysis.types import Proportion
from survey.contacts.models import Team
from survey.extensions import db
from survey.insights.filters import DashboardFilter
from survey.insights.models import DAILY_COUNTS, AgentRollup, DailyRollup, PhraseRollup

#: Confidence of every interval the dashboards show.
CONFIDENCE: Final = 0.95


@dataclass(frozen=True, slots=True)
class Totals:
    """Summed rollup counts of a set of rows (a period, a team, a week)."""

    invited: int = 0
    responses: int = 0
    promoters: int = 0
    passives: int = 0
    detractors: int = 0
    ces_1: int = 0
    ces_2: int = 0
    ces_3: int = 0
    ces_4: int = 0
    ces_5: int = 0
    ces_6: int = 0
    ces_7: int = 0
    csat_1: int = 0
    csat_2: int = 0
    csat_3: int = 0
    csat_4: int = 0
    csat_5: int = 0
    heard_yes: int = 0
    heard_partly: int = 0
    heard_no: int = 0
    texts: int = 0
    polarity_sum: float = 0.0
    negatives: int = 0
    mismatches: int = 0
    churn: int = 0
    not_heard: int = 0
    repeat_contact: int = 0
    praise_person: int = 0
    text_promoters: int = 0
    text_passives: int = 0
    text_detractors: int = 0

    @classmethod
    def of(cls, values: Sequence[Any]) -> Totals:
        """Build from summed columns in DAILY_COUNTS order (NULL sums are zero)."""
        parsed: dict[str, Any] = {
            name: float(value or 0) if name == "polarity_sum" else int(value or 0)
            for name, value in zip(DAILY_COUNTS, values, strict=True)
        }
        return cls(**parsed)

    def __add__(self, other: Totals) -> Totals:
        return Totals(*(getattr(self, f.name) + getattr(other, f.name) for f in fields(self)))

    @property
    def nps_counts(self) -> NpsCounts:
        """Promoters, passives and detractors."""
        return NpsCounts(self.promoters, self.passives, self.detractors)

    @property
    def text_nps_counts(self) -> NpsCounts:
        """NPS categories of the responses behind the enriched texts."""
        return NpsCounts(self.text_promoters, self.text_passives, self.text_detractors)

    @property
    def ces_counts(self) -> dict[int, int]:
        """Answers per CES value (1-7)."""
        return {value: getattr(self, f"ces_{value}") for value in range(1, 8)}

    @property
    def csat_counts(self) -> dict[int, int]:
        """Answers per CSAT value (1-5)."""
        return {value: getattr(self, f"csat_{value}") for value in range(1, 6)}

    @property
    def heard_counts(self) -> HeardCounts:
        """Yes, partly and no."""
        return HeardCounts(self.heard_yes, self.heard_partly, self.heard_no)

    def group_counts(self) -> GroupCounts:
        """Return the counts analysis.experience judges (response rate computed apart)."""
        return GroupCounts(
            nps=self.nps_counts,
            answered=self.responses,
            ces=self.ces_counts,
            heard=self.heard_counts,
            with_text=self.texts,
            polarity_sum=self.polarity_sum,
            negative=self.negatives,
            mismatched=self.mismatches,
        )


def _sums(model: Any = DailyRollup) -> list[Any]:
    return [
        cast(func.sum(getattr(model, name)), Float if name == "polarity_sum" else Integer)
        for name in DAILY_COUNTS
    ]


def rollup_conditions(model: Any, f: DashboardFilter) -> list[Any]:
    """Return the WHERE conditions a filter puts on any rollup table."""
    conditions: list[Any] = [model.day >= f.date_from, model.day <= f.date_to]
    if f.survey_id is not None:
        conditions.append(model.survey_id == f.survey_id)
    if f.team_ids is not None:
        conditions.append(model.team_id.in_(sorted(f.team_ids)) if f.team_ids else false())
    for column, value in (
        (model.touchpoint_type, f.touchpoint_type),
        (model.segment, f.segment),
        (model.lifecycle_stage, f.lifecycle_stage),
        (model.language, f.language),
    ):
        if value is not None:
            conditions.append(column == value)
    return conditions


def response_rate(totals: Totals) -> Proportion | None:
    """Responses over invitations sent in the period (None when none was sent).

    Responses to invitations sent before the period can outnumber its sends; the share is
    then capped at 100 %.
    """
    if totals.invited == 0:
        return None
    return wilson(min(totals.responses, totals.invited), totals.invited, CONFIDENCE)


@dataclass(frozen=True)
class Figures:
    """The headline figures of one set of rollup rows."""

    totals: Totals
    nps: NpsSummary
    ces: CesSummary
    csat: CsatSummary
    heard: HeardReport
    negative: Proportion
    mismatch: Proportion
    mean_sentiment: float | None
    response_rate: Proportion | None

    @property
    def n(self) -> int:
        """Responses counted."""
        return self.totals.responses


def figures(totals: Totals) -> Figures:
    """Summarize totals with analysis/ (intervals at 95 %)."""
    counts = totals.nps_counts
    return Figures(
        totals=totals,
        nps=nps.from_counts(counts.promoters, counts.passives, counts.detractors, CONFIDENCE),
        ces=effort.ces_from_counts(totals.ces_counts, CONFIDENCE),
        csat=effort.csat_from_counts(totals.csat_counts, CONFIDENCE),
        heard=heard.report(
            totals.heard_yes,
            totals.heard_partly,
            totals.heard_no,
            totals.texts,
            totals.not_heard,
            CONFIDENCE,
        ),
        negative=wilson(totals.negatives, totals.texts, CONFIDENCE),
        mismatch=wilson(totals.mismatches, totals.texts, CONFIDENCE),
        mean_sentiment=totals.polarity_sum / totals.texts if totals.texts else None,
        response_rate=response_rate(totals),
    )


@dataclass(frozen=True)
class Comparison:
    """The same filter over the previous period of equal length."""

    date_from: date
    date_to: date
    figures: Figures
    #: This period's NPS minus the previous one's, with its interval.
    nps_change: NpsDifference


@dataclass(frozen=True)
class Overview:
    """The overview page: headline figures, the weekly trend, and the comparison."""

    filter: DashboardFilter
    figures: Figures
    weekly: tuple[TrendPoint, ...]
    previous: Comparison | None = None


def daily_totals(f: DashboardFilter) -> dict[date, Totals]:
    """Return the filter's rollups summed per day (one grouped query)."""
    rows = db.session.execute(
        select(DailyRollup.day, *_sums())
        .where(*rollup_conditions(DailyRollup, f))
        .group_by(DailyRollup.day)
    ).all()
    return {row[0]: Totals.of(row[1:]) for row in rows}


def _total(per_day: Mapping[Any, Totals]) -> Totals:
    total = Totals()
    for value in per_day.values():
        total = total + value
    return total


def weekly_trend(f: DashboardFilter, per_day: Mapping[date, Totals]) -> tuple[TrendPoint, ...]:
    """Return the weekly NPS series of the period, empty weeks included, with trend flags."""
    weeks: dict[date, Totals] = {}
    start = trend.period_start(f.date_from, trend.PeriodUnit.WEEK)
    while start <= f.date_to:
        weeks[start] = Totals()
        start += timedelta(days=7)
    for day, totals in per_day.items():
        week = trend.period_start(day, trend.PeriodUnit.WEEK)
        weeks[week] = weeks[week] + totals
    return trend.nps_trend(
        [(week, t.promoters, t.passives, t.detractors) for week, t in sorted(weeks.items())],
        CONFIDENCE,
    )


def overview(f: DashboardFilter) -> Overview:
    """Return the overview's figures, weekly trend and (when asked) the previous period."""
    per_day = daily_totals(f)
    current = figures(_total(per_day))
    previous = None
    if f.compare_previous:
        before = f.previous()
        earlier = figures(_total(daily_totals(before)))
        previous = Comparison(
            before.date_from,
            before.date_to,
            earlier,
            nps.difference(earlier.nps, current.nps, CONFIDENCE),
        )
    return Overview(f, current, weekly_trend(f, per_day), previous)


@dataclass(frozen=True)
class TeamRow:
    """One team's figures and its verdict against the rest of the filtered organisation."""

    team_id: int | None
    name: str | None
    slug: str | None
    figures: Figures
    experience: Experience


@dataclass(frozen=True)
class TeamTable:
    """Every team under the filter, by name (never ranked), and the organisation."""

    filter: DashboardFilter
    organisation: Figures
    teams: tuple[TeamRow, ...]


def team_table(f: DashboardFilter, min_answers: int | None = None) -> TeamTable:
    """Return each team's figures and verdict (analysis.experience), one grouped query.

    The organisation is everything the filter selects: for a scoped user, their teams.
    """
    rows = db.session.execute(
        select(DailyRollup.team_id, Team.name, Team.slug, *_sums())
        .outerjoin(Team, Team.id == DailyRollup.team_id)
        .where(*rollup_conditions(DailyRollup, f))
        .group_by(DailyRollup.team_id, Team.name, Team.slug)
    ).all()
    per_team = {(row[0], row[1], row[2]): Totals.of(row[3:]) for row in rows}
    organisation = _total(per_team)
    options: dict[str, Any] = {"confidence": CONFIDENCE}
    if min_answers is not None:
        options["min_answers"] = min_answers
    teams = [
        TeamRow(
            team_id,
            name,
            slug,
            figures(totals),
            describe_group(totals.group_counts(), organisation.group_counts(), **options),
        )
        for (team_id, name, slug), totals in per_team.items()
    ]
    teams.sort(key=lambda row: ((row.name or "").casefold(), row.team_id or 0))
    return TeamTable(f, figures(organisation), tuple(teams))


@dataclass(frozen=True)
class ThemesView:
    """Themes of one language under the filter, and the drivers of NPS among them."""

    language: str
    report: ThemeReport
    drivers: DriverAnalysis | None


def theme_counts(f: DashboardFilter, language: str) -> list[ThemeCounts]:
    """Return each theme's answers per NPS group, polarity and written forms (one query)."""
    rows = db.session.execute(
        select(
            PhraseRollup.theme,
            PhraseRollup.phrase,
            PhraseRollup.category,
            cast(func.sum(PhraseRollup.answers), Integer),
            cast(func.sum(PhraseRollup.polarity_sum), Float),
        )
        .where(*rollup_conditions(PhraseRollup, f), PhraseRollup.language == language)
        .group_by(PhraseRollup.theme, PhraseRollup.phrase, PhraseRollup.category)
    ).all()
    groups: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    polarity: dict[str, float] = defaultdict(float)
    written: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for theme, phrase, category, answers, polarity_sum in rows:
        groups[theme][category] += int(answers or 0)
        polarity[theme] += float(polarity_sum or 0.0)
        written[theme][phrase] += int(answers or 0)
    return [
        ThemeCounts(
            theme=theme,
            detractors=counts["detractor"],
            passives=counts["passive"],
            promoters=counts["promoter"],
            unscored=counts["none"],
            polarity_sum=polarity[theme],
            phrases=MappingProxyType(dict(written[theme])),
        )
        for theme, counts in sorted(groups.items())
    ]


def theme_report(
    f: DashboardFilter,
    language: str,
    *,
    quotes: Mapping[str, Sequence[themes.Quote]] | None = None,
    limit: int = 20,
) -> ThemesView:
    """Return the themes of one language (themes.report_from_counts) and their drivers."""
    language_filter = f if f.language in (None, language) else None
    if language_filter is None:
        counts: list[ThemeCounts] = []
        totals = Totals()
    else:
        counts = theme_counts(language_filter, language)
        totals = _total(daily_totals_in(language_filter, language))
    scored = totals.text_nps_counts
    report = themes.report_from_counts(
        language, counts, answers=totals.texts, scored=scored, quotes=quotes, limit=limit
    )
    drivers = driver_analysis.key_drivers_from_report(report, confidence=CONFIDENCE)
    return ThemesView(language, report, drivers)


def daily_totals_in(f: DashboardFilter, language: str) -> dict[date, Totals]:
    """Return the filter's rollups of one language summed per day."""
    rows = db.session.execute(
        select(DailyRollup.day, *_sums())
        .where(*rollup_conditions(DailyRollup, f), DailyRollup.language == language)
        .group_by(DailyRollup.day)
    ).all()
    return {row[0]: Totals.of(row[1:]) for row in rows}


def agent_report(f: DashboardFilter, team_id: int) -> AgentReport:
    """Return a team's agents with shrunken NPS estimates (analysis.agents), one query."""
    if f.team_ids is not None and team_id not in f.team_ids:
        return agent_analysis.shrink([], confidence=CONFIDENCE)
    rows = db.session.execute(
        select(
            AgentRollup.agent,
            cast(func.sum(AgentRollup.promoters), Integer),
            cast(func.sum(AgentRollup.passives), Integer),
            cast(func.sum(AgentRollup.detractors), Integer),
        )
        .where(*rollup_conditions(AgentRollup, f), AgentRollup.team_id == team_id)
        .group_by(AgentRollup.agent)
        .order_by(AgentRollup.agent)
    ).all()
    return agent_analysis.shrink(
        [(agent, int(p or 0), int(pa or 0), int(d or 0)) for agent, p, pa, d in rows],
        confidence=CONFIDENCE,
    )
