"""Themes: the phrases customers repeat, how they feel about them, and what drives the score.

    >>> report = extract(answers, "es", scores=nps_scores)
    >>> [t.phrase for t in report.themes]            # most mentioned first
    >>> [t.phrase for t in report.detractor_themes]  # said far more by detractors (0-6)

Each answer is cut into words, the words are reduced to their dictionary form with simplemma
("habitaciones" -> "habitación", "waited" -> "wait"), stop words (stopwordsiso, minus a few
words that matter in feedback such as "problem", "order", "tiempo") are dropped, and every
remaining word and every pair of neighbouring remaining words within a clause is a phrase:
"me sentí como en casa" gives "sentir", "casa" and "sentir casa". A negation opens a pair but is
no theme on its own: "no me ayudaron" gives "no ayudar".

With NPS scores, phrases are compared between detractors (0-6) and promoters (9-10) with the
log-odds ratio and an informative Dirichlet prior (Monroe, Colaresi & Quinn 2008, "Fightin'
Words"): the prior is how often each phrase appears across all answers, which keeps rare
phrases from topping the list by chance. Its z-score says how sure the difference is; beyond
±1.96 a phrase is listed as a detractor or promoter theme.

Everything is counted once per answer and ties are broken by the phrase. The examples are the
first two answers (in the order given, of at most 40 words when there are such) that mention the
phrase, taken from detractors for a detractor theme and from promoters for a promoter theme:
the same input gives the same report.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Final

#: |z| at or above this lists a phrase as a detractor or promoter theme (95 %, two-sided).
Z_SIGNIFICANT: Final = 1.96
#: NPS groups, as in analysis.nps: 0-6 detractors, 9-10 promoters.
DETRACTOR_MAX: Final = 6
PROMOTER_MIN: Final = 9
#: Answers of more words than this are quoted as examples only when no shorter one exists.
EXAMPLE_MAX_WORDS: Final = 40
#: Unigrams whose occurrences are mostly inside one listed pair are left out ("casa" under
#: "sentir casa").
_SUBSUMED: Final = 0.8

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
_CLAUSE = re.compile(r"[.,;:!?¡¿()\[\]\n\"“”]+")


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# stopwordsiso lists some words that are exactly what feedback is about; keep their lemmas.
_KEEP = {
    "en": _words(
        """
        help problem order room value work call great good best better bad line home information
        system member website site page free early long small big large high old new full empty
        open clear year
        """
    ),
    "es": _words(
        """
        bueno bien mal malo mejor peor tiempo día hora lugar trabajo cuenta tarde temprano nuevo
        claro
        """
    ),
}
# simplemma's lemma is wrong or unhelpful for a few feedback words.
_LEMMA_FIXES: dict[str, dict[str, str]] = {
    "en": {},
    "es": {"gracias": "gracias"},
}
_NEGATIONS = {
    "en": frozenset(("no", "not", "never", "without", "nothing", "nobody")),
    "es": frozenset(("no", "nunca", "jamás", "sin", "nada", "nadie", "tampoco", "ni")),
}


@dataclass(frozen=True, slots=True)
class Theme:
    """A phrase that answers share."""

    #: dictionary forms, e.g. "sentir casa"
    phrase: str
    #: answers that mention it
    count: int
    #: count / all answers
    share: float
    #: mean sentiment polarity (-1...1) of those answers
    mean_polarity: float
    #: up to two answers that mention it, as written
    examples: tuple[str, ...]
    #: of those answers, how many came from detractors and from promoters (0 without scores)
    detractors: int = 0
    promoters: int = 0
    #: log-odds z-score, promoters against detractors: > 0 said more by promoters, < 0 by
    #: detractors; None without scores
    z_score: float | None = None


@dataclass(frozen=True, slots=True)
class ThemeReport:
    """The themes of a set of answers in one language."""

    language: str
    answers: int
    #: most mentioned first
    themes: tuple[Theme, ...]
    #: z <= -Z_SIGNIFICANT, most detractor-typical first (empty without scores)
    detractor_themes: tuple[Theme, ...]
    #: z >= Z_SIGNIFICANT, most promoter-typical first (empty without scores)
    promoter_themes: tuple[Theme, ...]


@dataclass(slots=True)
class _Tally:
    """Running counts over the answers, phrase by phrase."""

    counts: Counter[str] = field(default_factory=Counter)
    detractors: Counter[str] = field(default_factory=Counter)
    promoters: Counter[str] = field(default_factory=Counter)
    polarity_sums: dict[str, float] = field(default_factory=dict)
    #: the first answer that mentions each phrase, whatever its length
    first: dict[str, int] = field(default_factory=dict)
    #: the first two quotable answers per phrase: overall, from detractors, from promoters
    examples: dict[str, list[int]] = field(default_factory=dict)
    detractor_examples: dict[str, list[int]] = field(default_factory=dict)
    promoter_examples: dict[str, list[int]] = field(default_factory=dict)

    def add(self, index: int, found: set[str], polarity: float, group: str, quotable: bool) -> None:
        """Count one answer's phrases."""
        self.counts.update(found)
        group_examples = None
        if group == "detractor":
            self.detractors.update(found)
            group_examples = self.detractor_examples
        elif group == "promoter":
            self.promoters.update(found)
            group_examples = self.promoter_examples
        sums, first = self.polarity_sums, self.first
        for phrase in found:
            sums[phrase] = sums.get(phrase, 0.0) + polarity
            first.setdefault(phrase, index)
        if quotable:
            _note_examples(self.examples, found, index)
            if group_examples is not None:
                _note_examples(group_examples, found, index)

    def quotes(self, phrase: str, side: str) -> list[int]:
        """Return up to two answers to quote for `phrase`, from `side` when it has them."""
        by_side = {"detractor": self.detractor_examples, "promoter": self.promoter_examples}
        chosen = by_side.get(side, self.examples).get(phrase) or self.examples.get(phrase)
        return chosen or [self.first[phrase]]


def _note_examples(examples: dict[str, list[int]], found: set[str], index: int) -> None:
    for phrase in found:
        chosen = examples.get(phrase)
        if chosen is None:
            examples[phrase] = [index]
        elif len(chosen) < 2:
            chosen.append(index)


def extract(
    texts: Sequence[str],
    language: str,
    scores: Sequence[int | None] | None = None,
    *,
    polarities: Sequence[float] | None = None,
    limit: int = 20,
    min_count: int | None = None,
) -> ThemeReport:
    """Return the themes of `texts` (answers in `language`, "en" or "es").

    `scores`: the NPS score (0-10, or None) given with each answer; with them the report says
    which themes separate detractors from promoters. `polarities`: each answer's sentiment
    polarity if already known (else analysis.sentiment computes it). Phrases mentioned by
    fewer than `min_count` answers are left out (default: 2, or one answer in a thousand).
    """
    if language not in _KEEP:
        raise ValueError(f"unsupported language {language!r}: expected 'en' or 'es'")
    if scores is not None and len(scores) != len(texts):
        raise ValueError(f"{len(scores)} scores given for {len(texts)} texts")
    if polarities is None:
        from analysis.sentiment import analyze_many

        polarities = [s.polarity for s in analyze_many(texts, [language] * len(texts))]
    elif len(polarities) != len(texts):
        raise ValueError(f"{len(polarities)} polarities given for {len(texts)} texts")
    minimum = min_count if min_count is not None else max(2, round(len(texts) / 1000))
    tally = _count(texts, language, scores, polarities)
    frequent = sorted(
        (p for p, n in tally.counts.items() if n >= minimum), key=lambda p: (-tally.counts[p], p)
    )
    z_scores = _log_odds_z(tally) if scores is not None else {}

    def theme(phrase: str, side: str = "") -> Theme:
        count = tally.counts[phrase]
        return Theme(
            phrase=phrase,
            count=count,
            share=count / len(texts),
            mean_polarity=tally.polarity_sums[phrase] / count,
            examples=tuple(texts[i] for i in tally.quotes(phrase, side)),
            detractors=tally.detractors[phrase],
            promoters=tally.promoters[phrase],
            z_score=z_scores.get(phrase),
        )

    by_z = sorted((p for p in frequent if p in z_scores), key=lambda p: (z_scores[p], p))
    detractor_side = [p for p in by_z if z_scores[p] <= -Z_SIGNIFICANT]
    promoter_side = [p for p in reversed(by_z) if z_scores[p] >= Z_SIGNIFICANT]
    counts = tally.counts.__getitem__
    return ThemeReport(
        language=language,
        answers=len(texts),
        themes=tuple(theme(p) for p in _without_subsumed(frequent, counts, limit)),
        detractor_themes=tuple(
            theme(p, "detractor") for p in _without_subsumed(detractor_side, counts, limit)
        ),
        promoter_themes=tuple(
            theme(p, "promoter") for p in _without_subsumed(promoter_side, counts, limit)
        ),
    )


def phrases(text: str, language: str) -> set[str]:
    """Return the phrases (lemmatised words and neighbouring pairs) of one answer."""
    return _phrase_finder(language)(text)


def _count(
    texts: Sequence[str],
    language: str,
    scores: Sequence[int | None] | None,
    polarities: Sequence[float],
) -> _Tally:
    find = _phrase_finder(language)
    tally = _Tally()
    for index, text in enumerate(texts):
        found = find(text)
        if not found:
            continue
        score = scores[index] if scores is not None else None
        group = ""
        if score is not None:
            group = "detractor" if score <= DETRACTOR_MAX else ""
            group = "promoter" if score >= PROMOTER_MIN else group
        quotable = text.count(" ") < EXAMPLE_MAX_WORDS
        tally.add(index, found, polarities[index], group, quotable)
    return tally


def _log_odds_z(tally: _Tally) -> dict[str, float]:
    """Return each phrase's z-score, promoters against detractors (Monroe et al. 2008, eq. 22).

    The informative Dirichlet prior is every phrase's count over all answers (passives and
    unscored answers included), so alpha_0 is the total count: the usual background-corpus
    choice, and a conservative one, since the prior weighs as much as the data. On a few dozen
    answers hardly any phrase reaches +-1.96; on a few hundred the clear ones do.
    """
    prior = tally.counts
    alpha_0 = sum(prior.values())
    n_promoters = sum(tally.promoters.values())
    n_detractors = sum(tally.detractors.values())
    z_scores = {}
    for phrase in tally.detractors.keys() | tally.promoters.keys():
        alpha = prior[phrase]
        promoters = tally.promoters[phrase] + alpha
        detractors = tally.detractors[phrase] + alpha
        delta = math.log(promoters / (n_promoters + alpha_0 - promoters)) - math.log(
            detractors / (n_detractors + alpha_0 - detractors)
        )
        z_scores[phrase] = delta / math.sqrt(1.0 / promoters + 1.0 / detractors)
    return z_scores


def _without_subsumed(ranked: Sequence[str], counts: Callable[[str], int], limit: int) -> list[str]:
    """Take up to `limit` phrases in order, minus words found mostly inside a ranked pair."""
    in_pairs: dict[str, int] = {}  # word -> largest count of a ranked pair containing it
    for phrase in ranked:
        words = phrase.split(" ")
        if len(words) == 2:
            for word in words:
                in_pairs[word] = max(in_pairs.get(word, 0), counts(phrase))
    taken = [
        phrase
        for phrase in ranked
        if " " in phrase or in_pairs.get(phrase, 0) < _SUBSUMED * counts(phrase)
    ]
    return taken[:limit]


@cache
def _phrase_finder(language: str) -> Callable[[str], set[str]]:
    """Return a function text -> phrases for `language`, with its own lemma cache."""
    return _PhraseFinder(language).find


class _PhraseFinder:
    """Cut answers into phrases, remembering each word's lemma (feedback repeats its words)."""

    _NEGATION = "!"  # marks a negation in the lemma cache

    def __init__(self, language: str) -> None:
        import simplemma
        import stopwordsiso

        self._lemmatize = simplemma.lemmatize
        self._language = language
        self._stop = frozenset(stopwordsiso.stopwords(language))
        self._keep = _KEEP[language]
        self._negations = _NEGATIONS[language]
        self._fixes = _LEMMA_FIXES[language]
        self._lemmas: dict[str, str] = {}  # token -> lemma; "" for stop words

    def _lemma_of(self, token: str) -> str:
        if token in self._negations:
            return self._NEGATION
        lemma = self._fixes.get(token) or self._lemmatize(token, lang=self._language).lower()
        if lemma in self._keep:
            return str(lemma)
        if token in self._stop or lemma in self._stop or len(lemma) < 2:
            return ""
        return str(lemma)

    def find(self, text: str) -> set[str]:
        """Return the phrases of one answer."""
        found: set[str] = set()
        lemmas = self._lemmas
        for clause in _CLAUSE.split(text.lower()):
            previous = ""
            for token in _WORD.findall(clause):
                lemma = lemmas.get(token)
                if lemma is None:
                    lemma = lemmas[token] = self._lemma_of(token)
                if not lemma:
                    continue
                if lemma == self._NEGATION:
                    previous = token  # "no" opens a pair but is no theme on its own
                    continue
                found.add(lemma)
                if previous:
                    found.add(f"{previous} {lemma}")
                previous = lemma
        return found
