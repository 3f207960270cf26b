"""Score Spanish text with the naive Bayes model of `sentiment-analysis-spanish`, in plain Python.

The model (MIT, Hugo J. Bello) is a bag of word 1-3-grams (5,000 of them) with a multinomial
naive Bayes classifier, trained on ~800,000 Spanish reviews of restaurants, hotels, films and
shops. `scripts/convert_spanish_model.py` extracts its weights from the package's scikit-learn
pickles into ``analysis/data/es_sentiment_model.json.gz``; this module scores that file without
scikit-learn and gives the package's own numbers (a test checks them to 1e-9).
"""

from __future__ import annotations

import gzip
import json
import math
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

MODEL_FILE = Path(__file__).resolve().parent / "data" / "es_sentiment_model.json.gz"

# scikit-learn's default token_pattern: words of two or more word characters, after lower().
_TOKEN = re.compile(r"(?u)\b\w\w+\b")


@dataclass(frozen=True, slots=True)
class NaiveBayesModel:
    """A two-class multinomial naive Bayes over word 1-3-grams.

    ``weights`` maps each n-gram to log P(n-gram | positive) - log P(n-gram | negative);
    ``prior_log_odds`` is log P(positive) - log P(negative).
    """

    weights: dict[str, float]
    prior_log_odds: float

    def evidence(self, text: str) -> float:
        """Return the log-likelihood ratio of `text` (positive over negative), prior excluded.

        0.0 means the text holds no n-gram the model knows.
        """
        return self.evidence_of_tokens(tokenize(text))

    def evidence_of_tokens(self, tokens: list[str]) -> float:
        """Return the log-likelihood ratio of already `tokenize`d text."""
        get = self.weights.get
        total = 0.0
        for token in tokens:
            total += get(token, 0.0)
        if len(tokens) > 1:
            pairs = [f"{a} {b}" for a, b in zip(tokens, tokens[1:], strict=False)]
            for pair in pairs:
                total += get(pair, 0.0)
            for pair, token in zip(pairs, tokens[2:], strict=False):
                total += get(f"{pair} {token}", 0.0)
        return total

    def log_odds(self, text: str) -> float:
        """Return the posterior log-odds that `text` is positive."""
        return self.prior_log_odds + self.evidence(text)

    def probability_positive(self, text: str) -> float:
        """Return P(positive | text), as the package's ``sentiment(text)`` does."""
        return _logistic(self.log_odds(text))


def tokenize(text: str) -> list[str]:
    """Return the words the model reads, as scikit-learn's CountVectorizer splits them."""
    return _TOKEN.findall(text.lower())


def _logistic(x: float) -> float:
    # Two branches so that exp() never overflows on long, one-sided texts.
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    z = math.exp(x)
    return z / (1.0 + z)


@cache
def load_model(path: Path = MODEL_FILE) -> NaiveBayesModel:
    """Load the converted model once per process (~0.1 s, ~2 MB)."""
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        document = json.load(handle)
    if document.get("format") != 1 or document.get("ngram_range") != [1, 3]:
        raise ValueError(f"{path} is not a model this version of Heard can score")
    negative_prior, positive_prior = document["class_log_prior"]
    weights = {
        ngram: positive - negative
        for ngram, (negative, positive) in document["feature_log_prob"].items()
    }
    return NaiveBayesModel(weights=weights, prior_log_odds=positive_prior - negative_prior)
