"""Frozen value types shared by the analysis modules, and bilingual wording helpers."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

Language = Literal["en", "es"]

#: The languages every plain-language sentence in ``analysis`` is written in.
LANGUAGES: tuple[Language, ...] = ("en", "es")


@dataclass(frozen=True, slots=True)
class Interval:
    """A closed interval ``[low, high]``."""

    low: float
    high: float

    def __post_init__(self) -> None:
        if math.isnan(self.low) or math.isnan(self.high):
            raise ValueError("an interval cannot have a NaN end")
        if self.low > self.high:
            raise ValueError(f"interval low {self.low} is above high {self.high}")

    @property
    def width(self) -> float:
        """Distance from low to high."""
        return self.high - self.low

    def contains(self, value: float) -> bool:
        """Return whether value lies inside the interval, ends included."""
        return self.low <= value <= self.high

    def overlaps(self, other: Interval) -> bool:
        """Return whether the two intervals share at least one point."""
        return self.low <= other.high and other.low <= self.high


@dataclass(frozen=True, slots=True)
class Proportion:
    """``count`` out of ``n`` as a share in 0..1, with its interval.

    With ``n == 0`` the share is 0.0 and the interval is the whole range [0, 1]: nothing is
    known, and a number (not None) keeps charts and CSV exports simple.
    """

    share: float
    low: float
    high: float
    n: int
    count: int

    @property
    def interval(self) -> Interval:
        """The interval as an ``Interval``."""
        return Interval(self.low, self.high)


@dataclass(frozen=True, slots=True)
class MeanEstimate:
    """A sample mean with its interval, for bounded rating scales."""

    mean: float
    low: float
    high: float
    n: int

    @property
    def interval(self) -> Interval:
        """The interval as an ``Interval``."""
        return Interval(self.low, self.high)


@dataclass(frozen=True, slots=True)
class Message:
    """One sentence written in every supported language."""

    en: str
    es: str

    def text(self, locale: str) -> str:
        """Return the sentence for a locale such as ``"es"``, ``"es_MX"`` or ``"en-GB"``."""
        return self.es if language_of(locale) == "es" else self.en


def language_of(locale: str) -> Language:
    """Reduce a locale tag to a supported language, or raise ValueError."""
    language = locale.replace("-", "_").split("_", 1)[0].strip().lower()
    if language == "en":
        return "en"
    if language == "es":
        return "es"
    raise ValueError(f"unsupported locale {locale!r}; use one of {', '.join(LANGUAGES)}")


def format_number(value: float, locale: str, digits: int = 0) -> str:
    """Format a number the way the locale writes it (decimal comma in Spanish)."""
    text = f"{value:.{digits}f}"
    if text.startswith("-") and float(text) == 0:
        text = text[1:]
    return text.replace(".", ",") if language_of(locale) == "es" else text


def format_share(share: float, locale: str) -> str:
    """Format a 0..1 share as a percentage: ``"42%"`` in English, ``"42 %"`` in Spanish."""
    percent = share * 100
    # Small shares keep a decimal so that 0.4 % does not read as "none".
    digits = 1 if 0 < abs(percent) < 10 else 0
    number = format_number(percent, locale, digits)
    return f"{number} %" if language_of(locale) == "es" else f"{number}%"
