"""Customer Effort Score (1-7) and CSAT (1-5)."""

from __future__ import annotations

import pytest

from analysis import effort


def test_ces_from_counts_matches_the_hand_computation() -> None:
    # Values 1×2, 4×3, 7×5 (n=10): mean 4.9, sd sqrt(54.9/9) = 2.469818, t(9) = 2.262157,
    # half = 1.766801 → [3.133199, 6.666801]. Easy (5-7): 5 of 10, Wilson [0.236593, 0.763407].
    summary = effort.ces_from_counts({1: 2, 4: 3, 7: 5})
    assert summary.n == 10
    assert summary.mean.mean == pytest.approx(4.9)
    assert summary.mean.low == pytest.approx(3.133199, abs=1e-6)
    assert summary.mean.high == pytest.approx(6.666801, abs=1e-6)
    assert (summary.easy.count, summary.easy.share) == (5, 0.5)
    assert summary.easy.low == pytest.approx(0.236593, abs=1e-6)
    assert summary.easy.high == pytest.approx(0.763407, abs=1e-6)


def test_summarize_ces_equals_counting_first() -> None:
    scores = [1, 1, 4, 4, 4, 7, 7, 7, 7, 7]
    assert effort.summarize_ces(scores) == effort.ces_from_counts({1: 2, 4: 3, 7: 5})


def test_ces_easy_starts_at_five() -> None:
    summary = effort.ces_from_counts({4: 10, 5: 10})
    assert summary.easy.count == 10


def test_ces_uses_the_normal_quantile_from_thirty_answers() -> None:
    # 15×3 and 15×5: mean 4, sd = sqrt(30 / 29) = 1.017095,
    # half = 1.959964 × 1.017095 / sqrt(30) = 0.363957 → [3.636043, 4.363957].
    summary = effort.ces_from_counts({3: 15, 5: 15})
    assert summary.mean.low == pytest.approx(3.636043, abs=1e-6)
    assert summary.mean.high == pytest.approx(4.363957, abs=1e-6)


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
    # 5, 4, 3, 5, 1: mean 3.6; deviations² 1.96 + 0.16 + 0.36 + 1.96 + 6.76 = 11.2,
    # sd = sqrt(11.2 / 4) = 1.673320, t(4) = 2.776445, half = 2.077701 → [1.522299, 5 (clamped)].
    # Satisfied (4-5): 3 of 5, Wilson [0.230724, 0.882379].
    summary = effort.summarize_csat([5, 4, 3, 5, 1])
    assert summary.n == 5
    assert summary.mean.mean == pytest.approx(3.6)
    assert summary.mean.low == pytest.approx(1.522299, abs=1e-6)
    assert summary.mean.high == 5.0
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
