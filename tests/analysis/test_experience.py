"""A group's experience summary and its verdict against the rest of the organisation."""

from __future__ import annotations

import pytest

from analysis import experience, nps
from analysis.experience import GroupCounts, Verdict
from analysis.heard import HeardCounts
from analysis.nps import NpsCounts

ORGANISATION = GroupCounts(
    nps=NpsCounts(100, 100, 100),
    invited=1000,
    answered=300,
    ces={2: 50, 6: 250},
    heard=HeardCounts(150, 100, 50),
    with_text=200,
    polarity_sum=10.0,
    negative=60,
    mismatched=12,
)


def group(promoters: int, passives: int, detractors: int, **counts: object) -> GroupCounts:
    return GroupCounts(nps=NpsCounts(promoters, passives, detractors), **counts)  # type: ignore[arg-type]


def test_a_group_clearly_above_the_rest() -> None:
    # Group 30/10/10 (NPS 40) against the rest 70/90/90 (NPS -8).
    # Group adjusted: centre (30.75 - 10.75)/53 = 0.377358, se = sqrt((41.5/53 - 0.377358²)/53)
    # = 0.109942. Rest: centre (70.75 - 90.75)/253 = -0.079051, se = 0.049984.
    # Difference centre 0.456410, half 1.959964 × 0.120771 = 0.236706 → [21.97, 69.31] > 0.
    result = experience.describe_group(group(30, 10, 10), ORGANISATION)
    assert result.n == 50
    assert result.nps.score == 40.0
    assert result.versus_rest.change == 48.0
    assert result.versus_rest.low == pytest.approx(21.9704, abs=1e-4)
    assert result.versus_rest.high == pytest.approx(69.3116, abs=1e-4)
    assert result.verdict is Verdict.ABOVE
    assert result.verdict_text("en") == "Above the organisation, by more than chance explains."


def test_a_group_clearly_below_the_rest() -> None:
    result = experience.describe_group(group(10, 10, 30), ORGANISATION)
    assert result.verdict is Verdict.BELOW
    assert (
        result.verdict_text("es") == "Por debajo de la organización, más de lo que explica el azar."
    )


def test_a_group_whose_difference_could_be_chance_is_not_ranked() -> None:
    # NPS 10 against the rest's -2: +12 points, but the interval of the difference spans 0.
    result = experience.describe_group(group(20, 15, 15), ORGANISATION)
    assert result.versus_rest.low < 0 < result.versus_rest.high
    assert result.verdict is Verdict.NOT_DISTINGUISHABLE
    assert result.verdict_text("en") == (
        "Not distinguishable from the organisation at this sample size."
    )


def test_a_small_group_gets_no_verdict_however_extreme() -> None:
    result = experience.describe_group(group(20, 0, 0), ORGANISATION)
    assert result.verdict is Verdict.NOT_ENOUGH_ANSWERS
    assert experience.describe_group(group(20, 0, 0), ORGANISATION, min_answers=20).verdict is (
        Verdict.ABOVE
    )


def test_the_whole_organisation_is_not_distinguishable_from_itself() -> None:
    result = experience.describe_group(ORGANISATION, ORGANISATION)
    assert result.verdict is Verdict.NOT_DISTINGUISHABLE


def test_other_metrics_are_computed_from_the_groups_counts() -> None:
    counts = group(
        30,
        10,
        10,
        invited=100,
        answered=50,
        ces={2: 10, 6: 40},
        heard=HeardCounts(30, 10, 10),
        with_text=40,
        polarity_sum=10.0,
        negative=8,
        mismatched=4,
    )
    result = experience.describe_group(counts, ORGANISATION)
    assert result.response_rate is not None
    # Response rate 50 of 100: Wilson [0.403832, 0.596168] (see test_intervals).
    assert result.response_rate.share == 0.5
    assert result.response_rate.low == pytest.approx(0.403832, abs=1e-6)
    # CES mean (2×10 + 6×40)/50 = 5.2; easy 40 of 50.
    assert result.ces.mean.mean == pytest.approx(5.2)
    assert result.ces.easy.count == 40
    # Heard index (30 + 5)/50 × 100 = 70.
    assert result.heard.index == 70.0
    assert result.mean_sentiment == 0.25  # 10.0 / 40
    assert (result.negative.count, result.negative.n) == (8, 40)
    # Mismatch 4 of 40 = 10 %.
    assert result.mismatch.share == 0.1
    assert result.nps == nps.from_counts(30, 10, 10)


def test_missing_text_and_open_links_give_none_not_zero() -> None:
    result = experience.describe_group(group(30, 10, 10), ORGANISATION)
    assert result.response_rate is None
    assert result.mean_sentiment is None
    assert (result.mismatch.n, result.mismatch.low, result.mismatch.high) == (0, 0.0, 1.0)


def test_verdict_text_by_code_in_both_languages() -> None:
    assert experience.verdict_text("not_enough_answers", "es_MX") == (
        "Todavía no hay suficientes respuestas para compararlo con la organización."
    )
    for verdict in Verdict:
        assert experience.verdict_text(verdict, "en") != experience.verdict_text(verdict, "es")
    with pytest.raises(ValueError, match="unknown verdict"):
        experience.verdict_text("best_in_class", "en")
    with pytest.raises(ValueError, match="unsupported locale"):
        experience.verdict_text(Verdict.ABOVE, "fr")


def test_organisation_must_include_the_group() -> None:
    with pytest.raises(ValueError, match="must include the group"):
        experience.describe_group(group(500, 0, 0), ORGANISATION)


@pytest.mark.parametrize(
    ("counts", "message"),
    [
        ({"invited": 10, "answered": 11}, "cannot exceed invited"),
        ({"with_text": 5, "negative": 6}, "cannot exceed with_text"),
        ({"with_text": 5, "mismatched": 6}, "cannot exceed with_text"),
        ({"with_text": 5, "polarity_sum": -5.5}, "polarity_sum is out of range"),
        ({"answered": -1}, "cannot be negative"),
    ],
)
def test_impossible_group_counts_are_rejected(counts: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        group(1, 1, 1, **counts)


def test_overlapping_intervals_are_not_ranked_even_when_the_difference_is_significant() -> None:
    """Rest: 1,000 answers at NPS 0; group: 100 answers (40/40/20) at NPS +20.

    The difference from the rest is significant (its interval excludes 0), but the group's own
    interval (+5.0 to +34) overlaps the organisation's (-2.9 to +6.4): not ranked.
    """
    from analysis.experience import judge

    group = nps.from_counts(40, 40, 20)
    rest = nps.from_counts(300, 400, 300)
    organisation = nps.from_counts(340, 440, 320)
    versus_rest = nps.difference(rest, group)
    assert versus_rest.significant
    assert group.low <= organisation.high
    assert judge(group, versus_rest, 30) is Verdict.ABOVE
    assert judge(group, versus_rest, 30, organisation) is Verdict.NOT_DISTINGUISHABLE
