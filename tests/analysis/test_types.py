"""Shared value types and the bilingual wording helpers."""

from __future__ import annotations

import math

import pytest

from analysis.types import Interval, Message, format_number, format_share, language_of


def test_interval_contains_and_overlaps() -> None:
    interval = Interval(-5.0, 10.0)
    assert interval.width == 15.0
    assert interval.contains(-5.0)
    assert not interval.contains(10.5)
    assert interval.overlaps(Interval(10.0, 20.0))
    assert not interval.overlaps(Interval(10.1, 20.0))


@pytest.mark.parametrize(("low", "high"), [(2.0, 1.0), (math.nan, 1.0)])
def test_interval_rejects_impossible_ends(low: float, high: float) -> None:
    with pytest.raises(ValueError, match="interval"):
        Interval(low, high)


@pytest.mark.parametrize(
    ("locale", "language"), [("en", "en"), ("en-GB", "en"), ("es_MX", "es"), ("ES", "es")]
)
def test_language_of_accepts_regional_tags(locale: str, language: str) -> None:
    assert language_of(locale) == language


def test_language_of_rejects_unsupported_languages() -> None:
    with pytest.raises(ValueError, match="unsupported locale 'fr'"):
        language_of("fr")


def test_message_picks_the_language() -> None:
    message = Message(en="Hello.", es="Hola.")
    assert message.text("es_ES") == "Hola."
    assert message.text("en_US") == "Hello."


def test_numbers_use_a_decimal_comma_in_spanish() -> None:
    assert format_number(-0.25, "es", 2) == "-0,25"
    assert format_number(-0.001, "en", 1) == "0.0"
    assert format_share(0.42, "en") == "42%"
    assert format_share(0.42, "es") == "42 %"
    assert format_share(0.004, "es") == "0,4 %"
    assert format_share(0.0, "en") == "0%"
