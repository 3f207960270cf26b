"""survey surveys show/set and survey apikey create/list/revoke."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import select

from survey.api.services import hash_key
from survey.distribution.intake import record_touchpoints
from survey.distribution.models import TouchpointSource
from survey.extensions import db
from survey.models import ApiKey, Survey
from tests.touchpoint_factories import checked, event

#: Touchpoints need a survey they trigger: the one `survey db upgrade` creates.
pytestmark = pytest.mark.usefixtures("default_survey")

NOW = datetime.now(UTC) - timedelta(minutes=5)


def test_show_prints_the_default_rules(runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=["surveys", "show", "after-support"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "triggers:     ticket_closed" in lines
    assert "delay:        2h after the touchpoint" in lines
    assert "fatigue:      at most one invitation per contact in 30 days, across surveys" in lines
    assert "quiet hours:  21:00-09:00 contact's local time" in lines
    assert "link expiry:  14 days after sending" in lines
    assert "reminder:     none" in lines


def test_set_changes_the_rules_given_and_keeps_the_rest(app: Flask, runner: FlaskCliRunner) -> None:
    result = runner.invoke(
        args=[
            "surveys",
            "set",
            "after-support",
            "--triggers",
            "ticket_closed,Order_Delivered",
            "--delay",
            "90m",
            "--sample",
            "0.25",
            "--quiet-hours",
            "22-8",
            "--reminder-days",
            "3",
        ]
    )
    assert result.exit_code == 0, result.output
    assert "reminder:     3 days after sending, if unanswered" in result.output
    with app.app_context():
        survey = db.session.scalars(select(Survey)).one()
        assert survey.triggers == ["ticket_closed", "order_delivered"]
        assert (survey.delay_minutes, survey.sample_rate) == (90, 0.25)
        assert (survey.quiet_start_hour, survey.quiet_end_hour) == (22, 8)
        assert (survey.fatigue_days, survey.expiry_days, survey.reminder_days) == (30, 14, 3)
    off = runner.invoke(args=["surveys", "set", "after-support", "--reminder-days", "off"])
    assert "reminder:     none" in off.output


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--delay", "2 hours", "duration '2 hours': use minutes, hours or days"),
        ("--sample", "1.5", "sample '1.5': the rate must be from 0 to 1"),
        ("--quiet-hours", "21-25", "hours go from 0 to 23, not 25"),
        ("--fatigue-days", "-1", "--fatigue-days '-1': use a whole number of days"),
        ("--expiry-days", "0", "--expiry-days '0': use 1 to 3660 days"),
        ("--reminder-days", "20", "reminder after 20 days would reach an expired link"),
        ("--triggers", "ticket closed", "trigger 'ticket closed'"),
        ("--delay", "2", "duration '2': add a unit: 2m (minutes), 2h (hours) or 2d (days)"),
        ("--quiet-hours", "9-9", "quiet hours '9-9': start and end are the same hour"),
    ],
)
def test_set_refuses_bad_values_and_changes_nothing(
    app: Flask, runner: FlaskCliRunner, option: str, value: str, message: str
) -> None:
    runner.invoke(args=["surveys", "show", "after-support"])
    result = runner.invoke(args=["surveys", "set", "after-support", option, value])
    assert result.exit_code == 1
    assert message in result.output
    with app.app_context():
        survey = db.session.scalars(select(Survey)).one()
        assert survey.reminder_days is None
        assert (survey.delay_minutes, survey.sample_rate, survey.expiry_days) == (120, 1.0, 14)


def test_a_trigger_no_touchpoint_ever_had_is_set_with_a_warning(
    app: Flask, runner: FlaskCliRunner
) -> None:
    with app.app_context():
        record_touchpoints(
            checked(event(1, occurred_at=NOW.isoformat()), now=NOW),
            TouchpointSource.API,
            now=NOW,
        )
    typo = runner.invoke(args=["surveys", "set", "after-support", "--triggers", "ticket_close"])
    assert typo.exit_code == 0, typo.output
    assert (
        "Warning: no touchpoint of type 'ticket_close' has been recorded so far "
        "(types seen: ticket_closed); check the spelling."
    ) in typo.output
    known = runner.invoke(args=["surveys", "set", "after-support", "--triggers", "ticket_closed"])
    assert known.exit_code == 0
    assert "Warning" not in known.output


def test_survey_outbox_counts_touchpoints_that_triggered_no_survey(
    app: Flask, runner: FlaskCliRunner
) -> None:
    with app.app_context():
        raw = [event(1), event(2, type="callback"), event(3, type="callback")]
        raw = [{**item, "occurred_at": NOW.isoformat()} for item in raw]
        record_touchpoints(checked(*raw, now=NOW), TouchpointSource.API, now=NOW)
    result = runner.invoke(args=["outbox"])
    assert result.exit_code == 0, result.output
    assert "not triggered:      2 touchpoint(s) no survey asks after" in result.output
    assert "pending, later:     1" in result.output


def test_unknown_surveys_are_named(runner: FlaskCliRunner) -> None:
    for args in (["show", "nope"], ["set", "nope", "--delay", "1h"]):
        result = runner.invoke(args=["surveys", *args])
        assert result.exit_code == 1
        assert "no survey with slug 'nope'" in result.output


def test_apikey_create_shows_the_key_once_and_stores_its_hash(
    app: Flask, runner: FlaskCliRunner
) -> None:
    result = runner.invoke(args=["apikey", "create", "--name", "zendesk"])
    assert result.exit_code == 0, result.output
    key = result.stdout.strip()
    assert key.startswith("hrd_")
    assert len(key) >= 4 + 43  # 256 random bits
    assert "cannot be shown again" in result.stderr
    with app.app_context():
        stored = db.session.scalars(select(ApiKey)).one()
        assert stored.key_hash == hash_key(key)
        assert stored.prefix == key[:12]
    listed = runner.invoke(args=["apikey", "list"])
    assert "zendesk" in listed.output
    assert key[:12] in listed.output
    assert key not in listed.output
    duplicate = runner.invoke(args=["apikey", "create", "--name", "zendesk"])
    assert duplicate.exit_code == 1
    assert "already exists" in duplicate.output


def test_apikey_revoke_by_name_or_prefix(app: Flask, runner: FlaskCliRunner) -> None:
    first = runner.invoke(args=["apikey", "create", "--name", "a"]).stdout.strip()
    runner.invoke(args=["apikey", "create", "--name", "b"])
    by_prefix = runner.invoke(args=["apikey", "revoke", "--prefix", first[:12]])
    assert by_prefix.exit_code == 0, by_prefix.output
    assert "Revoked API key 'a'" in by_prefix.output
    by_name = runner.invoke(args=["apikey", "revoke", "--name", "b"])
    assert by_name.exit_code == 0
    unknown = runner.invoke(args=["apikey", "revoke", "--name", "zzz"])
    assert unknown.exit_code == 1
    assert "no API key named 'zzz'" in unknown.output
    neither = runner.invoke(args=["apikey", "revoke"])
    assert neither.exit_code == 2
    with app.app_context():
        assert all(k.revoked_at is not None for k in db.session.scalars(select(ApiKey)))
