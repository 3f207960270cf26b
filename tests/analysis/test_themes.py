"""Themes: phrases a manager would act on, aspect sentiment, quotes and a calibrated test."""

from __future__ import annotations

import datetime as dt
import math
import random
from collections import Counter, defaultdict
from dataclasses import replace

import pytest

from analysis import themes
from analysis.clauses import split_clauses
from analysis.nps import NpsCategory, NpsCounts
from analysis.sentiment import analyze
from analysis.themes import (
    EXAMPLE_MAX_WORDS,
    MIN_TESTED,
    QUOTE_CANDIDATES,
    Mention,
    Quote,
    Theme,
    ThemeCounts,
    ThemeReport,
    adjusted_p_values,
    extract,
    mentions,
    phrases,
    report_from_counts,
    two_proportion_test,
)

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


def test_phrases_are_words_and_neighbouring_pairs_as_written() -> None:
    assert phrases("Lost luggage, again", "en") == {"lost", "luggage", "lost luggage"}
    assert phrases("La habitación estaba sucia", "es") == {"habitación", "sucia"}


def test_phrases_never_cross_contrast_stop_words_or_punctuation() -> None:
    found = phrases("The staff were lovely but the room was dirty", "en")
    assert found == {"staff", "room", "dirty"}  # no "lovely room", and "lovely" is sentiment
    assert "dirty staff" not in phrases("The room was dirty. Staff were kind", "en")
    assert "app crash" not in phrases("The app, crash after crash", "en")
    assert phrases("El personal amable pero la habitación sucia", "es") >= {
        "personal amable",
        "habitación sucia",
    }
    assert "amable habitación" not in phrases("Personal amable pero habitación sucia", "es")


def test_negation_attaches_to_the_next_word_and_spanish_links_with_de() -> None:
    assert "no me ayudaron" in phrases("No me ayudaron", "es")
    assert "no" not in phrases("no, no y no", "es")
    assert "nobody helped" in phrases("Nobody helped me", "en")
    assert "not service" not in phrases("Not good service", "en")  # sentiment ends the negation
    assert "tiempo de espera" in phrases("El tiempo de espera fue eterno", "es")
    assert "atención al cliente" in phrases("Mala atención al cliente", "es")


def test_handles_addresses_emails_numbers_and_given_names_are_no_themes() -> None:
    text = "@united flight 1234 cancelled, see https://t.co/xyz or mail help@united.com"
    found = phrases(text, "en")
    assert found == {"flight", "cancelled", "mail"}
    assert not {"unite", "united", "t", "co", "xyz", "com"} & found
    assert phrases(
        "Flew Acme Air to New York, luggage lost", "en", ignore=["Acme Air", "New York"]
    ) == {
        "flew",
        "luggage",
        "lost",
        "luggage lost",
    }
    # Case and accents do not matter; a name never joins its neighbours.
    found = phrases(
        "El vuelo de iberia a MEXICO, equipaje perdido", "es", ignore=["Iberia", "México"]
    )
    assert "vuelo" in found
    assert not any("iberia" in p or "mexico" in p for p in found)


def test_sentiment_words_are_sentiment_and_generic_words_need_a_neighbour() -> None:
    assert phrases("Great, excellent, awful, bad", "en") == set()
    assert phrases("Excelente, pésimo, bueno, malísimo", "es") == set()
    assert phrases("Long wait, wait time", "en") == {"wait", "long wait", "wait time"}
    assert "time" not in phrases("Every time", "en")
    assert phrases("Otra vez el mismo día", "es") == set()


def test_variants_of_one_topic_are_one_theme_that_lists_its_phrases() -> None:
    answers = [
        "Cancelled flight",
        "My flight was cancelled",
        "Cancellation without notice",
        "They cancel everything",
        "Cancelled flight, no refund",
    ]
    report = extract(answers, "en", polarities=[0.0] * 5, min_count=2)
    cancel = next(t for t in report.themes if t.key == "cancel")
    assert cancel.count == 5
    assert cancel.phrase == "cancelled"  # the form written most often
    assert set(cancel.phrases) == {"cancelled", "cancellation", "cancel"}
    flight = next(t for t in report.themes if t.phrase == "cancelled flight")
    assert flight.count == 2


def test_spanish_variants_are_one_theme() -> None:
    answers = ["Cancelaron el vuelo", "Vuelo cancelado", "La cancelación", "Quiero cancelar"]
    report = extract(answers, "es", polarities=[0.0] * 4, min_count=2)
    cancel = next(t for t in report.themes if t.key == "cancel")
    assert cancel.count == 4
    assert set(cancel.phrases) == {"cancelaron", "cancelado", "cancelación", "cancelar"}


def test_quotes_share_the_themes_tone_before_being_recent() -> None:
    texts = ["Refund was quick", "Refund never came", "Refund still missing", "Refund lost"]
    dates = [dt.date(2026, 3, day) for day in (9, 1, 2, 3)]
    polarities = [0.6, -0.5, -0.4, -0.6]
    report = extract(texts, "en", polarities=polarities, dates=dates, min_count=2)
    refund = next(t for t in report.themes if t.phrase == "refund")
    assert refund.mean_polarity < 0
    # The newest answer is positive: a negative theme quotes the newest negative ones.
    assert refund.examples == ("Refund lost", "Refund still missing")


def test_themes_count_answers_once_and_come_most_mentioned_first() -> None:
    report = extract(ANSWERS, "en")
    assert isinstance(report, ThemeReport)
    assert report.answers == len(ANSWERS)
    by_phrase = {t.phrase: t for t in report.themes}
    assert by_phrase["friendly"].count == 7  # "friendly" twice in one answer counts once
    assert by_phrase["hold"].count == 5
    ordering = [(-t.count, t.key) for t in report.themes]
    assert ordering == sorted(ordering)
    assert by_phrase["friendly"].share == pytest.approx(7 / len(ANSWERS))


def test_theme_sentiment_is_the_mean_of_the_clauses_that_mention_it() -> None:
    answers = [
        "The staff were lovely but the room was dirty",
        "Lovely staff. Noisy room",
        "The staff were rude",
    ]
    report = extract(answers, "en", min_count=2)
    by_phrase = {t.phrase: t for t in report.themes}
    clauses = [[c.text for c in split_clauses(a, "en")] for a in answers]
    staff_clauses = [clauses[0][0], clauses[1][0], clauses[2][0]]
    room_clauses = [clauses[0][1], clauses[1][1]]

    def mean(texts: list[str]) -> float:
        return sum(analyze(t, "en").polarity for t in texts) / len(texts)

    assert by_phrase["room"].mean_polarity == pytest.approx(mean(room_clauses))
    assert by_phrase["staff"].mean_polarity == pytest.approx(mean(staff_clauses))
    assert by_phrase["room"].mean_polarity < 0
    whole = sum(analyze(a, "en").polarity for a in answers[:2]) / 2
    assert by_phrase["room"].mean_polarity < whole  # the answer's praise does not leak in


def test_mentions_are_what_the_app_stores_per_answer() -> None:
    # One clause: the answer's polarity, when known, is the clause's.
    assert mentions("Rude staff, dirty room", "en", polarity=-0.25) == (
        Mention("dirti", "dirty", -0.25),
        Mention("dirti room", "dirty room", -0.25),
        Mention("room", "room", -0.25),
        Mention("rude", "rude", -0.25),
        Mention("rude staff", "rude staff", -0.25),
        Mention("staff", "staff", -0.25),
    )
    # Two clauses: each theme gets the sentiment of its own clause.
    text = "The staff were lovely but the room was dirty"
    for polarity in (None, 0.9):
        scored = {m.phrase: m.polarity for m in mentions(text, "en", polarity=polarity)}
        assert scored["staff"] == pytest.approx(analyze("The staff were lovely", "en").polarity)
        assert scored["room"] == pytest.approx(analyze("the room was dirty", "en").polarity)
        assert scored["room"] < 0 < scored["staff"]
    assert mentions("Great!", "en") == ()


def test_quotes_are_recent_first_and_never_reused_across_themes() -> None:
    answers = ["Slow app, slow refund", "Slow refund", "Slow app", "Slow refund again", "App slow"]
    dates = [dt.date(2026, 1, day) for day in (5, 1, 2, 9, 7)]
    report = extract(answers, "en", polarities=[-0.5] * 5, dates=dates, min_count=2)
    quoted = [e for t in report.themes for e in t.examples]
    assert len(quoted) == len(set(quoted)) == len(answers)
    slow = report.themes[0]
    assert slow.phrase == "slow"
    assert slow.examples == ("Slow refund again", "App slow")  # 9 and 7 January
    without_dates = extract(answers, "en", polarities=[-0.5] * 5, min_count=2)
    first = without_dates.themes[0]
    assert first.examples[0] == answers[0]  # in the order given


def test_quotes_come_from_the_themes_side_with_its_sentiment() -> None:
    texts = ["The agent was rude"] * 30 + ["The agent was friendly"] * 30
    texts += ["The refund came"] * 40
    scores = [1] * 30 + [10] * 30 + [8] * 40
    polarities = [-0.6] * 30 + [0.6] * 30 + [0.0] * 40
    report = extract(texts, "en", scores, polarities=polarities)
    rude = next(t for t in report.detractor_themes if t.phrase == "rude")
    assert set(rude.examples) == {"The agent was rude"}
    # Identical answers are one quote: it is never shown twice, even under one theme.
    assert len(rude.examples) == 1


def _sql_like(
    texts: list[str],
    scores: list[int | None],
    dates: list[dt.date],
    language: str,
) -> tuple[list[ThemeCounts], dict[str, list[Quote]]]:
    """Aggregate stored mentions as the app's SQL does: GROUP BY theme, newest quotes first."""
    stored = [(i, m) for i, text in enumerate(texts) for m in mentions(text, language)]
    groups: dict[str, Counter[str]] = defaultdict(Counter)
    polarity: dict[str, float] = defaultdict(float)
    written: dict[str, Counter[str]] = defaultdict(Counter)
    for i, m in stored:
        score = scores[i]
        group = "unscored" if score is None else str(_category(score))
        groups[m.theme][group] += 1
        polarity[m.theme] += m.polarity
        written[m.theme][m.phrase] += 1
    counts = [
        ThemeCounts(
            theme,
            g["detractor"],
            g["passive"],
            g["promoter"],
            g["unscored"],
            polarity[theme],
            dict(written[theme]),
        )
        for theme, g in groups.items()
    ]
    newest_first = sorted(stored, key=lambda item: dates[item[0]], reverse=True)
    quotes: dict[str, list[Quote]] = defaultdict(list)
    taken: Counter[tuple[str, NpsCategory | None]] = Counter()
    order = {NpsCategory.DETRACTOR: 0, NpsCategory.PASSIVE: 1, NpsCategory.PROMOTER: 2, None: 3}
    for i, m in newest_first:
        score = scores[i]
        category = None if score is None else _category(score)
        short = texts[i].count(" ") < EXAMPLE_MAX_WORDS
        if short and taken[m.theme, category] < QUOTE_CANDIDATES:
            taken[m.theme, category] += 1
            quotes[m.theme].append(Quote(texts[i], category, m.polarity))
    for theme in quotes:
        quotes[theme].sort(key=lambda q: order[q.category])  # stable: newest first per group
    return counts, quotes


def _category(score: int) -> NpsCategory:
    if score <= 6:
        return NpsCategory.DETRACTOR
    return NpsCategory.PROMOTER if score >= 9 else NpsCategory.PASSIVE


def test_report_from_counts_agrees_with_extract() -> None:
    texts = (ANSWERS + ["Hold hold hold, then a rude agent"]) * 6
    scores = (SCORES + [0]) * 6
    dates = [dt.date(2026, 1, 1) + dt.timedelta(days=(i * 7) % 53) for i in range(len(texts))]
    direct = extract(texts, "en", scores, dates=dates)
    counts, quotes = _sql_like(texts, scores, dates, "en")
    scored = NpsCounts(*(sum(1 for s in scores if s is not None and f(s)) for f in _GROUPS))
    from_counts = report_from_counts("en", counts, answers=len(texts), scored=scored, quotes=quotes)
    # Sums of polarities may differ in the last bit: SQL adds them in another order.
    assert _rounded(from_counts) == _rounded(direct)
    assert direct.detractor_themes  # the comparison covers the tested sides too
    assert direct.promoter_themes


def _rounded(report: ThemeReport) -> ThemeReport:
    def theme(t: Theme) -> Theme:
        return replace(t, mean_polarity=round(t.mean_polarity, 9))

    return replace(
        report,
        themes=tuple(map(theme, report.themes)),
        detractor_themes=tuple(map(theme, report.detractor_themes)),
        promoter_themes=tuple(map(theme, report.promoter_themes)),
    )


_GROUPS = (lambda s: s >= 9, lambda s: 7 <= s <= 8, lambda s: s <= 6)


def test_scores_show_what_detractors_and_promoters_say_more() -> None:
    report = extract(ANSWERS * 5, "en", SCORES * 5)
    detractor_side = [t.phrase for t in report.detractor_themes]
    promoter_side = [t.phrase for t in report.promoter_themes]
    assert detractor_side[0] == "hold"
    assert "friendly" in promoter_side
    assert not set(detractor_side) & set(promoter_side)
    for theme in report.detractor_themes + report.promoter_themes:
        assert theme.q_value is not None
        assert theme.q_value <= 0.05
    hold = report.detractor_themes[0]
    assert (hold.detractors, hold.promoters) == (25, 0)
    assert all(e in DETRACTOR_ANSWERS for e in hold.examples)
    assert report.scored == NpsCounts(40, 15, 40)


def test_twenty_answers_are_too_few_for_a_verdict() -> None:
    report = extract(ANSWERS, "en", SCORES)
    assert report.detractor_themes == ()
    assert report.promoter_themes == ()
    assert all(t.detractors + t.promoters < MIN_TESTED for t in report.themes)


def test_two_proportion_test_matches_the_hand_computation() -> None:
    # 30 of 150 detractors against 6 of 200 promoters: pooled 36/350.
    z, p = two_proportion_test(30, 150, 6, 200)
    pooled = 36 / 350
    expected = (6 / 200 - 30 / 150) / math.sqrt(pooled * (1 - pooled) * (1 / 150 + 1 / 200))
    assert z == pytest.approx(expected)
    assert p == pytest.approx(math.erfc(abs(expected) / math.sqrt(2)))
    assert two_proportion_test(0, 0, 3, 10) == (0.0, 1.0)
    assert two_proportion_test(0, 10, 0, 10) == (0.0, 1.0)


def test_benjamini_hochberg_adjustment() -> None:
    # Worked example: p sorted 0.01, 0.02, 0.03, 0.04, 0.5 of m = 5.
    adjusted = adjusted_p_values([0.04, 0.01, 0.5, 0.03, 0.02])
    assert adjusted == pytest.approx([0.05, 0.05, 0.5, 0.05, 0.05])
    assert adjusted_p_values([0.001, 0.9]) == pytest.approx([0.002, 0.9])
    assert adjusted_p_values([]) == []


def test_same_input_same_report_and_order_only_changes_examples() -> None:
    first = extract(ANSWERS * 3, "en", SCORES * 3)
    assert extract(ANSWERS * 3, "en", SCORES * 3) == first
    shuffled = list(zip(ANSWERS * 3, SCORES * 3, strict=True))
    random.Random(5).shuffle(shuffled)
    texts, scores = zip(*shuffled, strict=True)
    again = extract(list(texts), "en", list(scores))

    def summary(themes: tuple[Theme, ...]) -> list[tuple[str, int, float | None]]:
        return [(t.key, t.count, t.z_score and round(t.z_score, 9)) for t in themes]

    assert summary(again.themes) == summary(first.themes)
    assert summary(again.detractor_themes) == summary(first.detractor_themes)


def test_spanish_themes() -> None:
    answers = [
        "La habitación estaba sucia",
        "Habitaciones sucias y ruidosas",
        "El tiempo de espera, eterno",
        "Mucho tiempo de espera",
        "No me ayudaron con la factura",
    ]
    report = extract(answers, "es", min_count=2)
    by_phrase = {t.phrase: t for t in report.themes}
    room = next(t for t in report.themes if "habitación" in t.phrases)
    assert room.count == 2
    assert set(room.phrases) == {"habitación", "habitaciones"}
    assert by_phrase["tiempo de espera"].count == 2
    assert by_phrase["sucia"].mean_polarity < 0


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
    with pytest.raises(ValueError, match="dates"):
        extract(["a", "b"], "en", dates=[None])
    with pytest.raises(ValueError, match="0-10"):
        extract(["a"], "en", [11])
    with pytest.raises(ValueError, match="fdr"):
        report_from_counts("en", [], answers=0, fdr=0.0)
    with pytest.raises(ValueError, match="language"):
        phrases("hola", "fr")
    assert extract([], "en").themes == ()


# Seeded simulation: survey-like answers about 40 aspects, each said as often by detractors
# as by promoters, and one phrase ("lost luggage") that detractors say five times as often.
def _listed(words: str) -> list[str]:
    return words.split()


_ASPECTS = _listed("""app website checkout driver invoice packaging store parking receipt discount
    voucher menu seat window blanket pillow screen charger cable battery manual warranty
    courier locker label barcode password login newsletter catalogue brochure uniform
    trolley basket queue signage lift escalator toilet""")
_STATES = _listed("slow fine confusing ok expensive cheap quick clear late early noisy quiet")
_LOST = ("lost luggage", "my luggage was lost", "luggage lost again")


def _survey(
    rng: random.Random, n: int, detractor_rate: float, promoter_rate: float
) -> tuple[list[str], list[int | None]]:
    texts: list[str] = []
    scores: list[int | None] = []
    for _ in range(n):
        roll = rng.random()
        score = rng.randint(0, 6) if roll < 0.35 else rng.randint(7, 8) if roll < 0.55 else 9
        score = score if score < 9 else rng.randint(9, 10)
        rate = detractor_rate if score <= 6 else promoter_rate if score >= 9 else 0.06
        parts = [
            f"the {rng.choice(_ASPECTS)} was {rng.choice(_STATES)}"
            for _ in range(rng.randint(1, 3))
        ]
        if rng.random() < rate:
            parts.insert(rng.randrange(len(parts) + 1), rng.choice(_LOST))
        texts.append(", ".join(parts))
        scores.append(score)
    return texts, scores


def _flags_luggage(report: ThemeReport) -> bool:
    return any("luggag" in t.key for t in report.detractor_themes)


@pytest.mark.slow
def test_a_phrase_detractors_say_five_times_as_often_is_found_in_most_samples() -> None:
    rng = random.Random(20261129)
    runs, found = 100, 0
    for _ in range(runs):
        texts, scores = _survey(rng, 500, 0.15, 0.03)
        found += _flags_luggage(extract(texts, "en", scores, polarities=[0.0] * 500))
    assert found / runs >= 0.70


@pytest.mark.slow
def test_shuffled_scores_flag_no_theme_in_at_least_95_percent_of_runs() -> None:
    rng = random.Random(7)
    runs, flagged = 200, 0
    for _ in range(runs):
        texts, scores = _survey(rng, 500, 0.15, 0.03)
        rng.shuffle(scores)
        report = extract(texts, "en", scores, polarities=[0.0] * 500)
        flagged += bool(report.detractor_themes or report.promoter_themes)
    assert flagged / runs <= 0.05


def test_worker_processes_give_what_one_process_gives(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(4)
    texts, scores = _survey(rng, 4_100, 0.15, 0.03)
    # One answer in ten has two clauses, whose sentiment the workers score.
    texts = [
        f"{t}. The {rng.choice(_ASPECTS)} again" if i % 10 == 0 else t for i, t in enumerate(texts)
    ]
    polarities = [0.1] * len(texts)
    spread = extract(texts, "en", scores, polarities=polarities)
    monkeypatch.setattr(themes, "_POOL_THRESHOLD", 10**9)
    assert extract(texts, "en", scores, polarities=polarities) == spread
