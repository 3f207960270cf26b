"""The converted Spanish model scores like the package it came from, and negation works."""

from __future__ import annotations

import json
import math
import zipfile
from pathlib import Path

import pytest

from analysis import spanish_lexicon
from analysis.sentiment import analyze, spanish_polarity
from analysis.spanish_model import MODEL_FILE, load_model

REFERENCE = Path(__file__).parent / "data" / "es_model_reference.json"
REPO = Path(__file__).resolve().parents[2]


def test_scores_equal_the_packages_own_output() -> None:
    reference = json.loads(REFERENCE.read_text(encoding="utf-8"))
    cases = reference["cases"]
    model = load_model()
    assert len(cases) >= 300
    worst = max(
        abs(model.probability_positive(case["text"]) - case["probability_positive"])
        for case in cases
    )
    assert worst < 1e-9


def test_reference_covers_both_classes_and_unknown_text() -> None:
    probabilities = [c["probability_positive"] for c in json.loads(REFERENCE.read_text())["cases"]]
    assert min(probabilities) < 0.01
    assert max(probabilities) > 0.99
    assert len(set(probabilities)) > 200


def test_text_the_model_does_not_know_carries_no_evidence() -> None:
    model = load_model()
    assert model.evidence("") == 0.0
    assert model.evidence("10/10 😀") == 0.0
    assert model.probability_positive("") == pytest.approx(
        1 / (1 + math.exp(-model.prior_log_odds)), abs=1e-15
    )


def test_model_file_and_licence_live_inside_the_package() -> None:
    package = REPO / "analysis"
    assert MODEL_FILE.parent == package / "data"
    assert MODEL_FILE.stat().st_size < 500_000
    licence = (package / "data" / "LICENSE-sentiment-analysis-spanish").read_text()
    assert "MIT License" in licence
    assert "Hugo J. Bello" in licence


@pytest.mark.slow
def test_wheel_ships_the_model(tmp_path: Path) -> None:
    builder = pytest.importorskip("hatchling.builders.wheel")
    (wheel,) = builder.WheelBuilder(str(REPO)).build(directory=str(tmp_path), versions=["standard"])
    names = zipfile.ZipFile(wheel).namelist()
    assert "analysis/data/es_sentiment_model.json.gz" in names
    assert "analysis/data/LICENSE-sentiment-analysis-spanish" in names


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("no me ayudaron", "negative"),
        ("me ayudaron mucho", "positive"),
        ("nunca me contestaron", "negative"),
        ("jamás volveré", "negative"),
        ("tampoco me explicaron nada", "negative"),
        ("ni siquiera contestaron el correo", "negative"),
        ("sin problemas, todo rápido", "positive"),
        ("no estuvo nada mal", "positive"),
        ("no me gustó nada", "negative"),
        ("el producto no funciona", "negative"),
        ("el producto funciona bien", "positive"),
        ("muy poco amables", "negative"),
        ("un poco lento", "negative"),
        ("el hotel es bonito pero la atención fue pésima", "negative"),
        ("tardaron un poco pero el técnico fue excelente", "positive"),
    ],
)
def test_spanish_negation_and_contrast(text: str, label: str) -> None:
    assert analyze(text, language="es").label == label


def test_negation_turns_the_lexicon_score_around() -> None:
    assert spanish_lexicon.raw_score("me ayudaron") > 0
    assert spanish_lexicon.raw_score("no me ayudaron") < 0
    assert spanish_lexicon.raw_score("sin problemas") > 0 > spanish_lexicon.raw_score("problemas")
    # What follows "pero" counts more than what precedes it.
    assert spanish_lexicon.raw_score("amables pero lentos") < 0
    assert spanish_lexicon.raw_score("lentos pero amables") > 0
    # Negation reaches three words, and stops at punctuation.
    assert spanish_lexicon.raw_score("no, excelente") > 0
    assert spanish_lexicon.raw_score("no creo que sea rápido") > 0


def test_lexicon_matches_words_written_without_accents() -> None:
    assert spanish_lexicon.polarity("pesimo servicio") == spanish_lexicon.polarity(
        "pésimo servicio"
    )
    assert spanish_lexicon.polarity("atencion rapida") > 0


def test_spanish_polarity_weighs_the_lexicon_more_on_short_answers() -> None:
    model = load_model()
    short = "La atención fue excelente pero el envío llegó tarde"
    model_part = math.tanh(model.evidence(short) / max(4.0, len(short.split())))
    assert spanish_polarity(short) == pytest.approx(
        0.25 * model_part + 0.75 * spanish_lexicon.polarity(short)
    )
    long = " ".join([short] * 5)  # 45 words: past 40 the two count evenly, as they always did
    model_part = math.tanh(model.evidence(long) / len(long.split()))
    assert spanish_polarity(long) == pytest.approx(
        (model_part + spanish_lexicon.polarity(long)) / 2
    )
    # Where the lexicon finds nothing, a short answer keeps a fifth of the model's polarity
    # (it is mostly narration) and a long one half.
    silent = "Llamé el martes por la mañana"
    assert spanish_lexicon.raw_score(silent) == 0
    model_part = math.tanh(model.evidence(silent) / len(silent.split()))
    assert spanish_polarity(silent) == pytest.approx(0.2 * model_part)
    silent_long = " ".join([silent] * 5)
    model_part = math.tanh(model.evidence(silent_long) / len(silent_long.split()))
    assert spanish_polarity(silent_long) == pytest.approx(model_part / 2)


def test_model_evidence_of_a_negated_sentiment_word_is_reversed() -> None:
    model = load_model()
    text = "no estuvo nada mal"
    assert spanish_lexicon.score(text).negated == ("mal",)
    evidence = model.evidence(text) - 2 * model.weights["mal"]
    expected = 0.25 * math.tanh(evidence / 4.0) + 0.75 * spanish_lexicon.polarity(text)
    assert spanish_polarity(text) == pytest.approx(expected)
    assert -1.0 <= spanish_polarity("excelente " * 200) <= 1.0
