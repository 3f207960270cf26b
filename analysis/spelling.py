"""Correct near-misses of sentiment words ("terible", "exelente", "desastrozo") before scoring.

Lexicons only see the words they hold: "terible servise" scores 0, however angry it is. A token
is corrected when it is not a known word, has at least `MIN_LENGTH` letters, and is one edit
(one letter added, dropped, changed, or two neighbours swapped) away from exactly one strong
sentiment word of the answer's language, or from several that agree in sign.

What stops "later" from becoming "hater" or "bed" from becoming "bad": short words are never
touched, and ``analysis/data/near_miss_guard.txt.gz`` lists the real English and Spanish words
(every inflected form in simplemma's dictionaries, MIT) that lie one edit from a sentiment word;
they are left as written. ``scripts/build_near_miss_guard.py`` rebuilds that list.

Lookups use deletions only (the SymSpell idea): each target word is indexed under itself and
its one-letter deletions, so a token needs about as many dictionary lookups as it has letters.
"""

from __future__ import annotations

import gzip
import re
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Final

from analysis.clauses import fold

GUARD_FILE: Final = Path(__file__).resolve().parent / "data" / "near_miss_guard.txt.gz"
#: Tokens shorter than this are never corrected: at four letters one edit turns most words
#: into other words.
MIN_LENGTH: Final = 5

_WORD = re.compile(r"[^\W\d_]+")


@cache
def guard() -> frozenset[str]:
    """Return the real words (accents folded) that must not be corrected, in both languages."""
    if not GUARD_FILE.exists():
        return frozenset()
    with gzip.open(GUARD_FILE, "rt", encoding="utf-8") as handle:
        return frozenset(line.strip() for line in handle if line.strip())


_DOUBLE = re.compile(r"(.)\1+")


def collapse_doubles(word: str) -> str:
    """Return `word` with each run of one letter written once ("excellent" -> "excelent")."""
    return _DOUBLE.sub(r"\1", word)


def _deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def within_one_edit(a: str, b: str) -> bool:
    """Return whether `a` and `b` differ by one insertion, deletion, substitution or swap."""
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diffs = [i for i in range(len(a)) if a[i] != b[i]]
        if len(diffs) == 1:
            return True
        first, *rest = diffs
        return rest == [first + 1] and a[first] == b[first + 1] and a[first + 1] == b[first]
    shorter, longer = (a, b) if len(a) < len(b) else (b, a)
    return any(longer[:i] + longer[i + 1 :] == shorter for i in range(len(longer)))


#: Corrections remembered per corrector; past this many distinct tokens the memory starts over.
_MEMORY = 100_000


def near(token: str, word: str) -> bool:
    """Return whether `token` is one edit from `word`, as written or with doubles written once."""
    return within_one_edit(token, word) or within_one_edit(
        collapse_doubles(token), collapse_doubles(word)
    )


class NearMisses:
    """A corrector towards one language's strong sentiment words."""

    __slots__ = ("_index", "_known", "_memory", "_strong")

    def __init__(self, valences: Mapping[str, float], strong: float) -> None:
        """Index the words of `valences`; a token is corrected only towards one whose absolute
        valence is at least `strong`, and never when it is as close to a weaker word ("realy"
        is "really", not "ready")."""
        #: folded word -> its sign if it is strong, None if it is weak
        self._strong: dict[str, bool | None] = {}
        self._index: dict[str, list[str]] = {}
        for word, valence in valences.items():
            folded = fold(word)
            if not folded.isalpha() or folded in self._strong:
                continue
            self._strong[folded] = valence > 0 if abs(valence) >= strong else None
            if len(folded) >= MIN_LENGTH - 1:
                # Indexed as spelt and with doubled letters written once, the commonest slip
                # ("exelent", "awfull", "terible").
                collapsed = collapse_doubles(folded)
                for key in {folded, collapsed, *_deletions(folded), *_deletions(collapsed)}:
                    self._index.setdefault(key, []).append(folded)
        self._known = guard()
        self._memory: dict[str, str | None] = {}

    def correct_word(self, token: str) -> str | None:
        """Return the sentiment word `token` misspells, or None if it is fine or unclear."""
        if len(token) < MIN_LENGTH:
            return None
        remembered = self._memory.get(token, "")
        if remembered != "":
            return remembered
        if len(self._memory) >= _MEMORY:
            self._memory.clear()
        fixed = self._lookup(token.lower() if token.isascii() else fold(token))
        self._memory[token] = fixed
        return fixed

    def _lookup(self, folded: str) -> str | None:
        if folded in self._strong or folded in self._known:
            return None
        index = self._index
        collapsed = collapse_doubles(folded)
        found: set[str] = set(index.get(folded, ())) | set(index.get(collapsed, ()))
        for key in _deletions(folded) | _deletions(collapsed):
            found.update(index.get(key, ()))
        # One edit as written first; only without such a word, one edit once doubled letters
        # are written once ("exelent" -> "excellent").
        matches = [word for word in found if within_one_edit(folded, word)] or [
            word for word in found if near(collapsed, word)
        ]
        signs = {self._strong[word] for word in matches}
        if len(signs) != 1 or None in signs:
            return None
        # Several agreeing words ("horrible", "horribly"): the closest in length reads best.
        return min(matches, key=lambda word: (abs(len(word) - len(folded)), word))

    def correct(self, text: str) -> str:
        """Return `text` with each near-miss of a sentiment word replaced by that word."""
        changed = False
        pieces: list[str] = []
        last = 0
        for match in _WORD.finditer(text):
            fixed = self.correct_word(match.group())
            if fixed is not None:
                pieces += [text[last : match.start()], fixed]
                last, changed = match.end(), True
        if not changed:
            return text
        pieces.append(text[last:])
        return "".join(pieces)
