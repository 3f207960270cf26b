"""The experience of one group (team, touchpoint, segment, lifecycle stage, period).

``describe_group`` turns a group's counts and the organisation's into one summary: response
rate, NPS, CES, heard index, sentiment, mismatch rate, and a verdict on how the group's NPS
compares with the rest of the organisation.

The verdict refuses to rank what the data cannot separate. Below ``min_answers`` NPS answers it
is "not enough answers". Otherwise the group is compared with the *rest* of the organisation
(organisation minus group, since the group is part of it) through the interval of the NPS
difference (``analysis.nps.difference``): if that interval contains 0 the group is "not
distinguishable from the organisation at this sample size". A group is also not ranked while
its own interval overlaps the organisation's: that is stricter than the difference test (about
99.4 % instead of 95 % for two equally precise groups), but dashboards draw both intervals and
nobody should see "above" beside two overlapping bars. Otherwise it is above or below.

The mismatch rate is the share of scored answers with words whose words contradict the score: a
promoter (9-10) whose words are negative, or a detractor (0-6) whose words are positive. High
rates point to a misread scale, a copied template, or a score given under pressure.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from analysis import effort, heard, nps
from analysis.effort import CesSummary
from analysis.heard import HeardCounts, HeardSummary
from analysis.intervals import check_confidence, check_count, check_part, wilson
from analysis.nps import NpsCounts, NpsDifference, NpsSummary
from analysis.types import Message, Proportion

#: NPS answers a group needs before it gets a verdict other than "not enough answers".
DEFAULT_MIN_ANSWERS = 30


class Verdict(StrEnum):
    """How a group's NPS compares with the rest of the organisation (stable codes)."""

    NOT_ENOUGH_ANSWERS = "not_enough_answers"
    NOT_DISTINGUISHABLE = "not_distinguishable"
    ABOVE = "above_organisation"
    BELOW = "below_organisation"


_VERDICT_TEXT: dict[Verdict, Message] = {
    Verdict.NOT_ENOUGH_ANSWERS: Message(
        en="Not enough answers yet to compare with the organisation.",
        es="Todavía no hay suficientes respuestas para compararlo con la organización.",
    ),
    Verdict.NOT_DISTINGUISHABLE: Message(
        en="Not distinguishable from the organisation at this sample size.",
        es="No se distingue de la organización con este tamaño de muestra.",
    ),
    Verdict.ABOVE: Message(
        en="Above the organisation, by more than chance explains.",
        es="Por encima de la organización, más de lo que explica el azar.",
    ),
    Verdict.BELOW: Message(
        en="Below the organisation, by more than chance explains.",
        es="Por debajo de la organización, más de lo que explica el azar.",
    ),
}


@dataclass(frozen=True, slots=True)
class GroupCounts:
    """Everything the app aggregates in SQL for one group (or for the whole organisation).

    ``invited`` is None for open links, where no response rate exists. ``with_text`` counts the
    answers whose words the sentiment scorer rated; ``polarity_sum`` adds their polarities
    (each -1..1), ``negative`` counts those below the scorer's negative threshold, and
    ``mismatched`` those whose words contradict the NPS answer (see the module docstring).
    """

    nps: NpsCounts
    invited: int | None = None
    answered: int = 0
    ces: Mapping[int, int] = field(default_factory=dict)
    heard: HeardCounts = field(default_factory=lambda: HeardCounts(0, 0, 0))
    with_text: int = 0
    polarity_sum: float = 0.0
    negative: int = 0
    mismatched: int = 0

    def __post_init__(self) -> None:
        if self.invited is None:
            check_count("answered", self.answered)
        else:
            check_part("answered", self.answered, "invited", self.invited)
        check_part("negative", self.negative, "with_text", self.with_text)
        check_part("mismatched", self.mismatched, "with_text", self.with_text)
        if abs(self.polarity_sum) > self.with_text:
            raise ValueError("polarity_sum is out of range: each polarity lies in -1..1")


@dataclass(frozen=True, slots=True)
class Experience:
    """One group's experience metrics and its verdict against the rest of the organisation."""

    n: int
    response_rate: Proportion | None
    nps: NpsSummary
    versus_rest: NpsDifference
    ces: CesSummary
    heard: HeardSummary
    mean_sentiment: float | None
    negative: Proportion
    mismatch: Proportion
    verdict: Verdict

    def verdict_text(self, locale: str) -> str:
        """Return the verdict as a sentence in the locale's language."""
        return verdict_text(self.verdict, locale)


def describe_group(
    group: GroupCounts,
    organisation: GroupCounts,
    min_answers: int = DEFAULT_MIN_ANSWERS,
    confidence: float = 0.95,
) -> Experience:
    """Summarize a group and judge its NPS against the rest of the organisation.

    ``organisation`` counts must include the group's (one unfiltered query).
    """
    check_count("min_answers", min_answers)
    check_confidence(confidence)
    try:
        rest = organisation.nps.minus(group.nps)
    except ValueError:
        raise ValueError("the organisation's counts must include the group's") from None
    score = _summary(group.nps, confidence)
    versus_rest = nps.difference(_summary(rest, confidence), score, confidence)
    return Experience(
        n=score.n,
        response_rate=_response_rate(group, confidence),
        nps=score,
        versus_rest=versus_rest,
        ces=effort.ces_from_counts(group.ces, confidence),
        heard=heard.from_counts(group.heard.yes, group.heard.partly, group.heard.no, confidence),
        mean_sentiment=group.polarity_sum / group.with_text if group.with_text else None,
        negative=wilson(group.negative, group.with_text, confidence),
        mismatch=wilson(group.mismatched, group.with_text, confidence),
        verdict=judge(score, versus_rest, min_answers, _summary(organisation.nps, confidence)),
    )


def judge(
    group: NpsSummary,
    versus_rest: NpsDifference,
    min_answers: int,
    organisation: NpsSummary | None = None,
) -> Verdict:
    """Return the verdict for a group's NPS given its difference from the rest.

    With the organisation's summary, a group whose interval overlaps the organisation's is not
    ranked either: a dashboard draws both intervals, and "above" beside two overlapping bars
    would invite exactly the over-reading this verdict exists to prevent.
    """
    if group.n < min_answers:
        return Verdict.NOT_ENOUGH_ANSWERS
    if not versus_rest.significant:
        return Verdict.NOT_DISTINGUISHABLE
    if organisation is not None and _overlaps(group, organisation):
        return Verdict.NOT_DISTINGUISHABLE
    return Verdict.ABOVE if versus_rest.low > 0 else Verdict.BELOW


def verdict_text(code: Verdict | str, locale: str) -> str:
    """Return a verdict code as a sentence in English or Spanish."""
    try:
        verdict = Verdict(code)
    except ValueError:
        raise ValueError(f"unknown verdict {code!r}") from None
    return _VERDICT_TEXT[verdict].text(locale)


def _overlaps(a: NpsSummary, b: NpsSummary) -> bool:
    return a.low <= b.high and b.low <= a.high


def _summary(counts: NpsCounts, confidence: float) -> NpsSummary:
    return nps.from_counts(counts.promoters, counts.passives, counts.detractors, confidence)


def _response_rate(group: GroupCounts, confidence: float) -> Proportion | None:
    if group.invited is None:
        return None
    return wilson(group.answered, group.invited, confidence)
