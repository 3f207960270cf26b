"""Customer Effort Score (CES, 1-7) and Customer Satisfaction (CSAT, 1-5).

CES asks how easy it was to get what the customer needed, from 1 (very hard) to 7 (very easy);
CSAT asks how satisfied they are, from 1 to 5. Each summary gives the mean with its interval
(``analysis.intervals.scale_mean_from_counts``: half an answer added at each end of the scale,
so the interval holds at small n even when nearly everyone answers at one end) and the share
at the good end of the scale with its Wilson interval: "easy" is 5-7 for CES, "satisfied" is 4-5
for CSAT. The app aggregates in SQL (``GROUP BY value``) and calls ``*_from_counts``; callers
with raw answers use ``summarize_*``.

An empty group has its mean at the middle of the scale and the whole scale as its interval.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from analysis.intervals import count_values, scale_mean_from_counts, wilson
from analysis.types import MeanEstimate, Proportion

CES_SCALE = (1, 7)
#: CES answers from this value up count as "easy".
CES_EASY_MIN = 5

CSAT_SCALE = (1, 5)
#: CSAT answers from this value up count as "satisfied".
CSAT_SATISFIED_MIN = 4


@dataclass(frozen=True, slots=True)
class CesSummary:
    """Customer effort: mean of 1-7 and the share of easy answers (5-7)."""

    n: int
    mean: MeanEstimate
    easy: Proportion


@dataclass(frozen=True, slots=True)
class CsatSummary:
    """Customer satisfaction: mean of 1-5 and the share of satisfied answers (4-5)."""

    n: int
    mean: MeanEstimate
    satisfied: Proportion


def ces_from_counts(counts: Mapping[int, int], confidence: float = 0.95) -> CesSummary:
    """Summarize CES from counts per answer value (1-7)."""
    mean = scale_mean_from_counts(counts, CES_SCALE, confidence)
    easy = sum(count for value, count in counts.items() if value >= CES_EASY_MIN)
    return CesSummary(n=mean.n, mean=mean, easy=wilson(easy, mean.n, confidence))


def summarize_ces(scores: Iterable[int], confidence: float = 0.95) -> CesSummary:
    """Summarize CES from raw 1-7 answers."""
    return ces_from_counts(count_values(scores, CES_SCALE), confidence)


def csat_from_counts(counts: Mapping[int, int], confidence: float = 0.95) -> CsatSummary:
    """Summarize CSAT from counts per answer value (1-5)."""
    mean = scale_mean_from_counts(counts, CSAT_SCALE, confidence)
    satisfied = sum(count for value, count in counts.items() if value >= CSAT_SATISFIED_MIN)
    return CsatSummary(n=mean.n, mean=mean, satisfied=wilson(satisfied, mean.n, confidence))


def summarize_csat(scores: Iterable[int], confidence: float = 0.95) -> CsatSummary:
    """Summarize CSAT from raw 1-5 answers."""
    return csat_from_counts(count_values(scores, CSAT_SCALE), confidence)
