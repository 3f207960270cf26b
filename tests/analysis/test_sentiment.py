"""Sentiment: labels people would agree with, identical to the libraries it speeds up, batches."""

from __future__ import annotations

import dataclasses
import os
import random
from pathlib import Path

import pytest
from textblob import TextBlob
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from analysis import english_sentiment, sentiment
from analysis.english_sentiment import (
    base_polarity,
    pattern_polarity,
    service_score,
    vader_compound,
)
from analysis.sentiment import (
    NEUTRAL_BAND,
    POOL_THRESHOLD,
    EnglishAnalyzer,
    Sentiment,
    SpanishAnalyzer,
    analyze,
    analyze_many,
    label_for,
    spanish_polarity,
)
from benchmarks.bench_sentiment import auc, load_labeled, shared_data_dir

# Words, punctuation and emoticons that each trigger a rule of TextBlob's scorer.
TEXTBLOB_PIECES = """
    good great bad terrible awful nice helpful slow fast rude friendly amazing horrible
    excellent poor best worst happy sad disappointed love perfect wonderful useless broken
    easy hard clean dirty cheap expensive late quick simple boring fine ok okay very really
    extremely quite pretty so too absolutely totally incredibly terribly awfully slightly
    barely not never no nothing the agent support service was is it i we they app order
    delivery refund staff product and but a an of to with my . ! ? , ... (!) ( ! ) !! :) :(
    :-D ;) <3 xD :/ :'( don't isn't wasn't didn't can't it's I'm they're we've I'd you'll '
    " “great” ‘ok’ e.g. U.S. Mr. etc. a.m. 10/10 $20 5-star well-made user-friendly GOOD
    Great BAD NOT Very 👍 😡
"""


def varied_english(count: int, seed: int = 11) -> list[str]:
    """Return generated texts that exercise every rule of TextBlob's sentiment scorer."""
    pieces = TEXTBLOB_PIECES.split()
    separators = [" ", " ", " ", " ", "", "\n", "\n\n", "  "]
    rng = random.Random(seed)
    texts = []
    for _ in range(count):
        words = [rng.choice(pieces) for _ in range(rng.randint(0, 25))]
        texts.append("".join(w + rng.choice(separators) for w in words).strip())
    return texts


def test_pattern_polarity_is_textblobs_polarity_exactly() -> None:
    texts = varied_english(4000)
    assert sum(TextBlob(t).sentiment.polarity != 0 for t in texts) > 3000
    mismatches = [t for t in texts if pattern_polarity(t) != TextBlob(t).sentiment.polarity]
    assert mismatches == []


def test_pattern_polarity_matches_textblob_on_the_shared_data() -> None:
    files = [f for f in load_labeled() if f.name in ("en_uci_sentences", "en_sfu_reviews")]
    if not files:
        pytest.skip(f"shared labeled data not found in {shared_data_dir()}")
    texts = [t for f in files for t in f.texts]
    assert [pattern_polarity(t) for t in texts] == [TextBlob(t).sentiment.polarity for t in texts]


def test_english_polarity_is_the_mean_of_textblob_and_vader_without_service_phrases() -> None:
    vader = SentimentIntensityAnalyzer()
    service = ["They fixed it straight away", "Still waiting. Awful!", "no hold time, great"]
    for text in [*varied_english(300, seed=3), *service]:
        expected = (TextBlob(text).sentiment.polarity + vader.polarity_scores(text)["compound"]) / 2
        assert base_polarity(text) == pytest.approx(expected, abs=1e-12)
        assert vader_compound(text) == vader.polarity_scores(text)["compound"]
        # The English scorer itself; analyze() also splits clauses and fixes misspellings.
        polarity = english_sentiment.polarity(text)
        if text in service:
            assert service_score(text)[0] != 0
            assert polarity != pytest.approx(expected, abs=1e-3)
        elif service_score(text)[0] == 0:  # most of TextBlob's rule words are no service words
            assert polarity == pytest.approx(expected, abs=1e-12)


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("The agent was very helpful and solved it quickly", "positive"),
        ("Great service, thank you!", "positive"),
        ("Nobody answered my emails for two weeks. Terrible.", "negative"),
        ("The app keeps crashing, awful experience", "negative"),
        ("I called on Tuesday", "neutral"),
        ("El agente fue muy amable y resolvió mi problema", "positive"),
        ("Excelente atención, muy recomendable", "positive"),
        ("Pésimo servicio, tardaron tres semanas", "negative"),
        ("No me ayudaron y nadie me devolvió la llamada", "negative"),
        ("👍", "positive"),
        ("😡😡", "negative"),
        ("10/10", "positive"),  # a rating written in the text counts (it was neutral)
    ],
)
def test_labels_read_like_a_person_would(text: str, label: str) -> None:
    assert analyze(text).label == label


def test_sentiment_is_a_frozen_value() -> None:
    result = analyze("Great service", language="en")
    assert result == Sentiment(
        polarity=result.polarity, label="positive", language="en", confident=result.confident
    )
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.label = "negative"  # type: ignore[misc]
    assert not hasattr(result, "__dict__")


def test_neutral_band_around_zero() -> None:
    assert label_for(0.0) == "neutral"
    assert label_for(NEUTRAL_BAND / 2) == "neutral"
    assert label_for(-NEUTRAL_BAND / 2) == "neutral"
    assert label_for(NEUTRAL_BAND) == "positive"
    assert label_for(-NEUTRAL_BAND) == "negative"
    assert 0 < NEUTRAL_BAND < 0.2


def test_polarity_stays_between_minus_one_and_one() -> None:
    texts = ["excelente " * 500, "pésimo " * 500, "great! " * 500, "awful!!! " * 500, ""]
    for text in texts:
        for code in ("en", "es"):
            assert -1.0 <= analyze(text, language=code).polarity <= 1.0


def test_given_language_is_used_as_is() -> None:
    result = analyze("no me ayudaron", language="en")
    assert result.language == "en"
    assert result.polarity == (
        (TextBlob("no me ayudaron").sentiment.polarity + vader_compound("no me ayudaron")) / 2
    )
    assert analyze("no me ayudaron").language == "es"


def test_fallback_decides_short_and_letterless_answers() -> None:
    assert analyze("hola", fallback="en").language == "en"
    assert analyze("hola", fallback="es").language == "es"
    # The survey's language is a prior: clear sentiment in the other language wins.
    assert analyze("gracias", fallback="en").language == "es"
    assert analyze("👍", fallback="es") == Sentiment(
        polarity=analyze("👍").polarity, label="positive", language="es", confident=True
    )
    assert analyze("10/10").language == "und"
    with pytest.raises(ValueError, match="unsupported"):
        analyze("hola", language="pt")


def test_spanish_scores_where_textblob_returns_zero() -> None:
    texts = ["Pésimo servicio", "Muy amables, todo perfecto", "La factura llegó mal otra vez"]
    assert [TextBlob(t).sentiment.polarity for t in texts] == [0.0, 0.0, 0.0]
    assert [analyze(t, language="es").label for t in texts] == ["negative", "positive", "negative"]


def test_analyzers_plug_into_textblob() -> None:
    text = "no me ayudaron"
    assert TextBlob(text, analyzer=SpanishAnalyzer()).sentiment.polarity == spanish_polarity(text)
    english = TextBlob("very helpful agent", analyzer=EnglishAnalyzer()).sentiment
    assert english.polarity == analyze("very helpful agent", language="en").polarity


def answers(count: int) -> list[str]:
    """Return `count` distinct short answers, half English, half Spanish."""
    english = ["the agent was {} helpful", "delivery took {} days", "support was {} slow"]
    spanish = ["el agente fue {} amable", "el envío tardó {} días", "la atención fue {} lenta"]
    templates = english + spanish
    return [templates[i % 6].format(i) for i in range(count)]


def test_small_batches_match_one_by_one() -> None:
    texts = [*answers(30), "", "👍", "ok", "gracias"]
    assert analyze_many(texts) == [analyze(t) for t in texts]
    assert analyze_many(texts, fallback="es") == [analyze(t, fallback="es") for t in texts]
    languages = ["en", None] * (len(texts) // 2) + ["es"] * (len(texts) % 2)
    assert analyze_many(texts, languages) == [
        analyze(t, c) for t, c in zip(texts, languages, strict=True)
    ]
    assert analyze_many([]) == []


def test_languages_must_match_texts() -> None:
    with pytest.raises(ValueError, match="languages"):
        analyze_many(["a", "b"], ["en"])


_score_chunk_in_this_process = sentiment._score_chunk


def _score_chunk_and_note_pid(chunk: sentiment._Chunk) -> list[sentiment._Scored]:
    Path(os.environ["HEARD_TEST_PID_DIR"], str(os.getpid())).touch()
    return _score_chunk_in_this_process(chunk)


def test_big_batches_use_worker_processes_and_match_one_by_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    texts = answers(POOL_THRESHOLD)
    expected = [analyze(t) for t in texts]
    monkeypatch.setenv("HEARD_TEST_PID_DIR", str(tmp_path))
    monkeypatch.setattr(sentiment, "_score_chunk", _score_chunk_and_note_pid)
    # Small chunks, so that both workers surely get some.
    monkeypatch.setattr(sentiment, "CHUNK_SIZE", 100)
    assert analyze_many(texts, processes=2) == expected
    pids = {int(p.name) for p in tmp_path.iterdir()}
    assert len(pids) == 2
    assert os.getpid() not in pids


def test_batches_below_the_threshold_stay_in_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HEARD_TEST_PID_DIR", str(tmp_path))
    monkeypatch.setattr(sentiment, "_score_chunk", _score_chunk_and_note_pid)
    analyze_many(answers(POOL_THRESHOLD - 1), processes=2)
    assert {int(p.name) for p in tmp_path.iterdir()} == {os.getpid()}


@pytest.mark.slow
def test_accuracy_on_shared_labeled_data_beats_bare_textblob() -> None:
    files = {f.name: f for f in load_labeled()}
    if not {"en_uci_sentences", "es_cuba_hotels"} <= files.keys():
        pytest.skip(
            f"shared labeled data (en_uci_sentences, es_cuba_hotels) not in {shared_data_dir()}"
        )
    results = {}
    for name, step in (("en_uci_sentences", 1), ("es_cuba_hotels", 4)):
        texts, labels = files[name].texts[::step], files[name].labels[::step]
        heard = auc([s.polarity for s in analyze_many(texts)], labels)
        bare = auc([TextBlob(t).sentiment.polarity for t in texts], labels)
        results[name] = (heard, bare)
    heard_en, bare_en = results["en_uci_sentences"]
    heard_es, bare_es = results["es_cuba_hotels"]
    assert heard_en > bare_en + 0.02, results
    assert heard_es > 0.9, results
    assert heard_es > bare_es + 0.25, results
