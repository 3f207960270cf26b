"""Key-driver analysis: which themes go with a higher or lower NPS.

For each theme (a label from ``analysis.themes`` or any other tagger), the answers that mention
it are compared with the answers that do not: ``difference`` is NPS(mentioned) - NPS(others)
with its interval (``analysis.nps.difference``). ``impact`` is how many points the overall NPS
sits above (positive) or below (negative) where it would be if the mentioning answers had
scored like the others: ``share mentioning × difference``, because
``overall = share × NPS(mentioned) + (1 - share) × NPS(others)``. A frequent, mildly negative
theme can so outrank a rare, very negative one.

Themes with fewer than ``min_n`` answers on either side are listed apart as "not enough data"
and never ranked. Ranking by impact says nothing about cause, and with many themes about one in
twenty will look significant by chance alone.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from analysis import nps
from analysis.intervals import check_confidence, check_count
from analysis.nps import NpsCounts, NpsDifference, NpsSummary

#: Answers needed on each side (mentioning and not) before a theme is ranked. Below ~30 an NPS
#: interval spans more than ±30 points, so a ranking would mostly reflect chance.
DEFAULT_MIN_N = 30


@dataclass(frozen=True, slots=True)
class Driver:
    """One theme's NPS against the rest, and its impact on the overall NPS (in points)."""

    theme: str
    mentioned: NpsSummary
    others: NpsSummary
    difference: NpsDifference
    share: float
    impact: float
    enough_data: bool


@dataclass(frozen=True, slots=True)
class DriverAnalysis:
    """Ranked drivers (largest absolute impact first) and the themes with too few answers."""

    overall: NpsSummary
    ranked: tuple[Driver, ...]
    not_enough_data: tuple[Driver, ...]

    @property
    def dragging(self) -> tuple[Driver, ...]:
        """Ranked themes that pull the NPS down, strongest first."""
        return tuple(driver for driver in self.ranked if driver.impact < 0)

    @property
    def lifting(self) -> tuple[Driver, ...]:
        """Ranked themes that push the NPS up, strongest first."""
        return tuple(driver for driver in self.ranked if driver.impact > 0)


def key_drivers(
    themes: Mapping[str, NpsCounts],
    overall: NpsCounts,
    min_n: int = DEFAULT_MIN_N,
    confidence: float = 0.95,
) -> DriverAnalysis:
    """Rank themes by their impact on the NPS from counts among answers mentioning each."""
    check_count("min_n", min_n)
    check_confidence(confidence)
    drivers = [
        _driver(theme, counts, overall, min_n, confidence) for theme, counts in themes.items()
    ]
    ranked = sorted(
        (driver for driver in drivers if driver.enough_data),
        key=lambda driver: (-abs(driver.impact), driver.theme),
    )
    too_few = sorted(
        (driver for driver in drivers if not driver.enough_data),
        key=lambda driver: (-driver.mentioned.n, driver.theme),
    )
    return DriverAnalysis(
        overall=nps.from_counts(
            overall.promoters, overall.passives, overall.detractors, confidence
        ),
        ranked=tuple(ranked),
        not_enough_data=tuple(too_few),
    )


def _driver(
    theme: str, mentioned: NpsCounts, overall: NpsCounts, min_n: int, confidence: float
) -> Driver:
    try:
        others = overall.minus(mentioned)
    except ValueError:
        raise ValueError(f"theme {theme!r} has more answers than the overall counts") from None
    with_theme = _summary(mentioned, confidence)
    without = _summary(others, confidence)
    change = nps.difference(without, with_theme, confidence)
    share = mentioned.n / overall.n if overall.n else 0.0
    return Driver(
        theme=theme,
        mentioned=with_theme,
        others=without,
        difference=change,
        share=share,
        impact=share * change.change,
        enough_data=mentioned.n >= min_n and others.n >= min_n,
    )


def _summary(counts: NpsCounts, confidence: float) -> NpsSummary:
    return nps.from_counts(counts.promoters, counts.passives, counts.detractors, confidence)


def key_drivers_from_answers(
    answers: Iterable[tuple[int, Iterable[str]]],
    min_n: int = DEFAULT_MIN_N,
    confidence: float = 0.95,
) -> DriverAnalysis:
    """Rank themes from raw ``(score, themes)`` pairs; a theme counts once per answer."""
    overall: Counter[nps.NpsCategory] = Counter()
    per_theme: dict[str, Counter[nps.NpsCategory]] = {}
    for score, labels in answers:
        category = nps.categorize(score)
        overall[category] += 1
        for theme in set(labels):
            per_theme.setdefault(theme, Counter())[category] += 1
    themes = {theme: _counts(tally) for theme, tally in per_theme.items()}
    return key_drivers(themes, _counts(overall), min_n, confidence)


def _counts(tally: Counter[nps.NpsCategory]) -> NpsCounts:
    return NpsCounts(
        tally[nps.NpsCategory.PROMOTER],
        tally[nps.NpsCategory.PASSIVE],
        tally[nps.NpsCategory.DETRACTOR],
    )
