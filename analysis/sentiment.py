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

from analysis import english_sentiment, intents, irony, spanish_lexicon
from analysis.clauses import split_clauses
from analysis.language import (
    SHORT_ANSWER_WORDS,
    UNDETERMINED,
    LanguageCode,
    check_language,
    detect,
)
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
#: A short answer in which the lexicon finds no sentiment ("llamé para cambiar mi dirección") is
#: mostly narration: the model, which reads topics, counts only 20 % there (it counted 50 %,
#: which labelled plain requests negative; the ranking of short answers did not suffer).
_SILENT_LEXICON_WEIGHT: Final = 0.8
_LONG_ANSWER: Final = 40
_LETTER = re.compile(r"[^\W\d_]")
_WORD = re.compile(r"[^\W\d_]+")
# "10/10", "9 out of 10", "5 stars", "5 estrellas", "1 star", "0/10": ratings written in the text.
_RATING = re.compile(
    r"(?<![\d.,])(10|[0-9](?:[.,]5)?)\s*(?:/|out of|de|sobre)\s*(10|5)(?![\d.,])"
    r"|(?<![\d.,])([0-5]|zero|cero|one|una|five|cinco)\s*(?:stars?|estrellas?)\b",
    re.IGNORECASE,
)
#: Answers up to this many characters (about 20 words) are scored whole unless they hold a
#: contrast word.
_SHORT_TEXT_CHARACTERS: Final = 120
# Sentence punctuation or a contrast word: only then can an answer hold several clauses.
_MAYBE_SEVERAL_CLAUSES = re.compile(
    r"[.!?;…\n¡¿]|\b(?:but|however|although|though|yet|nevertheless|pero|aunque|embargo"
    r"|obstante|mas)\b",
    re.IGNORECASE,
)
_MAYBE_CONTRAST = re.compile(
    r"\b(?:but|however|although|though|yet|nevertheless|pero|aunque|embargo|obstante|mas)\b",
    re.IGNORECASE,
)
_MAYBE_RATING = re.compile(r"\d|star|estrella", re.IGNORECASE)
_RATING_WORDS: Final = {"zero": 0.0, "cero": 0.0, "one": 1.0, "una": 1.0, "five": 5.0, "cinco": 5.0}
#: The polarity of a top or bottom rating ("10/10", "1 star"); ratings between map linearly.
_RATING_POLARITY: Final = 0.6


class Thresholds(NamedTuple):
    """Where a polarity becomes a label, for one language and length of answer.

    Polarity at or below `negative` is "negative", at or above `positive` "positive", and
    in between "neutral": the scorer is unsure there. Beyond `confident_negative` /
    `confident_positive` the text is clear enough to contradict a score (see `contradicts`).
    """

    negative: float
    positive: float
    confident_negative: float
    confident_positive: float


#: Upper word counts of the length bands: survey answers (up to 20 words), longer comments (up
#: to 60) and reviews. Longer texts carry sentiment words of both signs, so their polarity
#: drifts and each band gets its own thresholds.
LENGTH_BANDS: Final = (20, 60)
#: Label and confidence thresholds per (language, length band). Chosen by measuring, not by
#: training: the label cuts are, per band, the pair with the best balanced accuracy among
#: those that give at most 10 % of either class the opposite label on each public file in
#: that band (a search on a 0.005 grid, docs/sentiment.md); the confidence thresholds give
#: about 5 % of one class a confident opposite label, and are never inside the label cuts.
THRESHOLDS: Final[dict[tuple[str, int], Thresholds]] = {
    ("en", 0): Thresholds(-0.005, 0.205, -0.10, 0.35),
    ("en", 1): Thresholds(-0.035, 0.315, -0.17, 0.40),
    ("en", 2): Thresholds(0.085, 0.195, 0.04, 0.26),
    ("es", 0): Thresholds(-0.15, 0.06, -0.25, 0.30),
    ("es", 1): Thresholds(0.015, 0.485, -0.19, 0.485),
    # Shared by the hotel reviews (3 classes) and the long SFU reviews: the cuts keep both
    # within the caps and favour the SFU reviews, the weaker of the two; -0.05, not the best
    # -0.04, which left the SFU positives exactly at the 10 % cap.
    ("es", 2): Thresholds(-0.05, 0.20, -0.19, 0.34),
}


@dataclass(frozen=True, slots=True)
class Sentiment:
    """The sentiment of one answer."""

    #: -1 (negative) ... 1 (positive)
    polarity: float
    label: Label
    #: "en", "es", or "und" when the language could not be told (no letters, no fallback)
    language: LanguageCode
    #: whether the words are clear enough to contradict a score (see `contradicts`)
    confident: bool = False
    #: statements found in the answer (churn, not heard, ...: see analysis.intents)
    intents: frozenset[intents.Intent] = frozenset()


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
    `_SHORT_ANSWER_LEXICON_WEIGHT`); with no lexicon word the model's polarity is cut to a
    fifth in short answers (`_SILENT_LEXICON_WEIGHT`) and halved in longer ones.
    """
    lexicon_score = spanish_lexicon.score(text)
    model = load_model()
    tokens = tokenize(text)
    evidence = model.evidence_of_tokens(tokens)
    for word in lexicon_score.negated:
        evidence -= 2.0 * model.weights.get(word, 0.0)
    model_polarity = math.tanh(evidence / max(_SPANISH_EVIDENCE_SCALE, float(len(tokens))))
    if lexicon_score.raw:
        weight = _lexicon_weight(len(tokens))
    else:
        weight = _SILENT_LEXICON_WEIGHT if len(tokens) <= _SHORT_ANSWER else 0.5
    return (1.0 - weight) * model_polarity + weight * lexicon_score.polarity


def _lexicon_weight(words: int) -> float:
    """Return the lexicon's share of a Spanish polarity: 0.75 for short answers, 0.5 for long."""
    shortness = (_LONG_ANSWER - words) / (_LONG_ANSWER - _SHORT_ANSWER)
    return 0.5 + (_SHORT_ANSWER_LEXICON_WEIGHT - 0.5) * min(1.0, max(0.0, shortness))


def thresholds_for(language: str, words: int) -> Thresholds:
    """Return the label thresholds for an answer of `words` words in `language`."""
    band = sum(words > edge for edge in LENGTH_BANDS)
    return THRESHOLDS.get((language, band), THRESHOLDS["en", band])


def label_for(polarity: float, language: str | None = None, words: int = 0) -> Label:
    """Return the label of a polarity.

    With `language` ("en" / "es", and the answer's number of `words`) the calibrated
    `THRESHOLDS` apply; without it, `NEUTRAL_BAND` around 0 is neutral.
    """
    if language is None:
        negative, positive = -NEUTRAL_BAND, NEUTRAL_BAND
    else:
        negative, positive, _, _ = thresholds_for(language, words)
    if polarity >= positive:
        return "positive"
    if polarity <= negative:
        return "negative"
    return "neutral"


def is_confident(polarity: float, language: str, words: int) -> bool:
    """Return whether `polarity` is clear enough to contradict a score."""
    _, _, negative, positive = thresholds_for(language, words)
    return polarity <= negative or polarity >= positive


def contradicts(score: int, sentiment: Sentiment) -> bool:
    """Return whether an NPS answer (0-10) and its text's sentiment contradict each other.

    A promoter (9-10) whose words are confidently negative, or a detractor (0-6) whose words
    are confidently positive; passives (7-8) and unsure texts never count. The confidence
    thresholds keep honest answers' false mismatches near 5 % (docs/analysis.md).
    """
    if not sentiment.confident:
        return False
    if score >= 9:
        return sentiment.label == "negative"
    if score <= 6:
        return sentiment.label == "positive"
    return False


def _scorer_polarity(text: str, language: LanguageCode, *, correct: bool = True) -> float:
    """Return the polarity of one clause in `language`, near-misses of sentiment words fixed."""
    if language == "es":
        fixed = spanish_lexicon.near_misses().correct(text) if correct else text
        return spanish_polarity(fixed)
    fixed = english_sentiment.near_misses().correct(text) if correct else text
    return english_sentiment.polarity(fixed)


def _clause_polarity(text: str, language: LanguageCode) -> float:
    """Return the weighted mean polarity of the clauses that carry any sentiment.

    The clause after "but" / "pero" counts `clauses.AFTER_CONTRAST`, the one before it
    `clauses.BEFORE_CONTRAST`. Silent clauses ("I called on Monday.") are left out, so a long
    answer is not pulled to neutral by its narration. Spanish averages that with the polarity
    of the whole answer: its naive Bayes model weighs evidence across the whole text, and the
    mean ranked the public Spanish reviews better than either (docs/sentiment.md).
    """
    if _MAYBE_SEVERAL_CLAUSES.search(text) is None:
        return _scorer_polarity(text, language)
    if _MAYBE_CONTRAST.search(text) is None and len(text) <= _SHORT_TEXT_CHARACTERS:
        # A short answer of plain sentences ("Fast. Friendly.") weighs them alike, which the
        # scorers do on the whole text at a fraction of the cost.
        return _scorer_polarity(text, language)
    clauses = split_clauses(text, None if language == UNDETERMINED else language)
    if len(clauses) <= 1:
        return _scorer_polarity(text, language)
    total = weights = 0.0
    for clause in clauses:
        polarity = _scorer_polarity(clause.text, language)
        if polarity:
            total += clause.weight * polarity
            weights += clause.weight
    by_clause = total / weights if weights else 0.0
    if language == "es":
        return (by_clause + _scorer_polarity(text, language)) / 2.0
    return by_clause


def _ironic(text: str, language: LanguageCode) -> bool:
    if not irony.may_be_ironic(text):
        return False
    if irony.always_ironic(text):
        return True
    opener = irony.opener(text)
    if opener is None:
        return False
    rest = _scorer_polarity(opener.rest, language)
    negative, positive, _, _ = thresholds_for(language, len(opener.rest.split()))
    return irony.ironic(text, rest, negative, positive)


def _rating(text: str) -> float | None:
    """Return the polarity of a rating written in the answer ("10/10", "2 stars"), if any."""
    match = _RATING.search(text)
    if match is None:
        return None
    given, scale, stars = match.groups()
    if stars is not None:
        value = _RATING_WORDS.get(stars.lower())
        share = (float(stars) if value is None else value) / 5.0
    else:
        share = float(given.replace(",", ".")) / float(scale)
        if share > 1.0:
            return None
    # 50-70 % of the scale is lukewarm; below it is bad, above it good.
    return max(-1.0, min(1.0, (share - 0.6) / 0.4)) * _RATING_POLARITY


def _polarity(text: str, language: LanguageCode) -> float:
    rating = _rating(text) if _MAYBE_RATING.search(text) else None
    if _LETTER.search(text) is None:
        # "👍", ":(", "10/10": TextBlob and VADER ignore emoji; the lexicon's symbol table
        # reads them the same in both languages.
        symbols = spanish_lexicon.polarity(text)
        return symbols if rating is None else (symbols + rating) / (2.0 if symbols else 1.0)
    polarity = _clause_polarity(text, language)
    if rating is not None:
        polarity = (polarity + rating) / 2.0 if polarity else rating
    if _ironic(text, language):
        return min(polarity, irony.IRONIC_POLARITY)
    return polarity


def _language(text: str, given: LanguageCode | None, fallback: str | None) -> LanguageCode:
    """Return the language to score `text` in: the survey's is a prior, not an override.

    A one- or two-word answer takes the survey's language unless that language's scorers find
    no sentiment in it while the other language's find a confident one (`is_confident`) and
    the detector, left to itself, agrees:
    "excellent" in a Spanish survey is English, "pésimo servicio" in an English one Spanish.
    """
    if given is not None:
        return given
    code = detect(text, fallback)
    if code != fallback or code == UNDETERMINED:
        return code
    # Spelling correction stays off here: "excelente" is one edit from "excellent".
    if len(_WORD.findall(text)) > SHORT_ANSWER_WORDS or _scorer_polarity(text, code, correct=False):
        return code
    other: LanguageCode = "en" if code == "es" else "es"
    if not is_confident(_scorer_polarity(text, other, correct=False), other, 1):
        return code
    return other if detect(text) == other else code


def _sentiment(
    text: str, polarity: float, language: LanguageCode, found: frozenset[intents.Intent]
) -> Sentiment:
    words = len(_WORD.findall(text))
    scored_as = "en" if language == UNDETERMINED else language
    return Sentiment(
        polarity=polarity,
        label=label_for(polarity, scored_as, words),
        language=language,
        confident=is_confident(polarity, scored_as, words),
        intents=found,
    )


def analyze(text: str, language: str | None = None, fallback: str | None = None) -> Sentiment:
    """Return the sentiment of one answer, with the statements it makes (`intents`).

    `language` ("en" / "es") is trusted as given; None detects it. `fallback` is the survey's
    language, used when detection cannot tell: answers of one or two words and answers with no
    letters (see analysis.language.detect). Without either, such answers may be "und".
    """
    check_language(fallback)
    code = _language(text, check_language(language), fallback)
    return _sentiment(text, _polarity(text, code), code, intents.detect(text, code))


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
        return _sentiments(texts, _score_chunk((list(texts), wanted, fallback)))
    context = _pool_context()
    if context.get_start_method() == "fork":
        warm_up()  # forked workers inherit the loaded models instead of each loading them
    chunks = [
        (list(texts[start : start + CHUNK_SIZE]), wanted[start : start + CHUNK_SIZE], fallback)
        for start in range(0, len(texts), CHUNK_SIZE)
    ]
    with context.Pool(workers, initializer=warm_up) as pool:
        scored = [each for chunk in pool.imap(_score_chunk, chunks) for each in chunk]
    return _sentiments(texts, scored)


_Chunk = tuple[list[str], list[LanguageCode | None], str | None]
# Intents travel as plain strings: enum members pickle by class lookup, far slower.
_Scored = tuple[float, LanguageCode, tuple[str, ...]]
_NO_INTENTS: frozenset[intents.Intent] = frozenset()


def _score_chunk(chunk: _Chunk) -> list[_Scored]:
    """Return (polarity, language) per text."""
    # Plain tuples, not Sentiment: they pickle ~50 times faster on their way back from a worker.
    texts, languages, fallback = chunk
    scored = []
    for text, given in zip(texts, languages, strict=True):
        code = _language(text, given, fallback)
        found = tuple(intent.value for intent in intents.detect(text, code))
        scored.append((_polarity(text, code), code, found))
    return scored


def _sentiments(texts: Sequence[str], scored: Iterable[_Scored]) -> list[Sentiment]:
    return [
        _sentiment(
            text, polarity, code, frozenset(map(intents.Intent, found)) if found else _NO_INTENTS
        )
        for text, (polarity, code, found) in zip(texts, scored, strict=True)
    ]


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
    spanish_lexicon.near_misses()
    intents.warm_up()
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
    "THRESHOLDS",
    "Thresholds",
    "analyze",
    "analyze_many",
    "contradicts",
    "is_confident",
    "label_for",
    "thresholds_for",
    "spanish_polarity",
]
