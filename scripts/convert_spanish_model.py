"""Convert the `sentiment-analysis-spanish` model into a plain JSON file Heard can score.

The PyPI package `sentiment-analysis-spanish` (0.0.25, MIT, Hugo J. Bello) ships a pickled
scikit-learn 0.23 CountVectorizer (word 1-3-grams, 5,000 features) and a MultinomialNB. Loading
it needs scikit-learn, takes ~5 s and ~600 MB, because the pickled vectorizer also keeps the
4.8 million n-grams it discarded (``stop_words_``). Scoring needs only the 5,000 kept n-grams and
two rows of log-probabilities, so this script writes exactly those into
``analysis/data/es_sentiment_model.json.gz``, copies the package's MIT licence beside it, and
writes ``tests/analysis/data/es_model_reference.json``: synthetic phrases (written here, not taken
from any labeled data set) with the package's own ``sentiment()`` output, so a test can prove that
``analysis.spanish_model`` gives the same numbers.

Run it in a throwaway virtualenv, never in the project's (scikit-learn is not a Heard dependency)::

    python3 -m venv /tmp/convert-venv
    /tmp/convert-venv/bin/pip install sentiment-analysis-spanish==0.0.25 scikit-learn
    /tmp/convert-venv/bin/python scripts/convert_spanish_model.py
"""

from __future__ import annotations

import gzip
import importlib.metadata
import itertools
import json
import random
import warnings
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
MODEL_PATH = REPO / "analysis" / "data" / "es_sentiment_model.json.gz"
LICENSE_PATH = REPO / "analysis" / "data" / "LICENSE-sentiment-analysis-spanish"
REFERENCE_PATH = REPO / "tests" / "analysis" / "data" / "es_model_reference.json"
PACKAGE = "sentiment-analysis-spanish"

# Hand-written phrases of the kind a support survey receives, plus edge cases for the tokenizer.
HAND_WRITTEN = [
    "",
    "   ",
    "10/10",
    "😀😀😀",
    "ok",
    "OK!!!",
    "Sí",
    "no",
    "gracias",
    "Muchas gracias por todo",
    "no me ayudaron",
    "me ayudaron mucho",
    "nunca me devolvieron la llamada",
    "jamás volveré a comprar aquí",
    "tampoco me explicaron nada",
    "ni siquiera contestaron el correo",
    "sin problemas, todo rápido",
    "sin ayuda de nadie",
    "El agente fue muy amable y resolvió mi problema en cinco minutos.",
    "Tardaron tres semanas en responder. Pésimo servicio.",
    "La aplicación se cierra sola cada vez que intento pagar",
    "Excelente atención, muy recomendable",
    "No es malo, pero podría ser mejor",
    "no estuvo nada mal",
    "¡Qué desastre de empresa!",
    "¿Por qué nadie me contesta?",
    "Todo perfecto 👍",
    "El precio es demasiado caro para lo que ofrecen",
    "La entrega llegó tarde y el paquete estaba roto",
    "La entrega llegó a tiempo y el paquete estaba perfecto",
    "Me sentí escuchado por primera vez",
    "No me sentí escuchado",
    "Nadie me escuchó",
    "El personal fue amable",
    "El personal fue grosero",
    "ATENCIÓN AL CLIENTE HORRIBLE",
    "atencion al cliente horrible",
    "Muy buena experiencia, volveré sin duda",
    "Mala experiencia, no volveré",
    "regular",
    "normal, ni bien ni mal",
    "Podría mejorar la web",
    "La web es lenta y confusa",
    "La web es rápida y clara",
    "El técnico llegó puntual y fue muy profesional",
    "El técnico no vino y nadie avisó",
    "Me cobraron dos veces y aún espero el reembolso",
    "Me devolvieron el dinero enseguida",
    "Gracias a Marta, que me ayudó muchísimo",
    "Llevo una hora esperando en el teléfono",
    "Estoy muy contento con el servicio",
    "Estoy muy enfadado con el servicio",
    "the agent was very helpful",
    "terrible support, never again",
    "producto_defectuoso",
    "a b c d",
    "café café café café",
    "Muy muy muy bueno",
    "mal, mal, mal",
    "Excelente\nPésimo",
    "NO ME GUSTA NADA",
    "me encanta",
    "me encantó la rapidez",
    "lo recomiendo",
    "no lo recomiendo",
    "el producto funciona bien",
    "el producto no funciona",
    "resolvieron todo a la primera",
    "tuve que llamar cinco veces",
    "amables pero lentos",
    "rápidos pero poco amables",
]

SUBJECTS = [
    "el agente",
    "la atención",
    "el servicio",
    "la app",
    "el envío",
    "la factura",
    "el soporte técnico",
    "la tienda",
    "el chat",
    "la encargada",
]
PREDICATES = [
    "fue excelente",
    "fue muy lento",
    "no funcionó",
    "resolvió el problema",
    "es un desastre",
    "me ayudó bastante",
    "no me ayudó",
    "estuvo bien",
    "estuvo fatal",
    "llegó tarde",
    "llegó muy rápido",
    "es caro",
    "vale la pena",
    "nunca contestó",
    "fue amable",
]
TAILS = ["", ".", "!", " y volveré", " pero no volveré", ", gracias", " 😡", " :)"]


def synthetic_phrases(count: int, seed: int = 20240611) -> list[str]:
    """Return `count` distinct phrases: the hand-written ones, then shuffled recombinations."""
    combos = [
        f"{s} {p}{t}" for s, p, t in itertools.product(SUBJECTS, PREDICATES, TAILS) if s and p
    ]
    rng = random.Random(seed)  # noqa: S311 - a fixed shuffle of test phrases, not security
    rng.shuffle(combos)
    phrases = list(dict.fromkeys(HAND_WRITTEN + combos))
    return phrases[:count]


def load_package() -> Any:
    """Load the package's analyzer; its pickles come from scikit-learn 0.23 and warn about it."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from sentiment_analysis_spanish.sentiment_analysis import SentimentAnalysisSpanish

        return SentimentAnalysisSpanish()


def check_assumptions(vectorizer: Any, classifier: Any) -> None:
    """Fail loudly if the pickled objects are not the shape analysis/spanish_model.py scores."""
    expected = {
        "analyzer": "word",
        "lowercase": True,
        "preprocessor": None,
        "tokenizer": None,
        "stop_words": None,
        "strip_accents": None,
        "token_pattern": r"(?u)\b\w\w+\b",
        "ngram_range": (1, 3),
        "binary": False,
    }
    for name, value in expected.items():
        actual = getattr(vectorizer, name)
        if actual != value:
            raise SystemExit(f"vectorizer.{name} is {actual!r}, expected {value!r}")
    if type(classifier).__name__ != "MultinomialNB" or list(classifier.classes_) != [0, 1]:
        raise SystemExit(f"unexpected classifier {classifier!r} with {classifier.classes_}")


def model_document(vectorizer: Any, classifier: Any) -> dict[str, Any]:
    """Return the JSON-ready model: n-gram -> [log P(w|negative), log P(w|positive)]."""
    log_prob = classifier.feature_log_prob_
    ngrams = sorted(vectorizer.vocabulary_.items(), key=lambda item: item[1])
    return {
        "format": 1,
        "source": f"{PACKAGE} {importlib.metadata.version(PACKAGE)} (MIT), converted by "
        "scripts/convert_spanish_model.py",
        "token_pattern": vectorizer.token_pattern,
        "lowercase": True,
        "ngram_range": list(vectorizer.ngram_range),
        "classes": ["negative", "positive"],
        "class_log_prior": [float(x) for x in classifier.class_log_prior_],
        "feature_log_prob": {
            ngram: [float(log_prob[0, index]), float(log_prob[1, index])] for ngram, index in ngrams
        },
    }


def write_license() -> None:
    """Copy the MIT notice the package ships in its dist-info."""
    files = importlib.metadata.files(PACKAGE) or []
    licence = next((f for f in files if f.name == "LICENSE"), None)
    if licence is None:
        raise SystemExit("the installed package has no LICENSE file; write the MIT text by hand")
    text = Path(str(licence.locate())).read_text(encoding="utf-8")
    header = (
        f"Licence of the model in es_sentiment_model.json.gz, converted from the PyPI package\n"
        f"{PACKAGE} {importlib.metadata.version(PACKAGE)} "
        f"(https://github.com/sentiment-analysis-spanish/sentiment-spanish),\n"
        f"author {importlib.metadata.metadata(PACKAGE)['Author']}. Copied from the package's "
        f"LICENSE file.\n\n"
    )
    LICENSE_PATH.write_text(header + text, encoding="utf-8")


def main() -> None:
    """Write the model, its licence and the reference fixture."""
    analyzer = load_package()
    check_assumptions(analyzer.vectorizer, analyzer.classifier)
    document = model_document(analyzer.vectorizer, analyzer.classifier)
    MODEL_PATH.parent.mkdir(parents=True, exist_ok=True)
    payload = json.dumps(document, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    # mtime=0 keeps the file byte-identical between runs, so git only sees real changes.
    with gzip.GzipFile(MODEL_PATH, "wb", compresslevel=9, mtime=0) as handle:
        handle.write(payload.encode("utf-8"))
    write_license()
    phrases = synthetic_phrases(300)
    reference = {
        "source": document["source"],
        "cases": [
            {"text": text, "probability_positive": float(analyzer.sentiment(text))}
            for text in phrases
        ],
    }
    REFERENCE_PATH.parent.mkdir(parents=True, exist_ok=True)
    REFERENCE_PATH.write_text(
        json.dumps(reference, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    print(f"wrote {MODEL_PATH} ({MODEL_PATH.stat().st_size:,} bytes), {LICENSE_PATH.name}")
    print(f"wrote {REFERENCE_PATH} ({len(phrases)} phrases)")


if __name__ == "__main__":
    main()
