"""The contact-level churn-risk score."""

from __future__ import annotations

import pytest

from analysis import risk
from analysis.risk import ReasonCode, RiskLevel


def test_no_answers_mean_no_risk_points() -> None:
    result = risk.churn_risk()
    assert (result.score, result.level, result.reasons) == (0, RiskLevel.LOW, ())


def test_every_signal_at_its_worst_adds_up_to_100() -> None:
    # Latest 2 (strong detractor 35) after a 10 (fell 8 points: 15), effort 1 (20),
    # not heard (15), polarity -0.8 (15): 35 + 15 + 20 + 15 + 15 = 100.
    result = risk.churn_risk([10, 2], ces=1, heard="no", sentiment=-0.8)
    assert result.score == 100
    assert result.level is RiskLevel.HIGH
    assert [reason.points for reason in result.reasons] == [35, 20, 15, 15, 15]
    assert {reason.code for reason in result.reasons} == {
        ReasonCode.STRONG_DETRACTOR,
        ReasonCode.VERY_HARD_EFFORT,
        ReasonCode.NOT_HEARD,
        ReasonCode.VERY_NEGATIVE_WORDS,
        ReasonCode.SCORE_FELL,
    }


def test_a_loyal_customer_falling_into_the_danger_zone() -> None:
    # 10, 9, then 6: detractor (25) and 4 points under their best of the last three (15) = 40.
    result = risk.churn_risk([10, 9, 6])
    assert result.score == 40
    assert result.level is RiskLevel.MEDIUM
    assert [reason.code for reason in result.reasons] == [
        ReasonCode.DETRACTOR,
        ReasonCode.SCORE_FELL,
    ]
    assert result.reasons[1].text("en") == "Their score fell from 10 to 6."
    assert result.reasons[1].text("es") == "Su puntuación bajó de 10 a 6."


def test_a_small_slip_and_partial_answers() -> None:
    # 8 then 7: passive (10), slipped 1 point (5); effort 4 (5); partly heard (6);
    # polarity -0.2 (8): 10 + 5 + 5 + 6 + 8 = 34.
    result = risk.churn_risk([8, 7], ces=4, heard="partly", sentiment=-0.2)
    assert result.score == 34
    assert result.level is RiskLevel.MEDIUM
    assert result.level_text("es") == "Riesgo medio"
    codes = {reason.code for reason in result.reasons}
    assert codes == {
        ReasonCode.PASSIVE,
        ReasonCode.SCORE_SLIPPED,
        ReasonCode.NEUTRAL_EFFORT,
        ReasonCode.PARTLY_HEARD,
        ReasonCode.NEGATIVE_WORDS,
    }


def test_only_the_last_three_earlier_answers_count_for_the_trajectory() -> None:
    # The 10 is four answers back: outside the window, so no fall is counted.
    assert risk.churn_risk([10, 5, 5, 5, 5]).score == 25


def test_a_happy_customer_scores_zero() -> None:
    result = risk.churn_risk([9, 10], ces=6, heard="yes", sentiment=0.7)
    assert (result.score, result.reasons) == (0, ())


@pytest.mark.parametrize(
    ("score", "level"),
    [(0, RiskLevel.LOW), (24, RiskLevel.LOW), (25, RiskLevel.MEDIUM), (49, RiskLevel.MEDIUM)]
    + [(50, RiskLevel.HIGH), (100, RiskLevel.HIGH)],
)
def test_levels_and_their_boundaries(score: int, level: RiskLevel) -> None:
    assert risk.risk_level(score) is level


def test_reason_sentences_quote_the_contacts_answers_in_both_languages() -> None:
    result = risk.churn_risk([3], ces=2, sentiment=-0.55)
    texts = {reason.code: (reason.text("en"), reason.text("es")) for reason in result.reasons}
    assert texts[ReasonCode.STRONG_DETRACTOR] == (
        "Latest recommendation score: 3 of 10.",
        "Última puntuación de recomendación: 3 de 10.",
    )
    assert texts[ReasonCode.VERY_HARD_EFFORT][1] == (
        "Le costó conseguir lo que necesitaba: esfuerzo 2 de 7."
    )
    assert texts[ReasonCode.VERY_NEGATIVE_WORDS] == (
        "Their words were very negative (polarity -0.55).",
        "Sus palabras tenían un tono muy negativo (polaridad -0,55).",
    )


def test_points_table_has_a_maximum_of_100() -> None:
    worst = [ReasonCode.STRONG_DETRACTOR, ReasonCode.VERY_HARD_EFFORT, ReasonCode.NOT_HEARD]
    worst += [ReasonCode.VERY_NEGATIVE_WORDS, ReasonCode.SCORE_FELL]
    assert sum(risk.POINTS[code] for code in worst) == 100
    assert set(risk.POINTS) == set(ReasonCode)


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ({"nps_history": [11]}, "0-10, got 11"),
        ({"nps_history": [5, -1, 7]}, "0-10, got -1"),
        ({"ces": 0}, "1..7, got 0"),
        ({"ces": 8}, "1..7, got 8"),
        ({"heard": "maybe"}, "unknown heard answer"),
        ({"sentiment": 1.5}, "-1..1, got 1.5"),
    ],
)
def test_impossible_answers_are_rejected(answers: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        risk.churn_risk(**answers)  # type: ignore[arg-type]


def test_risk_level_rejects_scores_off_the_scale() -> None:
    with pytest.raises(ValueError, match="0..100"):
        risk.risk_level(101)


@pytest.mark.parametrize(
    ("text", "language"),
    [("please cancel my account", None), ("Please cancel my account.", "en")]
    + [("Me doy de baja, estoy harto.", "es"), ("I'm switching to another provider", None)],
)
def test_an_explicit_churn_statement_is_high_risk_whatever_the_scores(
    text: str, language: str | None
) -> None:
    # A promoter who felt heard, found it easy and wrote kind words: nothing else adds points.
    result = risk.churn_risk([10], ces=7, heard="yes", sentiment=0.6, text=text, language=language)
    assert result.level is RiskLevel.HIGH
    assert result.score == risk.HIGH_RISK_FROM
    assert [reason.code for reason in result.reasons] == [ReasonCode.CHURN_STATEMENT]
    assert result.reasons[0].text("en") == "Said they are leaving or cancelling."
    assert result.reasons[0].text("es") == "Dijo que se va o que se da de baja."


def test_a_negated_churn_statement_adds_nothing() -> None:
    assert risk.churn_risk([9], text="I won't cancel my account, just fix the app").score == 0
    assert risk.churn_risk(text="No me voy a dar de baja, pero mejoren").score == 0


def test_stored_statements_count_like_the_text() -> None:
    # The app stores each answer's statements; it need not keep the text to score risk.
    assert risk.churn_risk(statements=["churn"]).level is RiskLevel.HIGH
    assert risk.churn_risk(statements=["praise_person", "not_heard"]).score == 0
    with pytest.raises(ValueError, match="unknown statement 'leaving'"):
        risk.churn_risk(statements=["leaving"])


def test_a_churn_statement_on_top_of_every_signal_is_capped_at_100() -> None:
    result = risk.churn_risk([10, 2], ces=1, heard="no", sentiment=-0.8, text="cancel my account")
    assert result.score == risk.MAX_SCORE == 100
    assert result.reasons[0].code is ReasonCode.CHURN_STATEMENT  # largest first
    assert sum(reason.points for reason in result.reasons) == 150
