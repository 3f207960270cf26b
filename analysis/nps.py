"""Net Promoter Score with an honest interval, and the difference between two scores.

Answers 9-10 are promoters, 7-8 passives, 0-6 detractors; NPS = %promoters - %detractors, from
-100 to 100. The interval is the adjusted Wald of Rocks (2016, *The American Statistician*,
"Interval estimation for the Net Promoter Score"): add 3 answers (3/4 of a promoter, 3/4 of a
detractor, the rest passive), then use the standard error of a difference of two multinomial
proportions, centred at the adjusted difference. Its coverage stays close to the nominal level
from about 10 answers on, where the plain Wald interval is too narrow
(``tests/analysis/test_nps.py`` measures both).

An empty group has score 0.0 and the interval [-100, 100]: numbers, not None, so dashboards can
plot it, and the interval says that nothing is known.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from analysis.intervals import check_confidence, check_count, z_for
from analysis.types import Interval

#: Lowest score that counts as a promoter, and lowest that counts as a passive.
PROMOTER_MIN = 9
PASSIVE_MIN = 7

#: Pseudo-answers of the adjusted Wald: 3 in total, 3/4 each to promoters and detractors.
_ADDED_ANSWERS = 3.0
_ADDED_EACH_SIDE = 0.75


class NpsCategory(StrEnum):
    """Where an answer of 0-10 falls."""

    PROMOTER = "promoter"
    PASSIVE = "passive"
    DETRACTOR = "detractor"


@dataclass(frozen=True, slots=True)
class NpsCounts:
    """How many promoters, passives and detractors a group has (validated on creation)."""

    promoters: int
    passives: int
    detractors: int

    def __post_init__(self) -> None:
        check_count("promoters", self.promoters)
        check_count("passives", self.passives)
        check_count("detractors", self.detractors)

    @property
    def n(self) -> int:
        """All answers."""
        return self.promoters + self.passives + self.detractors

    def minus(self, part: NpsCounts) -> NpsCounts:
        """Return these counts without a part of them (e.g. the organisation minus one team)."""
        for name in ("promoters", "passives", "detractors"):
            if getattr(part, name) > getattr(self, name):
                raise ValueError(f"the part has more {name} than the whole")
        return NpsCounts(
            self.promoters - part.promoters,
            self.passives - part.passives,
            self.detractors - part.detractors,
        )


class CountsRow:
    """Mixin for a frozen dataclass holding one ``GROUP BY`` row's NPS category counts.

    The row keeps its own key (a period, an agent) first; this adds the validation and the
    ``counts`` view that every such row needs, so each row type states only its key.
    """

    __slots__ = ()
    promoters: int
    passives: int
    detractors: int

    def __post_init__(self) -> None:
        self.counts  # noqa: B018 - building NpsCounts raises on invalid counts

    @property
    def counts(self) -> NpsCounts:
        """The row's counts as ``NpsCounts``."""
        return NpsCounts(self.promoters, self.passives, self.detractors)


@dataclass(frozen=True, slots=True)
class NpsSummary:
    """An NPS (-100..100) with its interval in NPS points."""

    score: float
    n: int
    promoters: int
    passives: int
    detractors: int
    low: float
    high: float
    confidence: float

    @property
    def interval(self) -> Interval:
        """The interval as an ``Interval``."""
        return Interval(self.low, self.high)

    @property
    def counts(self) -> NpsCounts:
        """The counts behind the score."""
        return NpsCounts(self.promoters, self.passives, self.detractors)


@dataclass(frozen=True, slots=True)
class NpsDifference:
    """The change ``b - a`` between two independent NPS, in NPS points (-200..200).

    ``change`` is the plain difference of the two scores; ``low`` and ``high`` bound it and are
    centred on the adjusted scores, so they need not be symmetric around ``change``.
    ``significant`` means the interval excludes 0.
    """

    change: float
    low: float
    high: float
    significant: bool
    confidence: float

    @property
    def interval(self) -> Interval:
        """The interval as an ``Interval``."""
        return Interval(self.low, self.high)


def categorize(score: int) -> NpsCategory:
    """Return whether a 0-10 answer is a promoter, passive or detractor."""
    if isinstance(score, bool) or not isinstance(score, int):
        raise TypeError(f"an NPS answer must be an int, got {score!r}")
    if not 0 <= score <= 10:
        raise ValueError(f"an NPS answer must be 0-10, got {score}")
    if score >= PROMOTER_MIN:
        return NpsCategory.PROMOTER
    if score >= PASSIVE_MIN:
        return NpsCategory.PASSIVE
    return NpsCategory.DETRACTOR


def count_scores(scores: Iterable[int]) -> NpsCounts:
    """Count promoters, passives and detractors among 0-10 answers."""
    tally = dict.fromkeys(NpsCategory, 0)
    for score in scores:
        tally[categorize(score)] += 1
    return NpsCounts(
        tally[NpsCategory.PROMOTER], tally[NpsCategory.PASSIVE], tally[NpsCategory.DETRACTOR]
    )


def summarize(scores: Iterable[int], confidence: float = 0.95) -> NpsSummary:
    """Return the NPS of raw 0-10 answers with its adjusted-Wald interval."""
    counts = count_scores(scores)
    return from_counts(counts.promoters, counts.passives, counts.detractors, confidence)


def from_counts(
    promoters: int, passives: int, detractors: int, confidence: float = 0.95
) -> NpsSummary:
    """Return the NPS of category counts with its adjusted-Wald interval."""
    counts = NpsCounts(promoters, passives, detractors)
    z = z_for(confidence)
    n = counts.n
    if n == 0:
        return NpsSummary(0.0, 0, 0, 0, 0, -100.0, 100.0, confidence)
    centre, se = _adjusted(counts)
    return NpsSummary(
        score=100 * (promoters - detractors) / n,
        n=n,
        promoters=promoters,
        passives=passives,
        detractors=detractors,
        low=max(-100.0, 100 * (centre - z * se)),
        high=min(100.0, 100 * (centre + z * se)),
        confidence=confidence,
    )


def _adjusted(counts: NpsCounts) -> tuple[float, float]:
    """Return the adjusted NPS (as a -1..1 fraction) and its standard error."""
    n = counts.n + _ADDED_ANSWERS
    promoters = (counts.promoters + _ADDED_EACH_SIDE) / n
    detractors = (counts.detractors + _ADDED_EACH_SIDE) / n
    centre = promoters - detractors
    # Var(p̂P - p̂D) for one multinomial sample: (pP + pD - (pP - pD)^2) / n.
    return centre, math.sqrt((promoters + detractors - centre * centre) / n)


def difference(a: NpsSummary, b: NpsSummary, confidence: float = 0.95) -> NpsDifference:
    """Return the change from a to b (b - a) with its interval, for independent groups."""
    check_confidence(confidence)
    change = b.score - a.score
    if a.n == 0 or b.n == 0:
        # An empty side could hold any NPS, so the difference is bounded only by the other.
        low, high = b.low - a.high, b.high - a.low
        return NpsDifference(change, low, high, low > 0 or high < 0, confidence)
    z = z_for(confidence)
    centre_a, se_a = _adjusted(a.counts)
    centre_b, se_b = _adjusted(b.counts)
    # Independent samples, each adjusted: the variances add (Lewis & Sauro's adjusted-Wald
    # comparison of two NPS, MeasuringU).
    half = z * math.hypot(se_a, se_b)
    low = max(-200.0, 100 * (centre_b - centre_a - half))
    high = min(200.0, 100 * (centre_b - centre_a + half))
    return NpsDifference(change, low, high, low > 0 or high < 0, confidence)
