"""Customer Effort Score (1-7) and CSAT (1-5)."""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from functools import cache

import pytest

from analysis import effort
from analysis.intervals import mean_from_counts
from analysis.types import MeanEstimate


def test_ces_from_counts_matches_the_hand_computation() -> None:
    # Values 1×2, 4×3, 7×5 (n=10), mean 4.9. Rescaled to 0..1 (0, 0.5, 1) with half an answer
    # at each end: share = (6.5 + 0.5) / 11 = 0.636364; mean square (5.75 + 0.5) / 11 =
    # 0.568182, spread 0.568182 - 0.636364² = 0.163223; effective n = 12 × 0.636364 ×
    # 0.363636 / 0.163223 = 17.012658. Wilson at z = 1.959964: centre 0.611245, half 0.207984
    # → 0.403261..0.819228 → 1 + 6 × that = [3.419566, 5.915370].
    # Easy (5-7): 5 of 10, Wilson [0.236593, 0.763407].
    summary = effort.ces_from_counts({1: 2, 4: 3, 7: 5})
    assert summary.n == 10
    assert summary.mean.mean == pytest.approx(4.9)
    assert summary.mean.low == pytest.approx(3.419566, abs=1e-6)
    assert summary.mean.high == pytest.approx(5.915370, abs=1e-6)
    assert (summary.easy.count, summary.easy.share) == (5, 0.5)
    assert summary.easy.low == pytest.approx(0.236593, abs=1e-6)
    assert summary.easy.high == pytest.approx(0.763407, abs=1e-6)


def test_summarize_ces_equals_counting_first() -> None:
    scores = [1, 1, 4, 4, 4, 7, 7, 7, 7, 7]
    assert effort.summarize_ces(scores) == effort.ces_from_counts({1: 2, 4: 3, 7: 5})


def test_ces_easy_starts_at_five() -> None:
    summary = effort.ces_from_counts({4: 10, 5: 10})
    assert summary.easy.count == 10


def test_ces_interval_at_thirty_answers_is_close_to_the_textbook_one() -> None:
    # 15×3 and 15×5: the t/normal interval is [3.636043, 4.363957]; the half answers at the
    # ends widen it a little: [3.614601, 4.385399].
    summary = effort.ces_from_counts({3: 15, 5: 15})
    assert summary.mean.low == pytest.approx(3.614601, abs=1e-6)
    assert summary.mean.high == pytest.approx(4.385399, abs=1e-6)


def test_identical_answers_still_get_an_interval_that_leans_to_the_middle() -> None:
    # Ten 7s: the t interval would be [7, 7], "certain". Unseen lower answers are possible.
    all_sevens = effort.ces_from_counts({7: 10}).mean
    assert (all_sevens.mean, all_sevens.high) == (7.0, 7.0)
    assert all_sevens.low == pytest.approx(5.162514, abs=1e-6)
    all_fours = effort.ces_from_counts({4: 10}).mean
    assert all_fours.low == pytest.approx(8 - all_fours.high)  # symmetric about the middle
    assert all_fours.low < 4 < all_fours.high


def test_an_empty_ces_spans_the_whole_scale() -> None:
    summary = effort.ces_from_counts({})
    assert (summary.n, summary.mean.mean, summary.mean.low, summary.mean.high) == (0, 4, 1, 7)
    assert (summary.easy.share, summary.easy.low, summary.easy.high) == (0.0, 0.0, 1.0)


def test_a_single_ces_answer_has_the_whole_scale_as_interval() -> None:
    summary = effort.ces_from_counts({6: 1})
    assert (summary.mean.mean, summary.mean.low, summary.mean.high) == (6, 1, 7)


@pytest.mark.parametrize(
    ("counts", "message"),
    [({0: 1}, "outside the scale"), ({8: 3}, "outside the scale"), ({3: -1}, "negative")],
)
def test_ces_rejects_impossible_counts(counts: dict[int, int], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        effort.ces_from_counts(counts)


def test_summarize_ces_rejects_a_score_off_the_scale() -> None:
    with pytest.raises(ValueError, match="outside the scale 1..7"):
        effort.summarize_ces([3, 11])


def test_csat_from_raw_scores_matches_the_hand_computation() -> None:
    # 5, 4, 3, 5, 1: mean 3.6. Rescaled (1, 0.75, 0.5, 1, 0) plus half an answer at each end:
    # share 3.75 / 6 = 0.625, mean square (3.3125 + 0.5) / 6 = 0.635417, spread 0.244792,
    # effective n = 7 × 0.234375 / 0.244792 = 6.702128 → Wilson → [2.339321, 4.386343].
    # Satisfied (4-5): 3 of 5, Wilson [0.230724, 0.882379].
    summary = effort.summarize_csat([5, 4, 3, 5, 1])
    assert summary.n == 5
    assert summary.mean.mean == pytest.approx(3.6)
    assert summary.mean.low == pytest.approx(2.339321, abs=1e-6)
    assert summary.mean.high == pytest.approx(4.386343, abs=1e-6)
    assert (summary.satisfied.count, summary.satisfied.share) == (3, 0.6)
    assert summary.satisfied.low == pytest.approx(0.230724, abs=1e-6)
    assert summary.satisfied.high == pytest.approx(0.882379, abs=1e-6)


def test_csat_from_counts_equals_raw_scores() -> None:
    assert effort.csat_from_counts({1: 1, 3: 1, 4: 1, 5: 2}) == effort.summarize_csat(
        [5, 4, 3, 5, 1]
    )


def test_csat_rejects_a_six() -> None:
    with pytest.raises(ValueError, match="outside the scale 1..5"):
        effort.csat_from_counts({6: 1})


# --- coverage of the CES mean interval, by seeded simulation and exact enumeration -----------

SEED = 20240607
#: Lopsided CES mixes (share per answer 1..7): the one in the issue (60 % 7, 30 % 6, 10 % 1)
#: and one with the middle answers spread.
LOPSIDED = {
    "issue": (0.1, 0.0, 0.0, 0.0, 0.0, 0.3, 0.6),
    "spread": (0.1, 0.0, 0.0, 0.1, 0.1, 0.1, 0.6),
}
#: Other shapes a CES question produces, for the broader check.
OTHER = {
    "uniform": (1 / 7,) * 7,
    "middle": (0.0, 0.0, 0.25, 0.5, 0.25, 0.0, 0.0),
    "mostly easy": (0.0, 0.0, 0.0, 0.0, 0.1, 0.3, 0.6),
    "mostly hard": (0.5, 0.2, 0.1, 0.1, 0.05, 0.05, 0.0),
}
DRAWS = 10_000


def true_mean(shares: tuple[float, ...]) -> float:
    return sum(value * share for value, share in enumerate(shares, start=1))


@cache
def new_interval(counts: tuple[int, ...]) -> MeanEstimate:
    return effort.ces_from_counts(dict(enumerate(counts, start=1))).mean


@cache
def t_interval(counts: tuple[int, ...]) -> MeanEstimate:
    return mean_from_counts(dict(enumerate(counts, start=1)), bounds=(1, 7))


def simulated_coverage(
    shares: tuple[float, ...], n: int, interval: Callable[[tuple[int, ...]], MeanEstimate]
) -> float:
    rng, truth, hits = random.Random(SEED), true_mean(shares), 0
    for _ in range(DRAWS):
        counts = [0] * 7
        for value in rng.choices(range(7), weights=shares, k=n):
            counts[value] += 1
        estimate = interval(tuple(counts))
        hits += estimate.low <= truth <= estimate.high
    return hits / DRAWS


def compositions(total: int, parts: int) -> list[tuple[int, ...]]:
    if parts == 1:
        return [(total,)]
    return [
        (first, *rest)
        for first in range(total + 1)
        for rest in compositions(total - first, parts - 1)
    ]


def exact_coverage(shares: tuple[float, ...], n: int) -> float:
    """Sum the probability of every possible sample of n whose interval holds the truth."""
    truth, covered = true_mean(shares), 0.0
    for counts in compositions(n, 7):
        if any(count and not share for count, share in zip(counts, shares, strict=True)):
            continue
        log_mass = math.lgamma(n + 1) + sum(
            count * math.log(share) - math.lgamma(count + 1)
            for count, share in zip(counts, shares, strict=True)
            if count
        )
        estimate = new_interval(counts)
        covered += math.exp(log_mass) * (estimate.low <= truth <= estimate.high)
    return covered


@pytest.mark.parametrize("mix", sorted(LOPSIDED))
def test_ces_interval_covers_at_least_93_percent_at_ten_answers(mix: str) -> None:
    """60 % answer 7 and 10 % answer 1, n = 10: coverage >= 93 % (exact: 94.1 % and 95.0 %).

    The textbook t interval covers 67.6 % and 87.5 % of the same samples.
    """
    shares = LOPSIDED[mix]
    simulated, exact = simulated_coverage(shares, 10, new_interval), exact_coverage(shares, 10)
    assert simulated >= 0.93
    assert exact >= 0.93
    assert abs(simulated - exact) <= 4 * math.sqrt(exact * (1 - exact) / DRAWS)
    assert simulated_coverage(shares, 10, t_interval) < 0.90


@pytest.mark.parametrize("n", [20, 50])
def test_ces_interval_keeps_its_coverage_as_answers_grow(n: int) -> None:
    for shares in LOPSIDED.values():
        assert simulated_coverage(shares, n, new_interval) >= 0.93


@pytest.mark.parametrize("mix", sorted(OTHER))
def test_ces_interval_holds_on_other_shapes(mix: str) -> None:
    """Never under 93 % at n = 10 or 30; tight middle answers over-cover (up to 100 %)."""
    for n in (10, 30):
        assert simulated_coverage(OTHER[mix], n, new_interval) >= 0.93


@pytest.mark.parametrize("shares", [*LOPSIDED.values(), *OTHER.values()])
def test_ces_interval_is_not_wider_than_the_textbook_one_at_large_n(
    shares: tuple[float, ...],
) -> None:
    """At 400 answers the two widths agree within 5 % (the widest gap: tight middle answers)."""
    counts = tuple(round(400 * share) for share in shares)
    new, textbook = new_interval(counts), t_interval(counts)
    assert new.high - new.low <= 1.05 * (textbook.high - textbook.low)
    assert new.high - new.low >= 0.95 * (textbook.high - textbook.low)
