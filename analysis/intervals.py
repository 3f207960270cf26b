"""Confidence intervals and tests for proportions and means, in plain Python.

Conventions: ``confidence`` is two-sided (0.95 gives the 2.5 % and 97.5 % quantiles); counts are
ints; an empty sample gives the widest possible interval rather than an error, because
dashboards show empty groups too.

``mean_interval`` and ``mean_from_counts`` give the textbook interval of a mean: Student's t
below ``T_CUTOFF_N`` answers and the normal quantile from there on. The t quantile is exact: it
inverts the closed-form t distribution function for integer degrees of freedom (Abramowitz &
Stegun 26.7.3) by bisection, so no table or series approximation is needed.

Rating scales are bounded and often lopsided (most CES answers at 7, a few at 1), and there the
t interval covers far less than it promises at small n: about 70 % at n = 5-10 when 60 % answer
7, 30 % answer 6 and 10 % answer 1, because a sample that happens to hold no 1 looks tight.
``scale_mean_from_counts`` adds half an answer at each end of the scale (as the NPS interval
adds pseudo-answers) and uses a Wilson score interval on the 0-1 rescaled mean, with an
effective sample size from the observed spread: the interval leans towards the middle of the
scale, where the unseen answers would be. Exact coverage on that mix is 94 % at n = 10 and 96 %
at n = 20; at large n the width is within a few percent of the t interval's
(``tests/analysis/test_effort.py``).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from statistics import NormalDist

from analysis.types import Interval, MeanEstimate, Proportion

#: From this many answers on, mean intervals use the normal quantile instead of Student's t.
T_CUTOFF_N = 30

#: Pseudo-answers ``scale_mean_from_counts`` adds: half an answer at each end of the scale.
_SCALE_PSEUDO_ANSWERS = 1.0

_STANDARD_NORMAL = NormalDist()
_BISECTION_STEPS = 80


def check_confidence(confidence: float) -> float:
    """Return confidence if it lies strictly between 0 and 1, else raise ValueError."""
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must lie strictly between 0 and 1, got {confidence!r}")
    return confidence


def check_count(name: str, value: int) -> int:
    """Return value if it is a non-negative int, else raise TypeError or ValueError."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(
            f"{name} must be an int, got {type(value).__name__} (convert SQL sums with int())"
        )
    if value < 0:
        raise ValueError(f"{name} cannot be negative, got {value}")
    return value


def check_part(name: str, count: int, total_name: str, total: int) -> None:
    """Raise ValueError unless 0 <= count <= total, both ints."""
    check_count(name, count)
    check_count(total_name, total)
    if count > total:
        raise ValueError(f"{name} ({count}) cannot exceed {total_name} ({total})")


def z_for(confidence: float = 0.95) -> float:
    """Return the two-sided standard normal quantile (1.96 for 0.95)."""
    check_confidence(confidence)
    return _STANDARD_NORMAL.inv_cdf(0.5 + confidence / 2)


def t_for(df: int, confidence: float = 0.95) -> float:
    """Return the two-sided Student's t quantile for df degrees of freedom (2.262 for 9).

    Exact, at a cost that grows with df: meant for small samples, as in ``mean_interval``.
    """
    check_confidence(confidence)
    if check_count("df", df) == 0:
        raise ValueError("df must be at least 1")
    # P(|T| <= t) rises monotonically with theta = atan(t / sqrt(df)); bisect on theta.
    low, high = 0.0, math.pi / 2
    for _ in range(_BISECTION_STEPS):
        middle = (low + high) / 2
        if _t_central_mass(middle, df) < confidence:
            low = middle
        else:
            high = middle
    return math.sqrt(df) * math.tan((low + high) / 2)


def _t_central_mass(theta: float, df: int) -> float:
    """Return P(|T| <= sqrt(df)·tan(theta)) for Student's t (Abramowitz & Stegun 26.7.3)."""
    sine, cosine = math.sin(theta), math.cos(theta)
    if df % 2 == 1:
        term, total = cosine, 0.0
        for power in range(1, df - 1, 2):
            total += term
            term *= cosine * cosine * (power + 1) / (power + 2)
        return (2 / math.pi) * (theta + sine * total)
    term, total = 1.0, 0.0
    for power in range(0, df - 1, 2):
        total += term
        term *= cosine * cosine * (power + 1) / (power + 2)
    return sine * total


def wilson(count: int, n: int, confidence: float = 0.95) -> Proportion:
    """Return count/n with its Wilson score interval."""
    check_part("count", count, "n", n)
    z = z_for(confidence)
    if n == 0:
        return Proportion(share=0.0, low=0.0, high=1.0, n=0, count=0)
    share = count / n
    z2 = z * z
    centre = (share + z2 / (2 * n)) / (1 + z2 / n)
    half = z / (1 + z2 / n) * math.sqrt(share * (1 - share) / n + z2 / (4 * n * n))
    # Exact ends at 0 and n: rounding would otherwise leave e.g. 1e-17 for a count of 0.
    low = 0.0 if count == 0 else max(0.0, centre - half)
    high = 1.0 if count == n else min(1.0, centre + half)
    return Proportion(share=share, low=low, high=high, n=n, count=count)


def newcombe_difference(
    count_a: int, n_a: int, count_b: int, n_b: int, confidence: float = 0.95
) -> Interval:
    """Return the interval of share_b - share_a (Newcombe's hybrid score method)."""
    a = wilson(count_a, n_a, confidence)
    b = wilson(count_b, n_b, confidence)
    change = b.share - a.share
    # Newcombe (1998), method 10: combine each group's Wilson distances to its own ends.
    low = change - math.hypot(b.share - b.low, a.high - a.share)
    high = change + math.hypot(b.high - b.share, a.share - a.low)
    return Interval(max(-1.0, low), min(1.0, high))


def two_proportion_z(count_a: int, n_a: int, count_b: int, n_b: int) -> float:
    """Return the pooled two-proportion z statistic for share_b - share_a (0.0 if undefined)."""
    check_part("count_a", count_a, "n_a", n_a)
    check_part("count_b", count_b, "n_b", n_b)
    if n_a == 0 or n_b == 0:
        return 0.0
    pooled = (count_a + count_b) / (n_a + n_b)
    variance = pooled * (1 - pooled) * (1 / n_a + 1 / n_b)
    if variance == 0:
        return 0.0
    return (count_b / n_b - count_a / n_a) / math.sqrt(variance)


def mean_interval(
    mean: float,
    sd: float,
    n: int,
    confidence: float = 0.95,
    bounds: tuple[float, float] | None = None,
) -> MeanEstimate:
    """Return the interval of a mean from its sample standard deviation and size."""
    check_count("n", n)
    check_confidence(confidence)
    if sd < 0 or math.isnan(sd):
        raise ValueError(f"standard deviation must be non-negative, got {sd!r}")
    if n < 2:
        # One answer says nothing about spread: the honest interval is the whole scale.
        low, high = _require_bounds(bounds, n)
        centre = (low + high) / 2 if n == 0 else mean
        return MeanEstimate(mean=centre, low=low, high=high, n=n)
    quantile = t_for(n - 1, confidence) if n < T_CUTOFF_N else z_for(confidence)
    half = quantile * sd / math.sqrt(n)
    low, high = mean - half, mean + half
    if bounds is not None:
        low, high = max(bounds[0], low), min(bounds[1], high)
    return MeanEstimate(mean=mean, low=low, high=high, n=n)


def _require_bounds(bounds: tuple[float, float] | None, n: int) -> tuple[float, float]:
    if bounds is None:
        raise ValueError(f"a mean of {n} values needs scale bounds to give an interval")
    return bounds


def mean_from_counts(
    counts: Mapping[int, int],
    confidence: float = 0.95,
    bounds: tuple[int, int] | None = None,
) -> MeanEstimate:
    """Return the mean of a rating scale and its interval from counts per value."""
    for value, count in counts.items():
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"scale values must be ints, got {value!r}")
        check_count(f"count of {value}", count)
        if bounds is not None and not bounds[0] <= value <= bounds[1]:
            raise ValueError(f"value {value} lies outside the scale {bounds[0]}..{bounds[1]}")
    n = sum(counts.values())
    if n == 0:
        return mean_interval(0.0, 0.0, 0, confidence, _as_float_bounds(bounds))
    mean = sum(value * count for value, count in counts.items()) / n
    squares = sum(count * (value - mean) ** 2 for value, count in counts.items())
    sd = math.sqrt(squares / (n - 1)) if n > 1 else 0.0
    return mean_interval(mean, sd, n, confidence, _as_float_bounds(bounds))


def scale_mean_from_counts(
    counts: Mapping[int, int], bounds: tuple[int, int], confidence: float = 0.95
) -> MeanEstimate:
    """Return a rating scale's mean with an interval that holds at small n on lopsided answers."""
    check_confidence(confidence)
    low_end, high_end = bounds
    if not low_end < high_end:
        raise ValueError(f"a scale needs its low end below its high end, got {bounds!r}")
    plain = mean_from_counts(counts, confidence, bounds)  # validates, and covers n < 2
    if plain.n < 2:
        return plain
    span = high_end - low_end
    # Rescale to 0..1 and add half an answer at each end: 0.5 at 1.0 adds 0.5 to both sums.
    total = plain.n + _SCALE_PSEUDO_ANSWERS
    share = (sum(count * (value - low_end) for value, count in counts.items()) / span + 0.5) / total
    square = sum(count * ((value - low_end) / span) ** 2 for value, count in counts.items())
    spread = (square + 0.5) / total - share * share
    # Effective size: the Dirichlet posterior variance of the mean is spread / (total + 1); a
    # Wilson interval with that variance at the share's Bernoulli variance has this many answers.
    effective_n = (total + 1) * share * (1 - share) / spread
    interval = _wilson_bounds(share, effective_n, z_for(confidence))
    low = low_end + span * interval.low
    high = low_end + span * interval.high
    # The interval leans towards the middle; it still has to hold the mean it is shown beside.
    return MeanEstimate(plain.mean, min(low, plain.mean), max(high, plain.mean), plain.n)


def _wilson_bounds(share: float, n: float, z: float) -> Interval:
    """Return the Wilson score interval of a share, for a possibly fractional n."""
    z2 = z * z
    centre = (share + z2 / (2 * n)) / (1 + z2 / n)
    half = z / (1 + z2 / n) * math.sqrt(share * (1 - share) / n + z2 / (4 * n * n))
    return Interval(max(0.0, centre - half), min(1.0, centre + half))


def _as_float_bounds(bounds: tuple[int, int] | None) -> tuple[float, float] | None:
    return None if bounds is None else (float(bounds[0]), float(bounds[1]))


def count_values(values: Iterable[int], scale: tuple[int, int]) -> dict[int, int]:
    """Count ratings per value, raising ValueError for a value off the scale."""
    low, high = scale
    counts = dict.fromkeys(range(low, high + 1), 0)
    for value in values:
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"ratings must be ints, got {value!r}")
        if value not in counts:
            raise ValueError(f"rating {value} lies outside the scale {low}..{high}")
        counts[value] += 1
    return counts
