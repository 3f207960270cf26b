"""Key-driver analysis: themes ranked by their impact on the NPS."""

from __future__ import annotations

import pytest

from analysis import drivers, nps
from analysis.nps import NpsCounts

# 400 answers: 200 promoters, 100 passives, 100 detractors → NPS 25.
OVERALL = NpsCounts(200, 100, 100)
THEMES = {
    # Mentioned by 60: (10 - 40)/60 = -50. Others (190, 90, 60): 130/340 = 38.235.
    # Difference -88.235; share 60/400 = 0.15; impact 0.15 × -88.235 = -13.235,
    # which is overall 25 - others 38.235: the NPS would be 13 points higher without it.
    "slow delivery": NpsCounts(10, 10, 40),
    # Mentioned by 120: (90 - 10)/120 = 66.667. Others (110, 80, 90): 20/280 = 7.143.
    # Difference 59.524; share 0.3; impact 17.857.
    "friendly staff": NpsCounts(90, 20, 10),
    # Mentioned by 10 only: never ranked.
    "price": NpsCounts(5, 3, 2),
}


def test_drivers_match_the_hand_computation() -> None:
    result = drivers.key_drivers(THEMES, OVERALL)
    assert result.overall.score == 25.0
    by_theme = {driver.theme: driver for driver in result.ranked}
    slow = by_theme["slow delivery"]
    assert slow.mentioned.score == -50.0
    assert slow.others.score == pytest.approx(38.2353, abs=1e-4)
    assert slow.difference.change == pytest.approx(-88.2353, abs=1e-4)
    assert slow.share == 0.15
    assert slow.impact == pytest.approx(-13.2353, abs=1e-4)
    assert slow.impact == pytest.approx(result.overall.score - slow.others.score)
    assert slow.difference == nps.difference(slow.others, slow.mentioned)
    assert slow.difference.significant
    staff = by_theme["friendly staff"]
    assert staff.impact == pytest.approx(17.8571, abs=1e-4)


def test_ranked_by_absolute_impact_and_split_by_direction() -> None:
    result = drivers.key_drivers(THEMES, OVERALL)
    assert [driver.theme for driver in result.ranked] == ["friendly staff", "slow delivery"]
    assert [driver.theme for driver in result.dragging] == ["slow delivery"]
    assert [driver.theme for driver in result.lifting] == ["friendly staff"]


def test_small_themes_are_listed_apart_not_ranked() -> None:
    result = drivers.key_drivers(THEMES, OVERALL)
    assert [driver.theme for driver in result.not_enough_data] == ["price"]
    assert result.not_enough_data[0].enough_data is False
    assert result.not_enough_data[0].mentioned.n == 10


def test_a_theme_everybody_mentions_has_nothing_to_compare_with() -> None:
    result = drivers.key_drivers({"everything": OVERALL}, OVERALL)
    assert result.ranked == ()
    assert result.not_enough_data[0].others.n == 0


def test_min_n_is_adjustable() -> None:
    result = drivers.key_drivers(THEMES, OVERALL, min_n=10)
    assert {driver.theme for driver in result.ranked} == set(THEMES)


def test_a_theme_larger_than_the_whole_is_rejected() -> None:
    with pytest.raises(ValueError, match="'price' has more answers"):
        drivers.key_drivers({"price": NpsCounts(300, 0, 0)}, OVERALL)


def test_from_answers_counts_a_theme_once_per_answer() -> None:
    answers = [
        (10, ["staff", "staff"]),
        (9, ["staff"]),
        (3, ["delay", "staff"]),
        (7, []),
        (0, ["delay"]),
    ]
    result = drivers.key_drivers_from_answers(answers, min_n=1)
    assert result.overall.counts == NpsCounts(2, 1, 2)
    by_theme = {driver.theme: driver for driver in result.ranked}
    assert by_theme["staff"].mentioned.counts == NpsCounts(2, 0, 1)
    assert by_theme["delay"].mentioned.counts == NpsCounts(0, 0, 2)
    expected = drivers.key_drivers(
        {"staff": NpsCounts(2, 0, 1), "delay": NpsCounts(0, 0, 2)}, NpsCounts(2, 1, 2), min_n=1
    )
    assert result == expected


def test_from_answers_rejects_a_score_of_eleven() -> None:
    with pytest.raises(ValueError, match="0-10"):
        drivers.key_drivers_from_answers([(11, ["staff"])])
