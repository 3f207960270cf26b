"""English polarity: TextBlob's lexicon and VADER, each as its authors compute it, only faster.

Measured on public labeled English (see docs/sentiment.md) the mean of TextBlob's PatternAnalyzer
polarity and VADER's compound score ranks answers better than either alone. `TextBlob(text)`
builds a blob, a parser and a new namedtuple class for every call; `pattern_polarity` runs the
same tokenizer and the same scoring rules over the same lexicon (en-sentiment.xml inside the
textblob wheel) with plain dictionaries, about three times faster. Its output is identical to
``TextBlob(text).sentiment.polarity``: tests/analysis/test_sentiment.py checks it on thousands
of varied texts.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any, NamedTuple


class _PatternLexicon(NamedTuple):
    #: word -> (polarity, subjectivity, intensity), averaged over senses, as pattern does
    entries: dict[str, tuple[float, float, float]]
    #: words the lexicon also knows as adverbs: they modify the next known word ("really good")
    adverbs: frozenset[str]
    #: lowercased emoticon -> polarity, first matching mood in TextBlob's order
    emoticons: dict[str, float]
    punctuation: str
    tokenize: Callable[[str], list[str]]


_NEGATIONS = frozenset(("no", "not", "n't", "never"))


@cache
def _pattern_lexicon() -> _PatternLexicon:
    from textblob import _text
    from textblob.en import sentiment as pattern_sentiment

    # A lazy dict: the first len() reads en-sentiment.xml and adds the "-ly" adverbs, exactly
    # as TextBlob's first use does (and does nothing if TextBlob got there first).
    len(pattern_sentiment)
    words: dict[str, dict[str | None, list[float]]] = dict(dict.items(pattern_sentiment))
    emoticons: dict[str, float] = {}
    for (_mood, polarity), faces in _text.EMOTICONS.items():
        for face in faces:
            emoticons.setdefault(face.lower(), polarity)
    return _PatternLexicon(
        entries={word: tuple(by_tag[None]) for word, by_tag in words.items()},  # type: ignore[misc]
        adverbs=frozenset(word for word, by_tag in words.items() if "RB" in by_tag),
        emoticons=emoticons,
        punctuation=_text.PUNCTUATION,
        tokenize=pattern_sentiment.tokenizer,
    )


def pattern_polarity(text: str) -> float:
    """Return ``TextBlob(text).sentiment.polarity``, computed without building a TextBlob.

    This follows textblob._text.Sentiment.assessments() rule by rule (part-of-speech is always
    None for plain strings); keep the two in step if textblob changes.
    """
    lex = _pattern_lexicon()
    entries, adverbs = lex.entries, lex.adverbs
    scored: list[list[Any]] = []  # [polarity, intensity, negated] per assessed word
    modifier: str | None = None
    negation: str | None = None
    for word in " ".join(lex.tokenize(text)).split():
        word = word.lower()
        entry = entries.get(word)
        if entry is not None:
            _assess_known(scored, entry, modifier is not None, negation is not None)
            modifier = word if word in adverbs else None
            negation = word if word in _NEGATIONS else None
            continue
        if word in _NEGATIONS:
            negation = word
        elif negation and len(word.strip("'")) > 1:
            negation = None
        if negation is not None and modifier is not None and modifier.endswith("ly"):
            scored[-1][2] = True  # "really not good"
            negation = None
        elif modifier and len(word) > 2:
            modifier = None
        _assess_unknown(scored, word, lex)
    total = 0  # an int start, as pattern's avg(): 0 + floats gives the same float sums
    for polarity, _intensity, negated in scored:
        total += polarity * -0.5 if negated else polarity
    return total / float(len(scored) or 1)


def _assess_known(
    scored: list[list[Any]], entry: tuple[float, float, float], modified: bool, negated: bool
) -> None:
    polarity, _subjectivity, intensity = entry
    if not modified:
        scored.append([polarity, intensity, False])
    else:  # "really good": the adverb's intensity scales this word's polarity
        last = scored[-1]
        last[0] = max(-1.0, min(polarity * last[1], 1.0))
        last[1] = intensity
    if negated:
        last = scored[-1]
        last[1] = 1.0 / last[1]
        last[2] = True


def _assess_unknown(scored: list[list[Any]], word: str, lex: _PatternLexicon) -> None:
    if word == "!" and scored:
        scored[-1][0] = max(-1.0, min(scored[-1][0] * 1.25, 1.0))
    if word == "(!)":
        scored.append([0.0, 1.0, False])  # sarcasm mark: counts as a neutral assessment
    # `not in punctuation` is a substring test on a str, as in pattern.
    if len(word) <= 5 and not word.isalpha() and word not in lex.punctuation:
        polarity = lex.emoticons.get(word)
        if polarity is not None:
            scored.append([polarity, 1.0, False])


@cache
def _vader() -> Any:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


def vader_compound(text: str) -> float:
    """Return VADER's compound score of `text` (-1...1)."""
    return float(_vader().polarity_scores(text)["compound"])


def polarity(text: str) -> float:
    """Return Heard's English polarity: the mean of TextBlob's and VADER's, -1...1."""
    return (pattern_polarity(text) + vader_compound(text)) / 2.0


def warm_up() -> None:
    """Load both lexicons now rather than on the first answer."""
    _pattern_lexicon()
    _vader()
