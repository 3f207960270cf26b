"""A transparent churn-risk score (0-100) for one contact, with its reasons.

Additive points, no training, so a CX manager can check every number by hand:

============================  =====================================  ======
signal                        condition                              points
============================  =====================================  ======
latest NPS answer             0-3 (strong detractor)                 35
                              4-6 (detractor)                        25
                              7-8 (passive)                          10
latest CES answer             1-2 (very hard)                        20
                              3 (hard)                               12
                              4 (neither)                            5
felt heard                    no                                     15
                              partly                                 6
sentiment of their words      polarity <= -0.5 (very negative)       15
                              polarity <= -0.1 (negative)            8
trajectory of NPS answers     latest 3+ points under their best of   15
                              the previous 3 answers (the "danger
                              zone": loyal customers on their way
                              out)
                              latest 1-2 points under that best      5
statement in their words      says they are leaving ("please cancel  50
                              my account", "me doy de baja";
                              ``analysis.intents``)
============================  =====================================  ======

Scores are capped at 100. Level: ``high`` from 50, ``medium`` from 25, else ``low``. A churn
statement alone is worth 50, so it is high risk whatever the scores say: a promoter who writes
"please cancel my account" is leaving. A missing answer adds no points, so the score is evidence
of risk rather than a probability: a contact who only answered "no" to "did you feel heard?"
scores 15 (low), not "unknown".
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from analysis.heard import HeardAnswer
from analysis.intents import Intent, detect
from analysis.nps import categorize
from analysis.types import Message, format_number

HIGH_RISK_FROM = 50
MEDIUM_RISK_FROM = 25
#: The highest score; points beyond it (a churn statement on top of every other signal) are cut.
MAX_SCORE = 100
#: Earlier NPS answers the latest is compared with.
TRAJECTORY_WINDOW = 3
#: Polarity at or under which words count as very negative, and as negative.
VERY_NEGATIVE_POLARITY = -0.5
NEGATIVE_POLARITY = -0.1


class RiskLevel(StrEnum):
    """Churn-risk level from the score."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class ReasonCode(StrEnum):
    """Stable codes of the reasons behind a risk score."""

    STRONG_DETRACTOR = "strong_detractor"
    DETRACTOR = "detractor"
    PASSIVE = "passive"
    VERY_HARD_EFFORT = "very_hard_effort"
    HARD_EFFORT = "hard_effort"
    NEUTRAL_EFFORT = "neutral_effort"
    NOT_HEARD = "not_heard"
    PARTLY_HEARD = "partly_heard"
    VERY_NEGATIVE_WORDS = "very_negative_words"
    NEGATIVE_WORDS = "negative_words"
    SCORE_FELL = "score_fell"
    SCORE_SLIPPED = "score_slipped"
    CHURN_STATEMENT = "churn_statement"


#: Points per reason; the table in the module docstring, in code.
POINTS: dict[ReasonCode, int] = {
    ReasonCode.STRONG_DETRACTOR: 35,
    ReasonCode.DETRACTOR: 25,
    ReasonCode.PASSIVE: 10,
    ReasonCode.VERY_HARD_EFFORT: 20,
    ReasonCode.HARD_EFFORT: 12,
    ReasonCode.NEUTRAL_EFFORT: 5,
    ReasonCode.NOT_HEARD: 15,
    ReasonCode.PARTLY_HEARD: 6,
    ReasonCode.VERY_NEGATIVE_WORDS: 15,
    ReasonCode.NEGATIVE_WORDS: 8,
    ReasonCode.SCORE_FELL: 15,
    ReasonCode.SCORE_SLIPPED: 5,
    # Enough for "high" on its own: an explicit statement outweighs any score.
    ReasonCode.CHURN_STATEMENT: HIGH_RISK_FROM,
}

_LEVEL_TEXT: dict[RiskLevel, Message] = {
    RiskLevel.LOW: Message("Low risk", "Riesgo bajo"),
    RiskLevel.MEDIUM: Message("Medium risk", "Riesgo medio"),
    RiskLevel.HIGH: Message("High risk", "Riesgo alto"),
}


@dataclass(frozen=True, slots=True)
class RiskReason:
    """One reason that added points, with a sentence naming the contact's own answer."""

    code: ReasonCode
    points: int
    message: Message

    def text(self, locale: str) -> str:
        """Return the reason as a sentence in the locale's language."""
        return self.message.text(locale)


@dataclass(frozen=True, slots=True)
class ChurnRisk:
    """A contact's churn-risk score (0-100), level and reasons (largest first)."""

    score: int
    level: RiskLevel
    reasons: tuple[RiskReason, ...]

    def level_text(self, locale: str) -> str:
        """Return the level in the locale's language."""
        return _LEVEL_TEXT[self.level].text(locale)


def churn_risk(
    nps_history: Sequence[int] = (),
    ces: int | None = None,
    heard: str | None = None,
    sentiment: float | None = None,
    *,
    text: str | None = None,
    language: str | None = None,
    statements: Iterable[str] = (),
) -> ChurnRisk:
    """Score a contact's churn risk from their answers (NPS history oldest first).

    `text` is their latest free-text answer (in `language`, or None for both), read with
    ``analysis.intents.detect``; `statements` are intents already detected and stored (values
    of ``Intent``), so a caller need not keep the text. Either one saying "churn" scores 50.
    """
    reasons = [
        reason
        for reason in (
            _nps_reason(nps_history),
            _ces_reason(ces),
            _heard_reason(heard),
            _sentiment_reason(sentiment),
            _trajectory_reason(nps_history),
            _statement_reason(text, language, statements),
        )
        if reason is not None
    ]
    reasons.sort(key=lambda reason: -reason.points)
    score = min(MAX_SCORE, sum(reason.points for reason in reasons))
    return ChurnRisk(score=score, level=risk_level(score), reasons=tuple(reasons))


def risk_level(score: int) -> RiskLevel:
    """Return the level of a 0-100 risk score."""
    if not 0 <= score <= MAX_SCORE:
        raise ValueError(f"a risk score lies in 0..100, got {score}")
    if score >= HIGH_RISK_FROM:
        return RiskLevel.HIGH
    if score >= MEDIUM_RISK_FROM:
        return RiskLevel.MEDIUM
    return RiskLevel.LOW


def _reason(code: ReasonCode, en: str, es: str) -> RiskReason:
    return RiskReason(code, POINTS[code], Message(en, es))


def _nps_reason(history: Sequence[int]) -> RiskReason | None:
    for score in history:
        categorize(score)  # validates every answer, not only the latest
    if not history:
        return None
    latest = history[-1]
    if latest <= 3:
        code = ReasonCode.STRONG_DETRACTOR
    elif latest <= 6:
        code = ReasonCode.DETRACTOR
    elif latest <= 8:
        code = ReasonCode.PASSIVE
    else:
        return None
    return _reason(
        code,
        f"Latest recommendation score: {latest} of 10.",
        f"Última puntuación de recomendación: {latest} de 10.",
    )


def _ces_reason(ces: int | None) -> RiskReason | None:
    if ces is None:
        return None
    if isinstance(ces, bool) or not isinstance(ces, int) or not 1 <= ces <= 7:
        raise ValueError(f"a CES answer must be an int in 1..7, got {ces!r}")
    if ces <= 2:
        code = ReasonCode.VERY_HARD_EFFORT
    elif ces == 3:
        code = ReasonCode.HARD_EFFORT
    elif ces == 4:
        code = ReasonCode.NEUTRAL_EFFORT
    else:
        return None
    return _reason(
        code,
        f"Found it hard to get what they needed: effort {ces} of 7.",
        f"Le costó conseguir lo que necesitaba: esfuerzo {ces} de 7.",
    )


def _heard_reason(heard: str | None) -> RiskReason | None:
    if heard is None:
        return None
    try:
        answer = HeardAnswer(heard)
    except ValueError:
        raise ValueError(f"unknown heard answer {heard!r}; use yes, partly or no") from None
    if answer is HeardAnswer.NO:
        return _reason(
            ReasonCode.NOT_HEARD, "Did not feel heard.", "No sintió que se le escuchara."
        )
    if answer is HeardAnswer.PARTLY:
        return _reason(
            ReasonCode.PARTLY_HEARD,
            "Felt only partly heard.",
            "Sintió que se le escuchó solo en parte.",
        )
    return None


def _sentiment_reason(sentiment: float | None) -> RiskReason | None:
    if sentiment is None:
        return None
    if not -1 <= sentiment <= 1:
        raise ValueError(f"sentiment polarity must lie in -1..1, got {sentiment!r}")
    if sentiment <= VERY_NEGATIVE_POLARITY:
        code, en, es = ReasonCode.VERY_NEGATIVE_WORDS, "very negative", "muy negativo"
    elif sentiment <= NEGATIVE_POLARITY:
        code, en, es = ReasonCode.NEGATIVE_WORDS, "negative", "negativo"
    else:
        return None
    return _reason(
        code,
        f"Their words were {en} (polarity {format_number(sentiment, 'en', 2)}).",
        f"Sus palabras tenían un tono {es} (polaridad {format_number(sentiment, 'es', 2)}).",
    )


def _trajectory_reason(history: Sequence[int]) -> RiskReason | None:
    earlier = history[-1 - TRAJECTORY_WINDOW : -1]
    if not earlier:
        return None
    best, latest = max(earlier), history[-1]
    drop = best - latest
    if drop >= 3:
        code = ReasonCode.SCORE_FELL
    elif drop >= 1:
        code = ReasonCode.SCORE_SLIPPED
    else:
        return None
    return _reason(
        code,
        f"Their score fell from {best} to {latest}.",
        f"Su puntuación bajó de {best} a {latest}.",
    )


def _statement_reason(
    text: str | None, language: str | None, statements: Iterable[str]
) -> RiskReason | None:
    said = set()
    for statement in statements:
        try:
            said.add(Intent(statement))
        except ValueError:
            known = ", ".join(intent.value for intent in Intent)
            raise ValueError(f"unknown statement {statement!r}; use one of {known}") from None
    if text is not None:
        said |= detect(text, language)
    if Intent.CHURN not in said:
        return None
    return _reason(
        ReasonCode.CHURN_STATEMENT,
        "Said they are leaving or cancelling.",
        "Dijo que se va o que se da de baja.",
    )
