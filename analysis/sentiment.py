"""Sentiment of free-text answers in English and Spanish: polarity, label and language.

    >>> analyze("The agent was very helpful").label
    'positive'
    >>> analyze("no me ayudaron", fallback="es").label
    'negative'

English is the mean of TextBlob's and VADER's polarity, corrected by a small lexicon of
customer-service phrases where one is found (`english_sentiment`). Spanish combines two
different scorers: the naive Bayes model of `sentiment-analysis-spanish` (`spanish_model`) and a
hand-written lexicon of customer-service Spanish that understands negation (`spanish_lexicon`);
the lexicon counts more on short answers.
Both analyzers plug into TextBlob's analyzer interface::

    TextBlob("no me ayudaron", analyzer=SpanishAnalyzer()).sentiment.polarity

Polarity runs from -1 (negative) to 1 (positive); answers within `NEUTRAL_BAND` of 0 are
labelled neutral. Accuracy measured on public labeled data is in docs/sentiment.md.
"""

from __future__ import annotations

import math
import multiprocessing
import os
import re
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Final, Literal, NamedTuple

from textblob.base import CONTINUOUS, BaseSentimentAnalyzer

from analysis import english_sentiment, spanish_lexicon
from analysis.language import UNDETERMINED, LanguageCode, check_language, detect
from analysis.language import warm_up as _load_language_detector
from analysis.spanish_model import load_model, tokenize

Label = Literal["negative", "neutral", "positive"]

#: Answers with abs(polarity) below this are "neutral" (VADER's threshold for its compound).
NEUTRAL_BAND: Final = 0.05
#: analyze_many() spreads batches of at least this many texts over worker processes.
POOL_THRESHOLD: Final = 4_000
#: Texts sent to a worker at a time: big enough that pickling costs little, small enough that
#: both workers finish together.
CHUNK_SIZE: Final = 2_000
#: The naive Bayes log-likelihood ratio that counts as "clearly positive" in a short answer
#: (tanh(1) = 0.76): one strong word such as "excelente" scores about 3.3. Longer answers are
#: scaled by their number of words instead.
_SPANISH_EVIDENCE_SCALE: Final = 4.0
#: When the lexicon finds sentiment in an answer of up to `_SHORT_ANSWER` words it counts this
#: much, the naive Bayes model the rest: the model learned from long hotel and restaurant
#: reviews, where "problema", "llamé" or "el dinero" come from complaints, so on a short service
#: answer ("me devolvieron el dinero en dos días") it mostly reads the topic, not the verdict.
#: From `_SHORT_ANSWER` to `_LONG_ANSWER` words the weight slides back to an even mean.
_SHORT_ANSWER_LEXICON_WEIGHT: Final = 0.75
_SHORT_ANSWER: Final = 20
_LONG_ANSWER: Final = 40
_LETTER = re.compile(r"[^\W\d_]")


@dataclass(frozen=True, slots=True)
class Sentiment:
    """The sentiment of one answer."""

    #: -1 (negative) ... 1 (positive)
    polarity: float
    label: Label
    #: "en", "es", or "und" when the language could not be told (no letters, no fallback)
    language: LanguageCode


class Polarity(NamedTuple):
    """What Heard's analyzers return through TextBlob's interface (``blob.sentiment``)."""

    polarity: float


# textblob ships no type hints, so mypy sees its base class as Any.
class EnglishAnalyzer(BaseSentimentAnalyzer):  # type: ignore[misc]
    """TextBlob analyzer: mean of TextBlob's PatternAnalyzer and VADER polarity."""

    kind = CONTINUOUS

    def train(self) -> None:
        """Load the lexicons (TextBlob calls this before the first analyze)."""
        super().train()
        english_sentiment.warm_up()

    def analyze(self, text: str) -> Polarity:
        """Return the polarity of English `text`."""
        super().analyze(text)
        return Polarity(english_sentiment.polarity(text))


class SpanishAnalyzer(BaseSentimentAnalyzer):  # type: ignore[misc]
    """TextBlob analyzer for Spanish: naive Bayes n-grams plus a lexicon with negation."""

    kind = CONTINUOUS

    def train(self) -> None:
        """Load the model (TextBlob calls this before the first analyze)."""
        super().train()
        load_model()
        spanish_lexicon.lexicon()

    def analyze(self, text: str) -> Polarity:
        """Return the polarity of Spanish `text`."""
        super().analyze(text)
        return Polarity(spanish_polarity(text))


def spanish_polarity(text: str) -> float:
    """Return the weighted mean of the naive Bayes and lexicon polarities of Spanish `text`.

    Naive Bayes counts each of a long review's hundreds of n-grams as independent evidence,
    so its confidence grows with length whatever the review says: past four words Heard
    takes its evidence per word. It also reads n-grams without context, so a sentiment
    word the lexicon saw negated ("no estuvo nada *mal*") has its one-word evidence reversed.
    On short answers where the lexicon finds sentiment, the lexicon counts more (see
    `_SHORT_ANSWER_LEXICON_WEIGHT`); with no lexicon word the model's polarity is halved, as
    the mean with a silent lexicon always was.
    """
    lexicon_score = spanish_lexicon.score(text)
    model = load_model()
    tokens = tokenize(text)
    evidence = model.evidence_of_tokens(tokens)
    for word in lexicon_score.negated:
        evidence -= 2.0 * model.weights.get(word, 0.0)
    model_polarity = math.tanh(evidence / max(_SPANISH_EVIDENCE_SCALE, float(len(tokens))))
    weight = _lexicon_weight(len(tokens)) if lexicon_score.raw else 0.5
    return (1.0 - weight) * model_polarity + weight * lexicon_score.polarity


def _lexicon_weight(words: int) -> float:
    """Return the lexicon's share of a Spanish polarity: 0.75 for short answers, 0.5 for long."""
    shortness = (_LONG_ANSWER - words) / (_LONG_ANSWER - _SHORT_ANSWER)
    return 0.5 + (_SHORT_ANSWER_LEXICON_WEIGHT - 0.5) * min(1.0, max(0.0, shortness))


def label_for(polarity: float) -> Label:
    """Return the label of a polarity, with `NEUTRAL_BAND` around 0 counted as neutral."""
    if polarity >= NEUTRAL_BAND:
        return "positive"
    if polarity <= -NEUTRAL_BAND:
        return "negative"
    return "neutral"


def _polarity(text: str, language: LanguageCode) -> float:
    if _LETTER.search(text) is None:
        # "👍", ":(", "10/10": TextBlob and VADER ignore emoji; the lexicon's symbol table
        # reads them the same in both languages.
        return spanish_lexicon.polarity(text)
    if language == "es":
        return spanish_polarity(text)
    return english_sentiment.polarity(text)


def analyze(text: str, language: str | None = None, fallback: str | None = None) -> Sentiment:
    """Return the sentiment of one answer.

    `language` ("en" / "es") is trusted as given; None detects it. `fallback` is the survey's
    language, used when detection cannot tell: answers of one or two words and answers with no
    letters (see analysis.language.detect). Without either, such answers may be "und".
    """
    code = check_language(language) or detect(text, fallback)
    polarity = _polarity(text, code)
    return Sentiment(polarity=polarity, label=label_for(polarity), language=code)


def analyze_many(
    texts: Sequence[str],
    languages: Sequence[str | None] | None = None,
    fallback: str | None = None,
    *,
    processes: int | None = None,
) -> list[Sentiment]:
    """Return the sentiment of each text, in order, as `analyze` would.

    `languages`, if given, holds one language (or None to detect) per text. Batches of at least
    `POOL_THRESHOLD` texts are scored by `processes` worker processes (default: one per CPU);
    smaller batches, or ``processes=1``, stay in this process.
    """
    if languages is not None and len(languages) != len(texts):
        raise ValueError(f"{len(languages)} languages given for {len(texts)} texts")
    check_language(fallback)
    wanted: list[LanguageCode | None] = (
        [check_language(code) for code in languages] if languages else [None] * len(texts)
    )
    workers = min(processes or os.cpu_count() or 1, math.ceil(len(texts) / CHUNK_SIZE))
    if len(texts) < POOL_THRESHOLD or workers < 2:
        return _sentiments(_score_chunk((list(texts), wanted, fallback)))
    context = _pool_context()
    if context.get_start_method() == "fork":
        warm_up()  # forked workers inherit the loaded models instead of each loading them
    chunks = [
        (list(texts[start : start + CHUNK_SIZE]), wanted[start : start + CHUNK_SIZE], fallback)
        for start in range(0, len(texts), CHUNK_SIZE)
    ]
    with context.Pool(workers, initializer=warm_up) as pool:
        return _sentiments(scored for chunk in pool.imap(_score_chunk, chunks) for scored in chunk)


_Chunk = tuple[list[str], list[LanguageCode | None], str | None]
_Scored = tuple[float, LanguageCode]


def _score_chunk(chunk: _Chunk) -> list[_Scored]:
    """Return (polarity, language) per text."""
    # Plain tuples, not Sentiment: they pickle ~50 times faster on their way back from a worker.
    texts, languages, fallback = chunk
    scored = []
    for text, given in zip(texts, languages, strict=True):
        code = given or detect(text, fallback)
        scored.append((_polarity(text, code), code))
    return scored


def _sentiments(scored: Iterable[_Scored]) -> list[Sentiment]:
    return [Sentiment(p, label_for(p), code) for p, code in scored]


def _pool_context() -> Any:
    """Fork when that is safe (it shares the loaded models for free), else spawn fresh workers.

    Forking a process that runs other threads can deadlock the child, so a threaded host
    (a web server, lingua's parallel mode) gets spawned workers, which load the models again.
    """
    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods and threading.active_count() == 1 and _os_threads() == 1:
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


def _os_threads() -> int:
    try:
        return len(os.listdir("/proc/self/task"))
    except OSError:
        return 1 if threading.active_count() == 1 else 2


def warm_up() -> None:
    """Load every model now (about 1 s, ~140 MB) instead of on the first answers."""
    english_sentiment.warm_up()
    load_model()
    spanish_lexicon.lexicon()
    _load_language_detector()


__all__ = [
    "NEUTRAL_BAND",
    "POOL_THRESHOLD",
    "UNDETERMINED",
    "EnglishAnalyzer",
    "Label",
    "Polarity",
    "Sentiment",
    "SpanishAnalyzer",
    "analyze",
    "analyze_many",
    "label_for",
    "spanish_polarity",
]
