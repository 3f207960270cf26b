"""Themes: lemmatised phrases, their counts and feelings, and what separates detractors."""

from __future__ import annotations

import math
import random
import time

import pytest

from analysis.sentiment import analyze
from analysis.themes import Z_SIGNIFICANT, Theme, ThemeReport, extract, phrases

# Twenty answers to "What could we do better?", written for this test.
DETRACTOR_ANSWERS = [
    "I was on hold for an hour and nobody helped me",
    "Waited on hold forever, then the call dropped",
    "The refund took three weeks and nobody answered my emails",
    "On hold for 40 minutes. Terrible.",
    "The app keeps crashing when I pay",
    "Hold music for an hour, then a rude agent",
    "Nobody answered, I was on hold the whole afternoon",
    "The delivery was late and the box was damaged",
]
PROMOTER_ANSWERS = [
    "Friendly agent, solved my problem in minutes",
    "Very friendly staff and a quick refund",
    "The agent was friendly and patient",
    "Quick delivery, friendly driver",
    "Friendly and helpful, thank you",
    "Solved my problem on the first call, very friendly",
    "Nothing, the friendly team fixed everything",
    "Great app, quick delivery",
]
PASSIVE_ANSWERS = ["The app is fine", "Delivery was ok", "Agent was polite", "Nothing to add"]
ANSWERS = DETRACTOR_ANSWERS + PROMOTER_ANSWERS + PASSIVE_ANSWERS
SCORES: list[int | None] = [2, 0, 4, 3, 5, 1, 6, 6, 10, 9, 10, 9, 10, 10, 9, 9, 7, 8, 8, None]


def test_phrases_are_lemmas_and_neighbouring_pairs_without_stop_words() -> None:
    assert phrases("Me sentí como en casa", "es") == {"sentir", "casa", "sentir casa"}
    assert phrases("The rooms were dirty", "en") == {"room", "dirty", "room dirty"}


def test_negation_opens_a_pair_but_is_no_theme() -> None:
    found = phrases("No me ayudaron", "es")
    assert found == {"ayudar", "no ayudar"}
    assert "no" not in phrases("no, no y no", "es")
    assert "nobody help" in phrases("Nobody helped me", "en")


def test_pairs_do_not_cross_punctuation() -> None:
    assert "dirty staff" not in phrases("The room was dirty. Staff were kind", "en")
    assert "room dirty" in phrases("The room was dirty. Staff were kind", "en")


def test_themes_count_answers_once_and_come_most_mentioned_first() -> None:
    report = extract(ANSWERS, "en")
    assert isinstance(report, ThemeReport)
    assert report.answers == len(ANSWERS)
    by_phrase = {t.phrase: t for t in report.themes}
    assert by_phrase["friendly"].count == 7  # "friendly" twice in one answer counts once
    assert by_phrase["hold"].count == 5
    ordering = [(-t.count, t.phrase) for t in report.themes]
    assert ordering == sorted(ordering)
    assert by_phrase["friendly"].share == pytest.approx(7 / len(ANSWERS))


def test_theme_carries_mean_sentiment_and_two_quotes() -> None:
    report = extract(ANSWERS, "en")
    hold = next(t for t in report.themes if t.phrase == "hold")
    mentioning = [a for a in ANSWERS if "hold" in a.lower()]
    expected = sum(analyze(a, language="en").polarity for a in mentioning) / len(mentioning)
    assert hold.mean_polarity == pytest.approx(expected)
    assert hold.examples == tuple(mentioning[:2])
    assert hold.z_score is None
    assert report.detractor_themes == ()
    assert report.promoter_themes == ()


def test_scores_rank_phrases_from_detractor_to_promoter_side() -> None:
    report = extract(ANSWERS, "en", SCORES)
    z_scores = {t.phrase: t.z_score for t in report.themes}
    assert min(z_scores, key=lambda p: z_scores[p] or 0.0) == "hold"
    assert max(z_scores, key=lambda p: z_scores[p] or 0.0) == "friendly"
    # Twenty answers are too few for any difference to be sure.
    assert report.detractor_themes == ()
    assert report.promoter_themes == ()


def test_scores_show_what_separates_detractors_from_promoters() -> None:
    report = extract(ANSWERS * 5, "en", SCORES * 5)
    detractor_side = [t.phrase for t in report.detractor_themes]
    promoter_side = [t.phrase for t in report.promoter_themes]
    assert detractor_side[0] == "hold"
    assert promoter_side[0] == "friendly"
    assert not set(detractor_side) & set(promoter_side)
    assert all(
        t.z_score is not None and t.z_score <= -Z_SIGNIFICANT for t in report.detractor_themes
    )
    assert all(t.z_score is not None and t.z_score >= Z_SIGNIFICANT for t in report.promoter_themes)
    hold = report.detractor_themes[0]
    assert (hold.detractors, hold.promoters) == (25, 0)
    # Examples of a detractor theme come from detractors.
    assert all(e in DETRACTOR_ANSWERS for e in hold.examples)


def test_z_score_is_monroe_colaresi_quinn_log_odds() -> None:
    texts = ["slow", "slow", "slow fast", "fast", "fast", "fine"]
    scores = [0, 0, 10, 10, 10, 8]
    slow = next(t for t in extract(texts, "en", scores, min_count=1).themes if t.phrase == "slow")
    # Phrases per answer: {slow} {slow} {slow, fast, "slow fast"} {fast} {fast} {fine}.
    # The prior is each phrase's count over all answers: slow 3, fast 3, "slow fast" 1, fine 1.
    alpha_0 = 3 + 3 + 1 + 1
    n_detractors = 2  # slow, slow
    n_promoters = 3 + 2  # slow, fast, "slow fast"; fast; fast
    y_promoters, y_detractors = 1 + 3, 2 + 3  # "slow" counts plus its prior
    delta = math.log(y_promoters / (n_promoters + alpha_0 - y_promoters)) - math.log(
        y_detractors / (n_detractors + alpha_0 - y_detractors)
    )
    expected = delta / math.sqrt(1 / y_promoters + 1 / y_detractors)
    assert slow.z_score == pytest.approx(expected)
    assert slow.z_score is not None
    assert slow.z_score < 0


def test_same_input_same_report_and_order_only_changes_examples() -> None:
    first = extract(ANSWERS, "en", SCORES)
    assert extract(ANSWERS, "en", SCORES) == first
    shuffled = list(zip(ANSWERS, SCORES, strict=True))
    random.Random(5).shuffle(shuffled)
    texts, scores = zip(*shuffled, strict=True)
    again = extract(list(texts), "en", list(scores))

    def summary(themes: tuple[Theme, ...]) -> list[tuple[str, int, float | None]]:
        return [(t.phrase, t.count, t.z_score and round(t.z_score, 9)) for t in themes]

    assert summary(again.themes) == summary(first.themes)
    assert summary(again.detractor_themes) == summary(first.detractor_themes)


def test_spanish_themes() -> None:
    answers = [
        "La habitación estaba sucia",
        "Habitaciones sucias y ruidosas",
        "Me sentí como en casa",
        "Nos sentimos como en casa, gracias",
        "No me ayudaron con la factura",
    ]
    report = extract(answers, "es", min_count=2)
    by_phrase = {t.phrase: t for t in report.themes}
    assert by_phrase["habitación sucio"].count == 2
    assert by_phrase["sentir casa"].count == 2
    assert "casa" not in by_phrase  # always inside "sentir casa"
    assert by_phrase["habitación sucio"].mean_polarity < 0 < by_phrase["sentir casa"].mean_polarity


def test_given_polarities_are_used() -> None:
    report = extract(["slow app", "slow refund"], "en", polarities=[-0.5, 0.1])
    (slow,) = [t for t in report.themes if t.phrase == "slow"]
    assert slow.mean_polarity == pytest.approx(-0.2)


def test_bad_input_is_refused() -> None:
    with pytest.raises(ValueError, match="language"):
        extract(["bonjour"], "fr")
    with pytest.raises(ValueError, match="scores"):
        extract(["a", "b"], "en", [1])
    with pytest.raises(ValueError, match="polarities"):
        extract(["a", "b"], "en", polarities=[0.0])
    assert extract([], "en").themes == ()


def _recombined_answers(count: int, seed: int = 1) -> tuple[list[str], list[int]]:
    """Return survey-like answers with scores: detractors complain about waiting on hold."""
    rng = random.Random(seed)
    openers = ["", "Honestly, ", "Well ", "Overall ", "To be fair, "]
    shared = ["the app", "the delivery", "the price", "my order", "the website", "the refund"]
    bad = ["I waited on hold for an hour", "nobody answered my emails", "the agent was rude"]
    good = ["the agent was friendly", "a quick answer", "they solved it on the first call"]
    texts, scores = [], []
    for i in range(count):
        score = rng.randint(0, 10)
        side = bad if score <= 6 else good if score >= 9 else shared
        parts = [rng.choice(shared), rng.choice(side)]
        rng.shuffle(parts)
        texts.append(f"{rng.choice(openers)}{parts[0]} and {parts[1]} ({i % 97})")
        scores.append(score)
    return texts, scores


@pytest.mark.slow
def test_two_hundred_thousand_answers_take_seconds() -> None:
    texts, scores = _recombined_answers(200_000)
    started = time.perf_counter()
    report = extract(texts, "en", scores)
    elapsed = time.perf_counter() - started
    assert elapsed < 60, f"{elapsed:.1f} s"
    assert report.answers == 200_000
    assert {"wait hold", "agent rude"} <= {t.phrase for t in report.detractor_themes}
    assert {"agent friendly", "quick answer"} <= {t.phrase for t in report.promoter_themes}
