"""Themes: what customers talk about, how they feel about it, and what detractors say more.

    >>> report = extract(answers, "en", scores=nps_scores, ignore=["Acme Air"])
    >>> [t.phrase for t in report.themes]            # most mentioned first: "lost luggage", ...
    >>> [t.phrase for t in report.detractor_themes]  # said more by detractors (0-6), FDR 5 %

**Phrases.** @handles, web addresses, e-mail addresses, numbers and the names passed as
`ignore` (brands, places) are removed first. Each answer is cut into clauses
(`analysis.clauses`: sentence punctuation and contrast words such as "but" / "pero"), and each
clause into words. A phrase is one content word or two neighbouring ones: it never spans a
clause boundary, punctuation, a stop word or a contrast word, so "staff were lovely but the
room was dirty" gives "staff" and "room", never "lovely room". Three exceptions keep the
phrases customers write: a negation attaches to the next content word ("no me ayudaron",
"nobody helped"); in Spanish "de" / "del" / "al" may link two words ("tiempo de espera");
and pure sentiment words (great, bad, excelente, pésimo) are not themes but sentiment, so they
break phrases like stop words. Generic words (time, hour, día, vez) make phrases with a
neighbour ("wait time") but are no theme alone.

**Themes.** Words are grouped by their dictionary form (simplemma) reduced to a stem
(Snowball), so "cancel", "cancelled" and "cancellation" are one theme, as are "cancelled
flight" and "flight cancellation". A theme shows the phrase most often written and lists its
other written forms. Everything is counted once per answer.

**Sentiment of a theme** is aspect sentiment: the mean polarity of the clauses that mention it,
not of whole answers ("staff lovely but room dirty" counts positive for staff, negative for
room). Batches of `_POOL_THRESHOLD` answers or more are cut and scored in worker processes.

**Detractors against promoters.** Given NPS scores, each theme mentioned by at least
`MIN_TESTED` detractors and promoters together is tested with a two-proportion z-test (share
of detractors' answers mentioning it against share of promoters'), and the p-values of all
tested themes are corrected with Benjamini-Hochberg: a theme is listed on a side when its
corrected value is at most `FDR` (5 %), so on average at most one listed theme in twenty is
there by chance; when scores carry no information, at least 95 % of reports list nothing (96 %
in simulations). The filter looks only at how many scored answers mention a theme, not at which
side they come from, so the test stays valid.

**Quotes.** Each theme quotes up to two answers of at most `EXAMPLE_MAX_WORDS` words: from
detractors for a detractor theme and promoters for a promoter theme, whose clause sentiment
agrees with the theme's, most recent first when dates are given (else in the order given).
No answer is quoted under two themes of one report.

**From counts.** The app stores `mentions(text, language)` per answer, aggregates them in SQL
and calls `report_from_counts`, which returns the same `ThemeReport` as `extract` without
re-reading any text (`extract` itself is built on it).
"""

from __future__ import annotations

import datetime as dt
import math
import multiprocessing
import os
import re
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from enum import IntEnum
from functools import cache, lru_cache
from typing import Any, Final

from analysis.clauses import fold, split_clauses
from analysis.nps import NpsCategory, NpsCounts

#: |z| of a two-sided 95 % test without correction. Kept for callers; the listed sides use the
#: Benjamini-Hochberg verdict (`FDR`), which is stricter when many themes are tested.
Z_SIGNIFICANT: Final = 1.96
#: False discovery rate of the detractor / promoter sides.
FDR: Final = 0.05
#: NPS groups, as in analysis.nps: 0-6 detractors, 9-10 promoters.
DETRACTOR_MAX: Final = 6
PROMOTER_MIN: Final = 9
#: Answers of more words than this are not quoted.
EXAMPLE_MAX_WORDS: Final = 40
#: Quotes per theme.
QUOTES_PER_THEME: Final = 2
#: Candidate quotes kept per theme and NPS group (what the app fetches per theme in SQL).
QUOTE_CANDIDATES: Final = 6
#: A theme is tested only when at least this many detractors and promoters together mention
#: it: fewer could never reach 5 % after the correction, and each useless test costs power.
MIN_TESTED: Final = 10
#: Unigrams whose answers mostly also mention one listed pair are left out ("casa" under
#: "sentir casa").
_SUBSUMED: Final = 0.8

_WORD_OR_MARK = re.compile(r"([^\W\d_]+(?:['’][^\W\d_]+)*)|[^\s]")
# Handles, addresses and e-mails are blanked to "|" plus spaces, so offsets stay those of the
# answer (clauses are scored on the answer's own text) and no phrase joins across them.
_NOISE = re.compile(
    r"(?:https?://|www\.)\S+"
    r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
    r"|(?<![\w@])@\w+",
    re.IGNORECASE,
)


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# stopwordsiso lists some words that are exactly what feedback is about; keep their lemmas.
_KEEP: Final = {
    "en": _words(
        """
        help problem order room value work call line home information system member website
        site page
        """
    ),
    "es": _words("tiempo día hora lugar trabajo cuenta tarde temprano nuevo claro"),
}
#: Pure sentiment: they say how, not what. Compared on the word, its lemma and without accents.
_SENTIMENT: Final = {
    "en": _words(
        """
        good great bad best better worse worst excellent terrible awful amazing awesome
        fantastic wonderful horrible poor perfect nice fine ok okay love loved hate lovely
        brilliant superb outstanding dreadful happy unhappy satisfied dissatisfied
        disappointed disappointing disappointment pleased glad sad annoying annoyed
        frustrating frustrated pathetic ridiculous disgusting disgraceful shocking appalling
        fabulous incredible unbelievable decent mediocre average like dislike enjoy enjoyed
        wow thanks thank cool suck sucks crap rubbish garbage useless joke beautiful
        pleasant unpleasant impressive impressed exceptional lousy abysmal atrocious recommend
        recommended highly pretty perfectly stupid boring avoid
        """
    ),
    "es": _words(
        """
        bueno buen malo mal bien mejor peor excelente pésimo pesimo genial horrible terrible
        fatal fantástico maravilloso estupendo perfecto increíble magnífico espantoso
        lamentable deplorable desastre desastroso nefasto encantar encantado encantador gustar feliz
        contento satisfecho insatisfecho decepcionado decepción decepcionante satisfacción
        agradecido gracias vergüenza vergonzoso asqueroso ridículo penoso regular normal
        correcto aceptable buenísimo malísimo súper super fenomenal espectacular
        impresionante agradable desagradable mediocre basura recomendar recomendable
        hermoso lindo bonito precioso inmejorable disfrutar agradecer encanto
        """
    ),
}
#: Generic words: part of a phrase ("wait time", "tiempo de espera"), never a theme alone.
_GENERIC: Final = {
    "en": _words(
        """
        time hour minute day week month year thing way lot bit stuff everything something
        people one experience today yesterday tomorrow free early long small big large high
        low old new full empty open clear feel set read start include including use want need
        try review real job
        """
    ),
    "es": _words(
        """
        tiempo hora minuto día semana mes año vez cosa forma manera experiencia hoy ayer
        mañana gente algo todo pasar llegar dejar quedar volver nuevo grande pequeño alto
        bajo largo duda especial
        """
    ),
}
_NEGATIONS: Final = {
    "en": _words("no not never without nothing nobody none cannot can't don't didn't won't"),
    "es": _words("no nunca jamás sin nada nadie tampoco ni"),
}
#: Words that may link two content words into one phrase ("tiempo de espera").
_LINKS: Final = {"en": frozenset[str](), "es": _words("de del al")}
#: A negation still attaches to a content word this many stop words later ("no me lo dieron").
_NEGATION_REACH: Final = 2


class _Kind(IntEnum):
    BREAK = 0
    CONTENT = 1
    GENERIC = 2
    NEGATION = 3
    LINK = 4
    SENTIMENT = 5


@dataclass(frozen=True, slots=True)
class _Word:
    kind: _Kind
    stem: str


@dataclass(frozen=True, slots=True)
class Theme:
    """A topic that answers share: one or more written phrases grouped under one key."""

    #: the form customers write most often, e.g. "cancelled flight"
    phrase: str
    #: answers that mention it
    count: int
    #: count / all answers
    share: float
    #: mean sentiment polarity (-1...1) of the clauses that mention it
    mean_polarity: float
    #: up to two answers that mention it, as written
    examples: tuple[str, ...]
    #: of those answers, how many came from detractors and from promoters (0 without scores)
    detractors: int = 0
    promoters: int = 0
    #: two-proportion z, promoters against detractors: > 0 said more by promoters, < 0 by
    #: detractors; None without scores or when mentioned too little to test
    z_score: float | None = None
    #: stems that group its phrases, e.g. "cancel flight"
    key: str = ""
    #: every written form, most written first, e.g. ("cancelled flight", "flight cancelled")
    phrases: tuple[str, ...] = ()
    #: answers from passives (7-8) that mention it
    passives: int = 0
    #: two-sided p-value of the z-test, and after the Benjamini-Hochberg correction
    p_value: float | None = None
    q_value: float | None = None

    @property
    def nps_counts(self) -> NpsCounts:
        """Promoters, passives and detractors among the answers that mention it."""
        return NpsCounts(self.promoters, self.passives, self.detractors)


@dataclass(frozen=True, slots=True)
class ThemeReport:
    """The themes of a set of answers in one language."""

    language: str
    answers: int
    #: most mentioned first
    themes: tuple[Theme, ...]
    #: said more by detractors at the `FDR`, most detractor-typical first (empty without scores)
    detractor_themes: tuple[Theme, ...]
    #: said more by promoters at the `FDR`, most promoter-typical first (empty without scores)
    promoter_themes: tuple[Theme, ...]
    #: promoters, passives and detractors among all answers (None without scores)
    scored: NpsCounts | None = None


@dataclass(frozen=True, slots=True)
class Mention:
    """A theme as one answer mentions it: what the app stores per answer."""

    #: the theme's key (stems), e.g. "cancel flight"
    theme: str
    #: as written in this answer, lowercased, e.g. "flight was cancelled" -> "flight cancelled"
    phrase: str
    #: mean polarity of the answer's clauses that mention it
    polarity: float


@dataclass(frozen=True, slots=True)
class Quote:
    """A candidate quote for a theme: an answer that mentions it."""

    text: str
    #: the answer's NPS group, None when it came without a score
    category: NpsCategory | None
    #: polarity of the answer's clauses that mention the theme
    polarity: float


@dataclass(frozen=True, slots=True)
class ThemeCounts:
    """One theme aggregated over stored mentions: answers per NPS group, polarity, phrases."""

    theme: str
    detractors: int
    passives: int
    promoters: int
    #: answers that mention it without a score
    unscored: int
    #: sum of the mentions' polarities
    polarity_sum: float
    #: written form -> answers that wrote it
    phrases: Mapping[str, int]

    @property
    def answers(self) -> int:
        """All answers that mention the theme."""
        return self.detractors + self.passives + self.promoters + self.unscored


def phrases(text: str, language: str, *, ignore: Iterable[str] = ()) -> set[str]:
    """Return the phrases of one answer as written (lowercased), e.g. {"lost luggage"}."""
    _check_language(language)
    found = _finder(language).find(_clean(text, _ignored(tuple(ignore))), language)
    return {surface for surface, _ in found.values()}


def mentions(
    text: str,
    language: str,
    *,
    ignore: Iterable[str] = (),
    polarity: float | None = None,
) -> tuple[Mention, ...]:
    """Return the themes one answer mentions, by key, with the sentiment of their clauses.

    `polarity`: the answer's polarity if already known; it stands for the clause of a
    one-clause answer, while the clauses of longer answers are scored.
    """
    _check_language(language)
    given = None if polarity is None else [polarity]
    (found,) = _mentions_chunk(([text], language, tuple(ignore), given))
    return tuple(Mention(key, surface, score) for key, surface, score in sorted(found))


def extract(
    texts: Sequence[str],
    language: str,
    scores: Sequence[int | None] | None = None,
    *,
    polarities: Sequence[float] | None = None,
    dates: Sequence[dt.date | dt.datetime | None] | None = None,
    ignore: Iterable[str] = (),
    limit: int = 20,
    min_count: int | None = None,
    fdr: float = FDR,
) -> ThemeReport:
    """Return the themes of `texts` (answers in `language`, "en" or "es").

    `scores`: the NPS score (0-10, or None) given with each answer; with them the report says
    which themes detractors and promoters mention more. `polarities`: each answer's polarity,
    which stands for the clause of one-clause answers (the clauses of longer answers, and
    every clause without them, are scored with analysis.sentiment). `dates`:
    when each answer was given, to quote recent answers first. `ignore`: brand and place
    names that are no theme. Themes mentioned by fewer than `min_count` answers are left out
    (default: 2, or one answer in a thousand).
    """
    _check_language(language)
    for name, values in (("scores", scores), ("polarities", polarities), ("dates", dates)):
        if values is not None and len(values) != len(texts):
            raise ValueError(f"{len(values)} {name} given for {len(texts)} texts")
    categories = [_category(s) for s in scores] if scores is not None else [None] * len(texts)
    order = _recent_first(dates) if dates is not None else range(len(texts))
    tally = _count(texts, language, categories, polarities, order, tuple(ignore))
    minimum = _minimum(min_count, len(texts))
    counts = [c for c in tally.theme_counts() if c.answers >= minimum]
    return report_from_counts(
        language,
        counts,
        answers=len(texts),
        scored=_scored(categories) if scores is not None else None,
        quotes={c.theme: tally.quotes_of(c.theme, texts) for c in counts},
        limit=limit,
        min_count=minimum,
        fdr=fdr,
    )


def report_from_counts(
    language: str,
    counts: Iterable[ThemeCounts],
    *,
    answers: int,
    scored: NpsCounts | None = None,
    quotes: Mapping[str, Sequence[Quote]] | None = None,
    limit: int = 20,
    min_count: int | None = None,
    fdr: float = FDR,
) -> ThemeReport:
    """Return the report `extract` gives, from themes aggregated over stored `mentions`.

    `answers`: all answers in the set (with or without themes); `scored`: their promoters,
    passives and detractors, None without scores. `quotes`: per theme key, candidate quotes
    most recent first (up to `QUOTE_CANDIDATES` per NPS group, of at most
    `EXAMPLE_MAX_WORDS` words, with an answer of any length last when there is no such one).
    """
    _check_language(language)
    if not 0 < fdr < 1:
        raise ValueError(f"fdr must be between 0 and 1, got {fdr}")
    minimum = _minimum(min_count, answers)
    frequent = sorted(
        (c for c in counts if c.answers >= minimum), key=lambda c: (-c.answers, c.theme)
    )
    tests = _tests(frequent, scored) if scored is not None else {}
    significant = [c for c in frequent if c.theme in tests and tests[c.theme][2] <= fdr]
    by_z = sorted(significant, key=lambda c: (tests[c.theme][0], c.theme))
    detractor_side = _without_subsumed([c for c in by_z if tests[c.theme][0] < 0], limit)
    promoter_side = _without_subsumed([c for c in reversed(by_z) if tests[c.theme][0] > 0], limit)
    listed = _without_subsumed(frequent, limit)
    chosen = _choose_quotes(
        [(c, NpsCategory.DETRACTOR) for c in detractor_side]
        + [(c, NpsCategory.PROMOTER) for c in promoter_side]
        + [(c, None) for c in listed],
        quotes or {},
    )

    def theme(c: ThemeCounts) -> Theme:
        z, p, q = tests.get(c.theme, (None, None, None))
        written = sorted(c.phrases.items(), key=lambda item: (-item[1], item[0]))
        return Theme(
            phrase=written[0][0] if written else c.theme,
            count=c.answers,
            share=c.answers / answers if answers else 0.0,
            mean_polarity=c.polarity_sum / c.answers if c.answers else 0.0,
            examples=chosen.get(c.theme, ()),
            detractors=c.detractors,
            promoters=c.promoters,
            z_score=z,
            key=c.theme,
            phrases=tuple(form for form, _ in written),
            passives=c.passives,
            p_value=p,
            q_value=q,
        )

    return ThemeReport(
        language=language,
        answers=answers,
        themes=tuple(theme(c) for c in listed),
        detractor_themes=tuple(theme(c) for c in detractor_side),
        promoter_themes=tuple(theme(c) for c in promoter_side),
        scored=scored,
    )


def adjusted_p_values(p_values: Sequence[float]) -> list[float]:
    """Return Benjamini-Hochberg adjusted p-values (q-values), in the order given."""
    m = len(p_values)
    order = sorted(range(m), key=p_values.__getitem__)
    adjusted = [1.0] * m
    running = 1.0
    for rank in range(m - 1, -1, -1):
        index = order[rank]
        running = min(running, p_values[index] * m / (rank + 1))
        adjusted[index] = running
    return adjusted


def two_proportion_test(
    detractors: int, detractor_total: int, promoters: int, promoter_total: int
) -> tuple[float, float]:
    """Return (z, two-sided p) of promoters' share against detractors' (pooled variance)."""
    if detractor_total == 0 or promoter_total == 0:
        return 0.0, 1.0
    pooled = (detractors + promoters) / (detractor_total + promoter_total)
    variance = pooled * (1 - pooled) * (1 / detractor_total + 1 / promoter_total)
    if variance <= 0:
        return 0.0, 1.0
    z = (promoters / promoter_total - detractors / detractor_total) / math.sqrt(variance)
    return z, math.erfc(abs(z) / math.sqrt(2))


def _tests(
    frequent: Sequence[ThemeCounts], scored: NpsCounts
) -> dict[str, tuple[float, float, float]]:
    """Return theme -> (z, p, BH-adjusted p) for the themes mentioned enough to test."""
    tested = [c for c in frequent if c.detractors + c.promoters >= MIN_TESTED]
    results = [
        two_proportion_test(c.detractors, scored.detractors, c.promoters, scored.promoters)
        for c in tested
    ]
    adjusted = adjusted_p_values([p for _, p in results])
    return {c.theme: (z, p, q) for c, (z, p), q in zip(tested, results, adjusted, strict=True)}


def _choose_quotes(
    wanted: Sequence[tuple[ThemeCounts, NpsCategory | None]],
    quotes: Mapping[str, Sequence[Quote]],
) -> dict[str, tuple[str, ...]]:
    """Pick each theme's quotes in report order, never one answer under two themes.

    A quote is representative when it comes from the theme's side (detractors for a
    detractor theme) and its clause sentiment has the sign of the theme's mean; candidates
    come most recent first, and the first representative ones win.
    """
    used: set[str] = set()
    chosen: dict[str, tuple[str, ...]] = {}
    for counts, side in wanted:
        if counts.theme in chosen:
            continue
        mean = counts.polarity_sum / counts.answers if counts.answers else 0.0
        candidates = [q for q in quotes.get(counts.theme, ()) if q.text not in used]
        ranked = sorted(
            range(len(candidates)),
            key=lambda i: (
                side is not None and candidates[i].category != side,
                not _same_sign(candidates[i].polarity, mean),
                i,
            ),
        )
        picked: list[str] = []
        for i in ranked:
            text = candidates[i].text
            if text not in picked:  # the same words from two customers are one quote
                picked.append(text)
                if len(picked) == QUOTES_PER_THEME:
                    break
        used.update(picked)
        chosen[counts.theme] = tuple(picked)
    return chosen


def _same_sign(polarity: float, mean: float) -> bool:
    neutral = 0.05  # analysis.sentiment.NEUTRAL_BAND
    if abs(mean) < neutral:
        return abs(polarity) < neutral
    return polarity * mean > 0


def _without_subsumed(ranked: Sequence[ThemeCounts], limit: int) -> list[ThemeCounts]:
    """Take up to `limit` themes in order, minus words found mostly inside a ranked pair."""
    in_pairs: dict[str, int] = {}  # stem -> largest count of a ranked pair containing it
    for counts in ranked:
        stems = counts.theme.split(" ")
        if len(stems) == 2:
            for stem in stems:
                in_pairs[stem] = max(in_pairs.get(stem, 0), counts.answers)
    taken = [
        counts
        for counts in ranked
        if " " in counts.theme or in_pairs.get(counts.theme, 0) < _SUBSUMED * counts.answers
    ]
    return taken[:limit]


def _minimum(min_count: int | None, answers: int) -> int:
    return min_count if min_count is not None else max(2, round(answers / 1000))


def _check_language(language: str) -> None:
    if language not in _KEEP:
        raise ValueError(f"unsupported language {language!r}: expected 'en' or 'es'")


def _category(score: int | None) -> NpsCategory | None:
    if score is None:
        return None
    if isinstance(score, bool) or not isinstance(score, int) or not 0 <= score <= 10:
        raise ValueError(f"an NPS score must be an int 0-10 or None, got {score!r}")
    if score <= DETRACTOR_MAX:
        return NpsCategory.DETRACTOR
    return NpsCategory.PROMOTER if score >= PROMOTER_MIN else NpsCategory.PASSIVE


def _scored(categories: Sequence[NpsCategory | None]) -> NpsCounts:
    tally = Counter(categories)
    return NpsCounts(
        tally[NpsCategory.PROMOTER], tally[NpsCategory.PASSIVE], tally[NpsCategory.DETRACTOR]
    )


def _recent_first(dates: Sequence[dt.date | dt.datetime | None]) -> list[int]:
    """Return answer indices newest first; undated answers last, ties in the order given."""
    dated = sorted(
        (i for i, d in enumerate(dates) if d is not None),
        key=lambda i: dates[i],  # type: ignore[arg-type,return-value]
        reverse=True,  # Python's sort stays stable in reverse: ties keep the given order
    )
    return dated + [i for i, d in enumerate(dates) if d is None]


# One answer's themes: (key, written form, polarity of the clauses that mention it).
_AnswerThemes = list[tuple[str, str, float]]
_Chunk = tuple[list[str], str, tuple[str, ...], list[float] | None]


def _mentions_chunk(chunk: _Chunk) -> list[_AnswerThemes]:
    """Return the themes of each answer in a chunk, with their clauses' sentiment."""
    texts, language, ignore, polarities = chunk
    finder, ignored = _finder(language), _ignored(ignore)
    found_per_answer: list[tuple[_Found, bool]] = []  # themes, and whether scored
    to_score: list[str] = []  # clauses to score, in order
    for text in texts:
        clauses = finder.clauses(text, _clean(text, ignored), language)
        found = finder.find_in(clauses)
        # One clause is the answer itself: its given polarity stands for it.
        score = bool(found) and (polarities is None or len(clauses) > 1)
        found_per_answer.append((found, score))
        if score:
            to_score.extend(clauses[i][1] for i in _mentioned(found))
    # Answers repeat their clauses ("Great service", "Thank you"): score each text once.
    unique = list(dict.fromkeys(to_score))
    polarity_of = dict(zip(unique, _polarities_of(unique, language), strict=True))
    scored = (polarity_of[clause] for clause in to_score)
    out: list[_AnswerThemes] = []
    for index, (found, score) in enumerate(found_per_answer):
        if not score:
            given = polarities[index] if polarities is not None else 0.0
            out.append([(key, surface, given) for key, (surface, _) in found.items()])
            continue
        by_clause = {i: next(scored) for i in _mentioned(found)}
        out.append(
            [
                (key, surface, sum(by_clause[i] for i in where) / len(where))
                for key, (surface, where) in found.items()
            ]
        )
    return out


def _mentioned(found: _Found) -> list[int]:
    """Return the positions of the clauses that mention a theme, in order."""
    return sorted({i for _, where in found.values() for i in where})


def _polarities_of(clauses: list[str], language: str) -> list[float]:
    if not clauses:
        return []
    from analysis.sentiment import analyze_many

    return [s.polarity for s in analyze_many(clauses, [language] * len(clauses), processes=1)]


#: extract() spreads at least this many answers over worker processes, in chunks of
#: `_CHUNK_SIZE`: clauses, phrases and clause sentiment all run in the workers.
_POOL_THRESHOLD: Final = 4_000
_CHUNK_SIZE: Final = 2_000


def _all_mentions(
    texts: list[str], language: str, ignore: tuple[str, ...], polarities: list[float] | None
) -> Iterator[_AnswerThemes]:
    """Yield every answer's themes in order, from worker processes when there are many.

    A generator, so that this process counts one chunk while the workers cut the next.
    """
    chunks = [
        (
            texts[start : start + _CHUNK_SIZE],
            language,
            ignore,
            None if polarities is None else polarities[start : start + _CHUNK_SIZE],
        )
        for start in range(0, len(texts), _CHUNK_SIZE)
    ]
    workers = min(os.cpu_count() or 1, len(chunks))
    if len(texts) < _POOL_THRESHOLD or workers < 2 or not _fork_is_safe():
        for chunk in chunks:
            yield from _mentions_chunk(chunk)
        return
    # Forked workers inherit the loaded models and this process's word cache.
    _finder(language)
    if polarities is None:
        from analysis.sentiment import warm_up

        warm_up()
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        for part in pool.imap(_mentions_chunk, chunks):
            yield from part


def _fork_is_safe() -> bool:
    """Forking a process that runs other threads can deadlock the child: then stay in one."""
    return "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1


class _Tally:
    """Running counts over the answers, theme by theme."""

    __slots__ = ("fallback", "themes")

    def __init__(self) -> None:
        #: theme -> [detractors, passives, promoters, unscored, polarity sum,
        #: written form -> answers, group -> candidate quotes (answer index, polarity)]
        self.themes: dict[str, list[Any]] = {}
        #: theme -> the first answer of any length, quoted only when no short one exists
        self.fallback: dict[str, tuple[int, int, float]] = {}

    def add(self, index: int, group: int, found: _AnswerThemes, quotable: bool) -> None:
        """Count one answer's themes."""
        themes = self.themes
        for key, surface, polarity in found:
            record = themes.get(key)
            if record is None:
                record = themes[key] = [0, 0, 0, 0, 0.0, Counter(), {}]
                self.fallback[key] = (index, group, polarity)
            record[group] += 1
            record[4] += polarity
            record[5][surface] += 1
            if quotable:
                kept = record[6].setdefault(group, [])
                if len(kept) < QUOTE_CANDIDATES:
                    kept.append((index, polarity))

    def theme_counts(self) -> list[ThemeCounts]:
        """Return each theme's aggregate, as the app's SQL would."""
        return [
            ThemeCounts(key, r[0], r[1], r[2], r[3], r[4], dict(r[5]))
            for key, r in self.themes.items()
        ]

    def quotes_of(self, key: str, texts: Sequence[str]) -> list[Quote]:
        """Return the candidate quotes of one theme, most recent first within each group."""
        by_group = self.themes[key][6]
        found = [
            Quote(texts[index], _GROUPS[group], polarity)
            for group in sorted(by_group)
            for index, polarity in by_group[group]
        ]
        if not found:
            index, group, polarity = self.fallback[key]
            found.append(Quote(texts[index], _GROUPS[group], polarity))
        return found


_GROUPS: Final = (NpsCategory.DETRACTOR, NpsCategory.PASSIVE, NpsCategory.PROMOTER, None)
_GROUP_OF: Final = {category: group for group, category in enumerate(_GROUPS)}


def _count(
    texts: Sequence[str],
    language: str,
    categories: Sequence[NpsCategory | None],
    polarities: Sequence[float] | None,
    order: Iterable[int],
    ignore: tuple[str, ...],
) -> _Tally:
    order = list(order)
    given = None if polarities is None else [polarities[i] for i in order]
    found_per_answer = _all_mentions([texts[i] for i in order], language, ignore, given)
    tally = _Tally()
    for index, found in zip(order, found_per_answer, strict=True):
        if found:
            quotable = texts[index].count(" ") < EXAMPLE_MAX_WORDS
            tally.add(index, _GROUP_OF[categories[index]], found, quotable)
    return tally


@lru_cache(maxsize=64)
def _ignored(names: tuple[str, ...]) -> re.Pattern[str] | None:
    """Return a pattern matching any of `names` as whole words, with or without accents."""
    forms = {form for name in names if name.strip() for form in (name.strip(), fold(name.strip()))}
    if not forms:
        return None
    alternatives = "|".join(
        r"\s+".join(map(re.escape, form.split())) for form in sorted(forms, key=len, reverse=True)
    )
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


def _blank(match: re.Match[str]) -> str:
    return "|" + " " * (len(match.group()) - 1)


def _clean(text: str, ignored: re.Pattern[str] | None) -> str:
    """Blank handles, addresses, e-mails and ignored names, keeping every offset."""
    if "@" in text or "www" in text or "http" in text:
        text = _NOISE.sub(_blank, text)
    if ignored is not None:
        text = ignored.sub(_blank, text)
    return text


@cache
def _finder(language: str) -> _Finder:
    return _Finder(language)


# A clause's words: (clause text lowercased and cleaned, clause text as written).
_ClauseTexts = list[tuple[str, str]]
# theme key -> (written form, indices of the clauses that mention it)
_Found = dict[str, tuple[str, list[int]]]


class _Finder:
    """Cut answers into phrases, remembering each word's kind and stem (answers repeat words)."""

    def __init__(self, language: str) -> None:
        import simplemma
        import stopwordsiso
        from nltk.stem.snowball import SnowballStemmer

        self._lemmatize: Callable[..., str] = simplemma.lemmatize
        self._stem: Callable[[str], str] = SnowballStemmer(
            "english" if language == "en" else "spanish"
        ).stem
        self._language = language
        self._stop = frozenset(stopwordsiso.stopwords(language))
        self._keep = _KEEP[language]
        self._sentiment = _SENTIMENT[language] | {fold(w) for w in _SENTIMENT[language]}
        self._generic = _GENERIC[language]
        self._negations = _NEGATIONS[language]
        self._links = _LINKS[language]
        self._words: dict[str, _Word] = {}

    def _classify(self, token: str) -> _Word:
        if token in self._negations:
            return _Word(_Kind.NEGATION, fold(token))
        if token in self._links:
            return _Word(_Kind.LINK, "")
        lemma = str(self._lemmatize(token, lang=self._language)).lower()
        sentiment = self._sentiment
        if token in sentiment or lemma in sentiment or fold(lemma) in sentiment:
            return _Word(_Kind.SENTIMENT, "")
        stem = str(self._stem(fold(lemma)))
        if lemma in self._generic or token in self._generic:
            return _Word(_Kind.GENERIC, stem)
        kept = lemma in self._keep
        if not kept and (token in self._stop or lemma in self._stop or len(lemma) < 2):
            return _Word(_Kind.BREAK, "")
        return _Word(_Kind.CONTENT, stem)

    def clauses(self, text: str, cleaned: str, language: str) -> _ClauseTexts:
        """Return each clause of an answer: its cleaned lowercased text and its text."""
        return [
            (cleaned[c.start : c.end].lower(), text[c.start : c.end])
            for c in split_clauses(cleaned, language)
        ]

    def find(self, cleaned: str, language: str) -> _Found:
        """Return the themes of one cleaned answer."""
        return self.find_in(self.clauses(cleaned, cleaned, language))

    def find_in(self, clauses: _ClauseTexts) -> _Found:
        """Return the themes of an answer's clauses, with where each one is mentioned."""
        found: _Found = {}
        for position, (lowered, _) in enumerate(clauses):
            for key, surface in self._clause_phrases(lowered):
                entry = found.get(key)
                if entry is None:
                    found[key] = (surface, [position])
                elif entry[1][-1] != position:
                    entry[1].append(position)
        return found

    def _clause_phrases(self, clause: str) -> list[tuple[str, str]]:
        """Return (key, written form) of each phrase in one lowercased clause."""
        words = self._words
        state = _ClauseState(clause)
        for match in _WORD_OR_MARK.finditer(clause):
            token = match.group(1)
            if token is None:  # punctuation, digits, a blanked name: nothing joins across
                state.cut()
                continue
            word = words.get(token)
            if word is None:
                word = words[token] = self._classify(token)
            if word.kind is _Kind.CONTENT or word.kind is _Kind.GENERIC:
                state.add(word, token, match.start(), match.end())
            else:
                state.skip(word, match.start())
        return state.found


class _ClauseState:
    """Phrases found so far in one clause, and what the next content word may pair with."""

    __slots__ = ("clause", "found", "linked", "negation", "previous", "reach")

    def __init__(self, clause: str) -> None:
        self.clause = clause
        self.found: list[tuple[str, str]] = []
        #: stem, start and whether it is a content word (not generic) of the last word
        self.previous: tuple[str, int, bool] | None = None
        self.linked = False  # a link word ("de") follows `previous`
        self.negation: tuple[str, int] | None = None  # negation word and its start
        self.reach = 0  # stop words since the negation

    def cut(self) -> None:
        """Punctuation: nothing joins across."""
        self.previous, self.linked, self.negation = None, False, None

    def skip(self, word: _Word, start: int) -> None:
        """Take a word that is no theme: a negation, a link, a sentiment or a stop word."""
        kind = word.kind
        if kind is _Kind.NEGATION:
            self.previous, self.linked, self.negation, self.reach = (
                None,
                False,
                (word.stem, start),
                0,
            )
        elif kind is _Kind.LINK and self.previous is not None and not self.linked:
            self.linked = True
        elif kind is _Kind.SENTIMENT:  # "not good service" is no "not service"
            self.cut()
        else:
            self.previous, self.linked = None, False
            self.reach += 1
            if self.reach > _NEGATION_REACH:
                self.negation = None

    def add(self, word: _Word, token: str, start: int, end: int) -> None:
        """Take a content word: itself (unless generic), and its pairs."""
        stem, found, clause = word.stem, self.found, self.clause
        content = word.kind is _Kind.CONTENT
        if content:
            found.append((stem, token))
        previous = self.previous
        # A pair needs one content word: "long time" is a theme, "one day" is not.
        if previous is not None and previous[0] != stem and (content or previous[2]):
            found.append((_pair_key(previous[0], stem), _spaced(clause[previous[1] : end])))
        if self.negation is not None and content:
            negation = self.negation[0]
            found.append((_pair_key(negation, stem), _spaced(clause[self.negation[1] : end])))
        self.negation = None
        self.previous, self.linked = (stem, start, content), False


def _spaced(text: str) -> str:
    return " ".join(text.split())


def _pair_key(first: str, second: str) -> str:
    return f"{first} {second}" if first <= second else f"{second} {first}"


__all__ = [
    "EXAMPLE_MAX_WORDS",
    "FDR",
    "MIN_TESTED",
    "Mention",
    "Quote",
    "Theme",
    "ThemeCounts",
    "ThemeReport",
    "Z_SIGNIFICANT",
    "adjusted_p_values",
    "extract",
    "mentions",
    "phrases",
    "report_from_counts",
    "two_proportion_test",
]
