"""Signals that a team's score is being gamed."""

from __future__ import annotations

import bisect
import random
from datetime import date, datetime, timedelta

import pytest

from analysis import integrity
from analysis.integrity import DatedActivity, Invitation, ScoreShift, SignalCode, TeamActivity
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


# --- pooling a team's last 90 days ----------------------------------------------------------

AS_OF = date(2024, 6, 30)


def test_pool_activity_sums_the_window_ending_on_the_day_given() -> None:
    day = TeamActivity(invited=2, answered=1, tens=1, silent_tens=1)
    rows = [
        (AS_OF, day),  # included: the window ends on as_of
        DatedActivity(AS_OF - timedelta(days=89), day),  # included: 90th day
        (AS_OF - timedelta(days=90), day),  # excluded: 91st day back
        (AS_OF + timedelta(days=1), day),  # excluded: after as_of
    ]
    assert integrity.pool_activity(rows, AS_OF) == TeamActivity(
        invited=4, answered=2, tens=2, silent_tens=2
    )
    assert integrity.pool_activity(rows, AS_OF, window_days=1).invited == 2
    assert integrity.pool_activity([], AS_OF) == TeamActivity()


def test_window_must_be_at_least_one_day() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        integrity.pool_activity([], AS_OF, window_days=0)


def test_activity_from_invitations_counts_what_the_signals_need() -> None:
    on = datetime(2024, 6, 1, 9, 30)
    invitations = [
        Invitation(on, manual=True),
        Invitation(on, answered=True, score=10, seconds_to_answer=12, device="a", contact="x"),
        Invitation(on, answered=True, score=10, has_text=True, device="a", contact="y"),
        Invitation(on, answered=True, score=3, seconds_to_answer=600, device="b", contact="z"),
        Invitation(on, answered=True, score=8, device="b", contact="z"),  # same person twice
        Invitation(on, link_opens=3, scanner_opens=2),
        Invitation(date(2024, 1, 1), manual=True, answered=True, score=10),  # too old
    ]
    assert integrity.activity_from_invitations(invitations, AS_OF) == TeamActivity(
        invited=6,
        manual_invitations=1,
        answered=4,
        fast_answers=1,
        tens=2,
        silent_tens=1,
        shared_device_answers=2,  # device "a": two contacts; "b": one contact twice
        link_opens=3,
        scanner_opens=2,
    )


def test_an_impossible_invitation_is_rejected() -> None:
    with pytest.raises(ValueError, match="must be answered"):
        Invitation(AS_OF, score=9)
    with pytest.raises(ValueError, match="scanner_opens"):
        Invitation(AS_OF, link_opens=1, scanner_opens=2)


def test_check_team_window_pools_both_sides() -> None:
    team = [
        (AS_OF - timedelta(days=day), TeamActivity(invited=1, manual_invitations=1))
        for day in range(60)
    ]
    rest = [
        (AS_OF - timedelta(days=day), TeamActivity(invited=10, manual_invitations=1))
        for day in range(60)
    ]
    organisation = [
        (day, TeamActivity(invited=a.invited + b.invited, manual_invitations=2))
        for (day, a), (_, b) in zip(team, rest, strict=True)
    ]
    signals = integrity.check_team_window(team, organisation, AS_OF)
    manual = signals[0]
    assert (manual.code, manual.n, manual.triggered) == (SignalCode.MANUAL_INVITATIONS, 60, True)
    # A 20-day window holds too few invitations to judge.
    assert not integrity.check_team_window(team, organisation, AS_OF, window_days=20)[0].triggered


# Seeded simulation. Honest rates, the same for every team: 10 % of invitations made by hand,
# 30 % answered, half of the invitations' links opened and 10 % of opens by mail scanners; of
# the answers, 3 % within a minute, 5 % from a device shared with another contact, 35 % are 10s
# and 30 % of the 10s come without words. The rest of the organisation sends 8,000 invitations
# in 90 days.
SEED = 90
HONEST = {"manual": 0.10, "answer": 0.30, "open": 0.5, "scanner": 0.10}
HONEST_ANSWER = {"fast": 0.03, "shared": 0.05, "ten": 0.35, "silent": 0.30}
REST_INVITATIONS = 8_000


def binomial(
    rng: random.Random, trials: int, p: float, tables: dict[tuple[int, float], list[float]]
) -> int:
    """Draw Binomial(trials, p) by inverting cached tables, 500 trials at a time.

    Chunks keep (1 - p) ** trials far from underflow.
    """
    drawn = 0
    while trials > 0:
        chunk = min(trials, 500)
        if (chunk, p) not in tables:
            cdf, total, mass = [], 0.0, (1 - p) ** chunk
            for k in range(chunk + 1):
                total += mass
                cdf.append(total)
                mass *= (chunk - k) / (k + 1) * p / (1 - p)
            tables[chunk, p] = cdf
        drawn += min(bisect.bisect_right(tables[chunk, p], rng.random()), chunk)
        trials -= chunk
    return drawn


def honest_activity(
    rng: random.Random, invited: int, tables: dict[tuple[int, float], list[float]]
) -> TeamActivity:
    answered = binomial(rng, invited, HONEST["answer"], tables)
    tens = binomial(rng, answered, HONEST_ANSWER["ten"], tables)
    opens = binomial(rng, invited, HONEST["open"], tables)
    return TeamActivity(
        invited=invited,
        manual_invitations=binomial(rng, invited, HONEST["manual"], tables),
        answered=answered,
        fast_answers=binomial(rng, answered, HONEST_ANSWER["fast"], tables),
        tens=tens,
        silent_tens=binomial(rng, tens, HONEST_ANSWER["silent"], tables),
        shared_device_answers=binomial(rng, answered, HONEST_ANSWER["shared"], tables),
        link_opens=opens,
        scanner_opens=binomial(rng, opens, HONEST["scanner"], tables),
    )


def with_rest(team: TeamActivity, rest: TeamActivity) -> TeamActivity:
    return integrity.pool_activity([(AS_OF, team), (AS_OF, rest)], AS_OF)


def coerced_team(rng: random.Random, invited: int = 60) -> list[Invitation]:
    """Half the invitations coerced (a silent 10 within seconds, all from one device)."""
    invitations = []
    for index in range(invited):
        created = AS_OF - timedelta(days=rng.randrange(90), minutes=rng.randrange(600))
        if index % 2 == 0:
            invitations.append(
                Invitation(
                    created,
                    answered=True,
                    score=10,
                    seconds_to_answer=rng.uniform(3, 40),
                    device="counter-tablet",
                    contact=f"c{index}",
                    link_opens=1,
                )
            )
        elif rng.random() < HONEST["answer"]:
            invitations.append(
                Invitation(
                    created,
                    answered=True,
                    score=rng.choice(range(11)),
                    has_text=rng.random() < 0.6,
                    seconds_to_answer=rng.uniform(120, 86_400),
                    device=f"own-{index}",
                    contact=f"c{index}",
                    link_opens=1,
                )
            )
        else:
            invitations.append(Invitation(created, link_opens=int(rng.random() < 0.3)))
    return invitations


@pytest.mark.slow
def test_a_small_coerced_team_is_caught_over_90_days_but_not_in_a_month() -> None:
    """60 invitations in 90 days, half coerced: fast answers and shared devices fire.

    Measured over 1,000 teams: caught in all (fast answers, shared devices, silent 10s and the
    response rate all fire); a 30-day window of the same team fires in 0.5 %.
    """
    rng, tables = random.Random(SEED), {}
    caught = caught_in_a_month = 0
    runs = 300
    for _ in range(runs):
        team_invitations = coerced_team(rng)
        rest = honest_activity(rng, REST_INVITATIONS, tables)
        quarter = integrity.activity_from_invitations(team_invitations, AS_OF)
        month = integrity.activity_from_invitations(team_invitations, AS_OF, window_days=30)
        signals = integrity.check_team(quarter, with_rest(quarter, rest))
        fired = {signal.code for signal in signals if signal.triggered}
        caught += {SignalCode.FAST_ANSWERS, SignalCode.SHARED_DEVICES} <= fired
        month_rest = honest_activity(rng, REST_INVITATIONS // 3, tables)
        caught_in_a_month += any(
            signal.triggered for signal in integrity.check_team(month, with_rest(month, month_rest))
        )
    assert caught / runs >= 0.95
    assert caught_in_a_month / runs <= 0.05  # why the window matters: a month has too few


@pytest.mark.slow
def test_honest_teams_rarely_trigger_any_signal() -> None:
    """Honest teams of 60 to 2,000 invitations in 90 days: any signal in at most 2 % of them.

    Measured over 2,000 teams per size: 0.6 % (60), 0.9 % (150), 0.8 % (400), 0 % (2,000).
    """
    rng, tables = random.Random(SEED + 1), {}
    sizes, runs, false_signals = (60, 150, 400, 2_000), 500, 0
    for size in sizes:
        for _ in range(runs):
            team = honest_activity(rng, size, tables)
            organisation = with_rest(team, honest_activity(rng, REST_INVITATIONS, tables))
            false_signals += any(
                signal.triggered for signal in integrity.check_team(team, organisation)
            )
    assert false_signals / (len(sizes) * runs) <= 0.02
