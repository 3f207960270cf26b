"""Signals that a team's score is being gamed."""

from __future__ import annotations

import pytest

from analysis import integrity
from analysis.integrity import ScoreShift, SignalCode, TeamActivity
from analysis.nps import NpsCounts

# The organisation includes the team; every signal compares the team with the rest.
TEAM = TeamActivity(
    invited=100,
    manual_invitations=60,
    answered=40,
    fast_answers=2,
    tens=30,
    silent_tens=11,
    shared_device_answers=0,
    link_opens=20,
    scanner_opens=10,
)
ORGANISATION = TeamActivity(
    invited=1100,
    manual_invitations=160,
    answered=840,
    fast_answers=22,
    tens=60,
    silent_tens=15,
    shared_device_answers=5,
    link_opens=520,
    scanner_opens=30,
)


def test_manual_invitations_fire_on_a_large_clear_gap() -> None:
    # Team 60/100 = 0.60; rest 100/1000 = 0.10; threshold 0.10 + 0.25 = 0.35.
    # z = (0.60 - 0.10) / sqrt(0.1454545 × 0.8545455 × (1/1000 + 1/100)) = 0.5 / 0.0369770
    # = 13.52 ≥ 2.326 (one-sided 1 %).
    signal = integrity.check_manual_invitations(TEAM, ORGANISATION)
    assert signal.code is SignalCode.MANUAL_INVITATIONS
    assert (signal.value, signal.baseline, signal.n) == (0.6, 0.1, 100)
    assert signal.threshold == pytest.approx(0.35)
    assert signal.triggered is True
    assert signal.evidence_text("en") == (
        "60% of this team's 100 invitations were created by hand, against 10% in the rest "
        "of the organisation."
    )
    assert signal.evidence_text("es") == (
        "El 60 % de las 100 invitaciones de este equipo se crearon a mano, frente al 10 % en "
        "el resto de la organización."
    )
    assert signal.title("es") == "Invitaciones a mano"


def test_response_rate_fires_when_far_below() -> None:
    # Team 40/100 = 0.40; rest 800/1000 = 0.80; two-sided, so the threshold is 0.80 - 0.20.
    # z = (0.40 - 0.80) / sqrt(0.7636364 × 0.2363636 × 0.011) = -0.4 / 0.0445588 = -8.98.
    signal = integrity.check_response_rate(TEAM, ORGANISATION)
    assert (signal.value, signal.baseline) == (0.4, 0.8)
    assert signal.threshold == pytest.approx(0.60)
    assert signal.triggered is True


def test_response_rate_fires_when_far_above() -> None:
    team = TeamActivity(invited=100, answered=90)
    organisation = TeamActivity(invited=1100, answered=590)
    signal = integrity.check_response_rate(team, organisation)
    assert signal.threshold == pytest.approx(0.70)
    assert signal.triggered is True


def test_a_large_gap_that_chance_could_explain_does_not_fire() -> None:
    # Silent 10s: team 11/30 = 0.367, rest 4/30 = 0.133: gap 0.233 passes the 0.20 margin,
    # but pooled 15/60 = 0.25 gives z = 0.2333 / sqrt(0.1875 × 2/30) = 0.2333 / 0.1118 = 2.09,
    # under the one-sided 1 % critical value 2.326.
    signal = integrity.check_silent_tens(TEAM, ORGANISATION)
    assert signal.value > signal.threshold
    assert signal.triggered is False


def test_too_few_cases_never_fire_and_say_so() -> None:
    # Scanner clicks: 10 of 20 link opens is extreme, but 20 < 30 cases.
    signal = integrity.check_scanner_clicks(TEAM, ORGANISATION)
    assert signal.value == 0.5
    assert signal.triggered is False
    assert signal.evidence_text("en") == (
        "Too few cases to judge (20 and 500); at least 30 of each are needed."
    )
    assert signal.evidence_text("es").startswith("Muy pocos casos para juzgar (20 y 500)")


def test_nothing_unusual_does_not_fire() -> None:
    team = TeamActivity(invited=200, answered=100, fast_answers=4, shared_device_answers=1)
    organisation = TeamActivity(
        invited=2200, answered=1100, fast_answers=44, shared_device_answers=11
    )
    signals = integrity.check_team(team, organisation)
    assert [signal.code for signal in signals] == [
        SignalCode.MANUAL_INVITATIONS,
        SignalCode.RESPONSE_RATE,
        SignalCode.SILENT_TENS,
        SignalCode.FAST_ANSWERS,
        SignalCode.SHARED_DEVICES,
        SignalCode.SCANNER_CLICKS,
    ]
    assert not any(signal.triggered for signal in signals)


def test_score_rising_while_sentiment_does_not() -> None:
    # NPS 0 → 50 (+50). One-sided 1 % = lower end of the 98 % interval, z = 2.326348:
    # before: centre 0, se = sqrt((41.5/63)/63) = 0.102255; after: centre (40.75 - 10.75)/63
    # = 0.476190, se = 0.096831; low = 0.476190 - 2.326348 × 0.140828 = 0.1486 > 0.
    # Sentiment 0.10 → 0.08: change -0.02 < 0.05.
    shift = ScoreShift(NpsCounts(20, 20, 20), NpsCounts(40, 10, 10), 0.10, 0.08)
    signal = integrity.check_score_without_sentiment(shift)
    assert signal.value == 50.0
    assert signal.baseline == pytest.approx(-0.02)
    assert signal.threshold == integrity.NPS_RISE_POINTS
    assert signal.triggered is True
    assert signal.evidence_text("en") == (
        "NPS moved +50 points (0 → 50) while mean sentiment moved -0.02."
    )
    assert signal.evidence_text("es") == (
        "El NPS cambió +50 puntos (0 → 50) mientras el sentimiento medio cambió -0,02."
    )


def test_score_rising_with_sentiment_does_not_fire() -> None:
    shift = ScoreShift(NpsCounts(20, 20, 20), NpsCounts(40, 10, 10), 0.10, 0.30)
    assert integrity.check_score_without_sentiment(shift).triggered is False


def test_score_shift_with_few_answers_does_not_fire() -> None:
    shift = ScoreShift(NpsCounts(2, 2, 2), NpsCounts(6, 0, 0), 0.1, 0.1)
    signal = integrity.check_score_without_sentiment(shift)
    assert signal.triggered is False
    assert signal.evidence_text("en").startswith("Too few cases")


def test_check_team_adds_the_sentiment_signal_when_given_two_periods() -> None:
    shift = ScoreShift(NpsCounts(20, 20, 20), NpsCounts(40, 10, 10), 0.10, 0.08)
    signals = integrity.check_team(TEAM, ORGANISATION, shift)
    assert len(signals) == 7
    assert signals[-1].code is SignalCode.SCORE_WITHOUT_SENTIMENT


def test_organisation_must_include_the_team() -> None:
    with pytest.raises(ValueError, match="must include the team"):
        integrity.check_manual_invitations(TEAM, TeamActivity(invited=50))


@pytest.mark.parametrize(
    ("counts", "message"),
    [
        ({"invited": 5, "manual_invitations": 6}, "manual_invitations .6. cannot exceed"),
        ({"invited": 5, "answered": 6}, "answered .6. cannot exceed invited"),
        ({"invited": 5, "answered": 5, "tens": 6}, "tens .6. cannot exceed answered"),
        ({"invited": 9, "answered": 9, "tens": 5, "silent_tens": 6}, "silent_tens .6."),
        ({"link_opens": 1, "scanner_opens": 2}, "scanner_opens .2. cannot exceed"),
        ({"invited": -1}, "cannot be negative"),
    ],
)
def test_impossible_activity_counts_are_rejected(counts: dict[str, int], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        TeamActivity(**counts)


def test_sentiment_outside_its_range_is_rejected() -> None:
    with pytest.raises(ValueError, match="-1..1"):
        ScoreShift(NpsCounts(1, 1, 1), NpsCounts(1, 1, 1), 0.0, 1.5)
