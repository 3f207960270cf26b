"""Quantiles, Wilson and Newcombe intervals, the two-proportion z test and mean intervals."""

from __future__ import annotations

import math

import pytest

from analysis.intervals import (
    T_CUTOFF_N,
    count_values,
    mean_from_counts,
    mean_interval,
    newcombe_difference,
    scale_mean_from_counts,
    t_for,
    two_proportion_z,
    wilson,
    z_for,
)


@pytest.mark.parametrize(
    ("confidence", "expected"),
    [(0.90, 1.644854), (0.95, 1.959964), (0.99, 2.575829)],
)
def test_z_for_matches_the_normal_table(confidence: float, expected: float) -> None:
    assert z_for(confidence) == pytest.approx(expected, abs=1e-6)


@pytest.mark.parametrize(
    ("df", "confidence", "expected"),
    [
        # Two-sided quantiles from a printed t table (4 significant decimals, hence rel 3e-5).
        (1, 0.95, 12.7062),
        (2, 0.95, 4.3027),
        (4, 0.95, 2.7764),
        (9, 0.95, 2.2622),
        (28, 0.95, 2.0484),
        (29, 0.95, 2.0452),
        (5, 0.99, 4.0321),
        (10, 0.90, 1.8125),
        (1, 0.999, 636.619),
    ],
)
def test_t_for_matches_the_t_table(df: int, confidence: float, expected: float) -> None:
    assert t_for(df, confidence) == pytest.approx(expected, rel=3e-5)


def test_t_for_approaches_the_normal_quantile() -> None:
    assert t_for(1000) == pytest.approx(1.962339, abs=1e-6)
    assert t_for(1000) - z_for(0.95) < 0.003


def test_t_for_rejects_zero_degrees_of_freedom() -> None:
    with pytest.raises(ValueError, match="df"):
        t_for(0)


@pytest.mark.parametrize("confidence", [0, 1, 1.5, -0.1, math.nan])
def test_confidence_must_lie_strictly_between_zero_and_one(confidence: float) -> None:
    with pytest.raises(ValueError, match="confidence"):
        z_for(confidence)


def test_wilson_matches_the_hand_computation() -> None:
    # 50 of 100, z² = 3.841459: centre = (0.5 + 0.0192073) / 1.0384146 = 0.5,
    # half = 1.959964 / 1.0384146 × sqrt(0.0025 + 0.0000960) = 0.0961685 → [0.40383, 0.59617].
    result = wilson(50, 100)
    assert (result.share, result.n, result.count) == (0.5, 100, 50)
    assert result.low == pytest.approx(0.403832, abs=1e-6)
    assert result.high == pytest.approx(0.596168, abs=1e-6)


def test_wilson_at_the_ends_of_the_scale() -> None:
    # 0 of 10: centre = 0.1920730 / 1.3841459 = 0.138767, half the same → [0, 0.277533].
    none = wilson(0, 10)
    assert (none.share, none.low) == (0.0, 0.0)
    assert none.high == pytest.approx(0.277533, abs=1e-6)
    everyone = wilson(10, 10)
    assert everyone.high == 1.0
    assert everyone.low == pytest.approx(1 - 0.277533, abs=1e-6)


def test_wilson_of_nothing_is_the_whole_range() -> None:
    assert wilson(0, 0).interval.low == 0.0
    assert wilson(0, 0).interval.high == 1.0


@pytest.mark.parametrize(
    ("count", "n", "error"),
    [(-1, 10, ValueError), (11, 10, ValueError), (1, -5, ValueError), (1.0, 10, TypeError)],
)
def test_wilson_rejects_impossible_counts(count: int, n: int, error: type[Exception]) -> None:
    with pytest.raises(error):
        wilson(count, n)


def test_newcombe_matches_his_published_example() -> None:
    # Newcombe (1998), Statistics in Medicine 17:873, example (a): 56/70 - 48/80 = 0.1833,
    # method 10 gives 0.0524 to 0.3339. Here the order is b - a, so the signs flip.
    result = newcombe_difference(56, 70, 48, 80)
    assert result.low == pytest.approx(-0.3339, abs=1e-4)
    assert result.high == pytest.approx(-0.0524, abs=1e-4)


def test_two_proportion_z_matches_the_hand_computation() -> None:
    # 10/100 against 20/100: pooled 0.15, se = sqrt(0.15 × 0.85 × 0.02) = 0.0504975,
    # z = (0.20 - 0.10) / 0.0504975 = 1.980295.
    assert two_proportion_z(10, 100, 20, 100) == pytest.approx(1.980295, abs=1e-6)
    assert two_proportion_z(20, 100, 10, 100) == pytest.approx(-1.980295, abs=1e-6)


def test_two_proportion_z_is_zero_when_undefined() -> None:
    assert two_proportion_z(0, 0, 5, 10) == 0.0
    assert two_proportion_z(0, 10, 0, 20) == 0.0


def test_mean_interval_switches_from_t_to_normal_at_the_cutoff() -> None:
    # sd 1: half = t(28) / sqrt(29) = 2.048407 / 5.385165 = 0.380379 for 29 answers,
    # z / sqrt(30) = 1.959964 / 5.477226 = 0.357839 for 30.
    assert T_CUTOFF_N == 30
    small = mean_interval(4.0, 1.0, 29)
    large = mean_interval(4.0, 1.0, 30)
    assert small.high - small.mean == pytest.approx(0.380379, abs=1e-6)
    assert large.high - large.mean == pytest.approx(0.357839, abs=1e-6)


def test_mean_interval_clamps_to_bounds_and_handles_tiny_samples() -> None:
    assert mean_interval(6.8, 1.0, 40, bounds=(1, 7)).high == 7
    empty = mean_interval(0.0, 0.0, 0, bounds=(1, 7))
    assert (empty.mean, empty.low, empty.high) == (4.0, 1, 7)
    single = mean_interval(6.0, 0.0, 1, bounds=(1, 7))
    assert (single.mean, single.low, single.high) == (6.0, 1, 7)
    with pytest.raises(ValueError, match="bounds"):
        mean_interval(6.0, 0.0, 1)
    with pytest.raises(ValueError, match="standard deviation"):
        mean_interval(6.0, -1.0, 10)


def test_mean_from_counts_matches_the_hand_computation() -> None:
    # 2×1, 3×4, 5×7: mean 49/10 = 4.9; squares 2×3.9² + 3×0.9² + 5×2.1² = 54.9,
    # sd = sqrt(54.9 / 9) = 2.469818; half = t(9) × sd / sqrt(10) = 2.262157 × 0.781025
    # = 1.766801 → [3.133199, 6.666801].
    result = mean_from_counts({1: 2, 4: 3, 7: 5}, bounds=(1, 7))
    assert result.mean == pytest.approx(4.9)
    assert result.n == 10
    assert result.low == pytest.approx(3.133199, abs=1e-6)
    assert result.high == pytest.approx(6.666801, abs=1e-6)


def test_mean_from_counts_rejects_values_off_the_scale() -> None:
    with pytest.raises(ValueError, match="outside the scale"):
        mean_from_counts({8: 1}, bounds=(1, 7))
    with pytest.raises(ValueError, match="negative"):
        mean_from_counts({3: -1}, bounds=(1, 7))


def test_count_values_counts_every_point_of_the_scale() -> None:
    assert count_values([1, 3, 3], (1, 3)) == {1: 1, 2: 0, 3: 2}
    with pytest.raises(ValueError, match="outside the scale"):
        count_values([0], (1, 3))
    with pytest.raises(TypeError):
        count_values([2.5], (1, 3))  # type: ignore[list-item]


def test_scale_mean_leans_towards_the_middle_and_holds_the_mean() -> None:
    # 2×1, 3×4, 5×7: the same sample as above, hand-computed in test_effort: [3.419566, 5.915370].
    result = scale_mean_from_counts({1: 2, 4: 3, 7: 5}, (1, 7))
    assert (result.mean, result.n) == (pytest.approx(4.9), 10)
    assert result.low == pytest.approx(3.419566, abs=1e-6)
    assert result.high == pytest.approx(5.915370, abs=1e-6)
    # Everyone at the top: the interval reaches down, and still holds the mean shown.
    top = scale_mean_from_counts({5: 8}, (1, 5))
    assert top.low < 5 == top.mean == top.high


def test_scale_mean_of_tiny_samples_is_the_whole_scale() -> None:
    assert scale_mean_from_counts({}, (1, 7)) == mean_from_counts({}, bounds=(1, 7))
    single = scale_mean_from_counts({6: 1}, (1, 7))
    assert (single.mean, single.low, single.high) == (6.0, 1, 7)


def test_scale_mean_widens_with_confidence() -> None:
    narrow = scale_mean_from_counts({2: 3, 5: 4}, (1, 7), 0.80)
    wide = scale_mean_from_counts({2: 3, 5: 4}, (1, 7), 0.99)
    assert wide.low < narrow.low < narrow.high < wide.high


def test_scale_mean_rejects_bad_scales_and_values() -> None:
    with pytest.raises(ValueError, match="low end below"):
        scale_mean_from_counts({3: 2}, (7, 1))
    with pytest.raises(ValueError, match="outside the scale"):
        scale_mean_from_counts({8: 2}, (1, 7))
    with pytest.raises(ValueError, match="confidence"):
        scale_mean_from_counts({3: 2}, (1, 7), 1.0)
