"""The rule functions on their own: durations, quiet hours, sampling, fatigue windows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from survey.distribution.models import InvitationStatus
from survey.distribution.rules import (
    RuleError,
    SentInvitation,
    conflicts_within,
    contact_zone,
    format_duration,
    in_quiet_hours,
    parse_days,
    parse_duration,
    parse_quiet_hours,
    parse_sample_rate,
    parse_triggers,
    sample_draw,
    shift_out_of_quiet_hours,
)

MADRID = ZoneInfo("Europe/Madrid")


@pytest.mark.parametrize(
    ("text", "minutes"), [("0", 0), ("45m", 45), ("2h", 120), ("1d", 1440), ("3H", 180)]
)
def test_durations_read_as_minutes(text: str, minutes: int) -> None:
    assert parse_duration(text) == minutes


@pytest.mark.parametrize("text", ["", "2 hours", "-1h", "1.5h", "h", "400d", "2", "45"])
def test_bad_durations_say_what_is_accepted(text: str) -> None:
    with pytest.raises(RuleError, match="duration"):
        parse_duration(text)


def test_durations_print_in_their_shortest_exact_unit() -> None:
    assert [format_duration(m) for m in (0, 90, 120, 1440, 1500)] == ["0", "90m", "2h", "1d", "25h"]


def test_quiet_hours_parse_and_refuse_impossible_hours() -> None:
    assert parse_quiet_hours("21-9") == (21, 9)
    assert parse_quiet_hours(" 0 - 7 ") == (0, 7)
    assert parse_quiet_hours("off") == (0, 0)
    with pytest.raises(RuleError, match="0 to 23, not 24"):
        parse_quiet_hours("24-8")
    with pytest.raises(RuleError, match="START-END"):
        parse_quiet_hours("9pm-9am")
    with pytest.raises(RuleError, match="same hour"):
        parse_quiet_hours("9-9")


def test_quiet_window_wraps_midnight() -> None:
    quiet = [hour for hour in range(24) if in_quiet_hours(hour, 21, 9)]
    assert quiet == [0, 1, 2, 3, 4, 5, 6, 7, 8, 21, 22, 23]
    assert [h for h in range(24) if in_quiet_hours(h, 13, 15)] == [13, 14]
    assert not any(in_quiet_hours(h, 5, 5) for h in range(24))


def test_a_moment_in_quiet_hours_moves_to_their_end_in_local_time() -> None:
    evening = datetime(2026, 3, 2, 22, 30, tzinfo=MADRID)
    assert shift_out_of_quiet_hours(evening, MADRID, 21, 9) == datetime(
        2026, 3, 3, 9, 0, tzinfo=MADRID
    )
    night = datetime(2026, 3, 3, 2, 0, tzinfo=MADRID)
    assert shift_out_of_quiet_hours(night, MADRID, 21, 9) == datetime(
        2026, 3, 3, 9, 0, tzinfo=MADRID
    )
    afternoon = datetime(2026, 3, 3, 16, 0, tzinfo=MADRID)
    assert shift_out_of_quiet_hours(afternoon, MADRID, 21, 9) == afternoon


def test_quiet_hours_follow_daylight_saving_time() -> None:
    # Spain moves to summer time on 29 March 2026: 09:00 local is 07:00 UTC from then on.
    night = datetime(2026, 3, 28, 23, 30, tzinfo=UTC)
    moved = shift_out_of_quiet_hours(night, MADRID, 21, 9)
    assert moved == datetime(2026, 3, 29, 7, 0, tzinfo=UTC)


def test_an_unknown_zone_falls_back_to_the_app_zone() -> None:
    assert contact_zone("Mars/Olympus", "Europe/Madrid") == MADRID
    assert contact_zone(None, "Europe/Madrid") == MADRID
    assert contact_zone("America/Bogota", "Europe/Madrid") == ZoneInfo("America/Bogota")


def test_sample_draw_is_fixed_by_touchpoint_survey_and_secret() -> None:
    draw = sample_draw("secret", 1, "ticket-1")
    assert draw == sample_draw("secret", 1, "ticket-1")
    assert 0 <= draw < 1
    assert draw != sample_draw("other secret", 1, "ticket-1")
    assert draw != sample_draw("secret", 2, "ticket-1")
    draws = [sample_draw("secret", 1, f"ticket-{n}") for n in range(4000)]
    assert 0.45 < sum(d < 0.5 for d in draws) / len(draws) < 0.55


def test_fatigue_window_counts_both_directions() -> None:
    now = datetime(2026, 3, 2, tzinfo=UTC)
    sent = [SentInvitation(1, InvitationStatus.SENT, now)]
    assert conflicts_within(sent, now + timedelta(days=29), 30)
    assert conflicts_within(sent, now - timedelta(days=29), 30)
    assert not conflicts_within(sent, now + timedelta(days=30), 30)
    assert not conflicts_within(sent, now, 0)


def test_other_rule_values_are_checked() -> None:
    assert parse_triggers("Ticket_Closed, order_delivered,ticket_closed") == [
        "ticket_closed",
        "order_delivered",
    ]
    with pytest.raises(RuleError, match="trigger 'ticket closed'"):
        parse_triggers("ticket closed")
    assert parse_sample_rate("0.25") == 0.25
    assert parse_sample_rate("40%") == 0.4
    for bad in ("1.5", "-0.1", "nan", "half"):
        with pytest.raises(RuleError, match="sample"):
            parse_sample_rate(bad)
    assert parse_days("30", "--fatigue-days", minimum=0) == 30
    assert parse_days("off", "--reminder-days", minimum=1, allow_off=True) is None
    with pytest.raises(RuleError, match="--expiry-days '0': use 1 to 3660 days"):
        parse_days("0", "--expiry-days", minimum=1)
    with pytest.raises(RuleError, match="whole number of days"):
        parse_days("2w", "--fatigue-days", minimum=0)
