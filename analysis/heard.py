""" "Did you feel heard?": shares of yes / partly / no, and the heard index.

The heard index is ``(yes + 0.5 × partly) / n × 100``, from 0 (nobody felt heard) to 100
(everybody did); "partly" counts half. It is an affine image of a net score: with ``yes`` in the
role of promoters and ``no`` of detractors, ``index = 50 + (%yes - %no) / 2``. So its interval is
the NPS adjusted-Wald interval (``analysis.nps``) mapped the same way, and inherits its measured
coverage. Each share has its own Wilson interval.

An empty group has index 50 and the interval [0, 100].

Beside the direct question, the free text can say it unprompted ("nobody listened", "me
ignoraron"): `text_not_heard` gives the share of free-text answers in which
``analysis.intents`` finds a "not heard" statement, with its Wilson interval, and `report`
puts both side by side. The rules find the phrasings they know and miss many others, so that
share is a floor, not an estimate of how many felt unheard (measured recall in
docs/analysis.md).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from analysis import nps
from analysis.intents import Intent, detect_many
from analysis.intervals import check_count, check_part, wilson
from analysis.types import Interval, Proportion

#: What a "partly" answer is worth in the index, between no (0) and yes (1). The interval's
#: mapping from the NPS interval holds only for one half, so this is not a setting.
PARTLY_WEIGHT = 0.5


class HeardAnswer(StrEnum):
    """The three answers to "did you feel heard?"."""

    YES = "yes"
    PARTLY = "partly"
    NO = "no"


@dataclass(frozen=True, slots=True)
class HeardCounts:
    """How many answered yes, partly and no (validated on creation)."""

    yes: int
    partly: int
    no: int

    def __post_init__(self) -> None:
        check_count("yes", self.yes)
        check_count("partly", self.partly)
        check_count("no", self.no)

    @property
    def n(self) -> int:
        """All answers."""
        return self.yes + self.partly + self.no


@dataclass(frozen=True, slots=True)
class HeardSummary:
    """Shares of each answer and the heard index (0-100) with its interval."""

    n: int
    yes: Proportion
    partly: Proportion
    no: Proportion
    index: float
    low: float
    high: float

    @property
    def interval(self) -> Interval:
        """The index interval as an ``Interval``."""
        return Interval(self.low, self.high)


def from_counts(yes: int, partly: int, no: int, confidence: float = 0.95) -> HeardSummary:
    """Summarize "did you feel heard?" from the count of each answer."""
    counts = HeardCounts(yes, partly, no)
    n = counts.n
    # yes ~ promoters, partly ~ passives, no ~ detractors: see the module docstring.
    net = nps.from_counts(yes, partly, no, confidence)
    return HeardSummary(
        n=n,
        yes=wilson(yes, n, confidence),
        partly=wilson(partly, n, confidence),
        no=wilson(no, n, confidence),
        index=50.0 if n == 0 else 100 * (yes + PARTLY_WEIGHT * partly) / n,
        low=50 + net.low / 2,
        high=50 + net.high / 2,
    )


def count_answers(answers: Iterable[str]) -> HeardCounts:
    """Count yes / partly / no answers, raising ValueError for anything else."""
    tally = dict.fromkeys(HeardAnswer, 0)
    for answer in answers:
        try:
            tally[HeardAnswer(answer)] += 1
        except ValueError:
            raise ValueError(f"unknown heard answer {answer!r}; use yes, partly or no") from None
    return HeardCounts(tally[HeardAnswer.YES], tally[HeardAnswer.PARTLY], tally[HeardAnswer.NO])


def summarize(answers: Iterable[str], confidence: float = 0.95) -> HeardSummary:
    """Summarize "did you feel heard?" from raw answers ("yes", "partly", "no")."""
    counts = count_answers(answers)
    return from_counts(counts.yes, counts.partly, counts.no, confidence)


@dataclass(frozen=True, slots=True)
class HeardReport:
    """The direct question's summary beside the share of free text saying "not heard"."""

    question: HeardSummary
    text_not_heard: Proportion


def text_not_heard(texts: int, not_heard: int, confidence: float = 0.95) -> Proportion:
    """Return the share of free-text answers that say they were not heard, with its interval."""
    check_part("not_heard", not_heard, "texts", texts)
    return wilson(not_heard, texts, confidence)


def count_not_heard(texts: Sequence[str], languages: Sequence[str | None] | None = None) -> int:
    """Count the answers in which ``analysis.intents`` finds a "not heard" statement."""
    return sum(Intent.NOT_HEARD in found for found in detect_many(texts, languages))


def report(
    yes: int, partly: int, no: int, texts: int, not_heard: int, confidence: float = 0.95
) -> HeardReport:
    """Summarize the direct question and, beside it, "not heard" said in free text (counts)."""
    return HeardReport(
        question=from_counts(yes, partly, no, confidence),
        text_not_heard=text_not_heard(texts, not_heard, confidence),
    )
