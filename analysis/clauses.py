"""Cut an answer into clauses at sentence punctuation and contrast words, in English and Spanish.

    >>> [c.text for c in split_clauses("The staff were lovely but the room was dirty")]
    ['The staff were lovely', 'the room was dirty']

In a customer's answer what follows "but" / "pero" is usually the verdict ("the product is good,
but delivery took three weeks"), so sentiment weighs the clause after a contrast more
(`AFTER_CONTRAST`) and the one before it less (`BEFORE_CONTRAST`), and theme extraction never
joins words across a clause boundary ("lovely but the room" is not a phrase).

"Although" / "aunque" at the start of a sentence opens a concession that ends at the next comma
("Aunque el técnico fue amable, sigo sin internet"): the concession is the weak clause and what
follows the comma the strong one. A few uses are not contrast and are left alone: "nothing but
problems", "not only ... but also", "not yet", and "mas" without a comma before it (in survey
answers it is mostly "más" typed without its accent).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from typing import Final

#: Weight of a clause that a later contrast word overrides ("good product, *but* ...").
BEFORE_CONTRAST: Final = 0.35
#: Weight of the clause right after a contrast word: usually the customer's verdict.
AFTER_CONTRAST: Final = 1.5

#: Contrast words and phrases per language, accents folded.
CONTRAST_WORDS: Final[dict[str, frozenset[str]]] = {
    "en": frozenset(("but", "however", "although", "though", "yet", "nevertheless")),
    "es": frozenset(("pero", "aunque", "sin embargo", "no obstante", "mas")),
}
#: Contrast words that, opening a sentence, introduce a concession ending at the next comma.
_CONCESSIVE: Final = frozenset(("although", "though", "aunque"))
#: Contrast only after a comma (or opening a sentence): "yet" is mostly "not yet", and "mas" is
#: mostly "más" typed without its accent.
_AFTER_COMMA_ONLY: Final = frozenset(("yet", "mas"))
#: "nothing but problems", "all but useless": "but" meaning "except".
_EXCEPT_BEFORE_BUT: Final = frozenset(("nothing", "anything", "all", "everything", "none"))

_SENTENCE_END = re.compile(r"[.!?;…\n]+|¡|¿")
_CONTRAST = re.compile(
    r"(?<![\w'])(sin\s+embargo|no\s+obstante|but|however|although|though|yet|nevertheless"
    r"|pero|aunque|mas)(?![\w'])",
    re.IGNORECASE,
)
_PREVIOUS_WORD = re.compile(r"([^\W\d_]+)\W*$")
_NEXT_WORD = re.compile(r"\W*([^\W\d_]+)")


@dataclass(frozen=True, slots=True)
class Clause:
    """One clause of an answer: its text, where it sits in the answer and how much it counts."""

    text: str
    #: text == answer[start:end]
    start: int
    end: int
    #: 1.0 for a plain clause, `BEFORE_CONTRAST` before a contrast, `AFTER_CONTRAST` after one
    weight: float
    #: whether a contrast word ("but", "pero") opens this clause
    after_contrast: bool


def fold(text: str) -> str:
    """Return `text` lowercased without accents ("Pésimo" -> "pesimo"), keeping the ñ."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFD", text.lower())
    kept = "".join(c for c in decomposed if unicodedata.category(c) != "Mn" or c == "\u0303")
    return unicodedata.normalize("NFC", kept)


def _normal(word: str) -> str:
    return " ".join(fold(word).split())


def is_contrast_word(word: str, language: str | None = None) -> bool:
    """Return whether `word` ("but", "Pero", "sin embargo") is a contrast word in `language`.

    `language` is "en" or "es"; None accepts either. "yet" and "mas" count here even though
    `split_clauses` only cuts at them after a comma.
    """
    normal = _normal(word)
    if language is None:
        return any(normal in words for words in CONTRAST_WORDS.values())
    return normal in CONTRAST_WORDS.get(language, frozenset())


def _is_contrast_here(
    text: str, sentence_start: int, match: re.Match[str], language: str | None
) -> bool:
    word = _normal(match.group(1))
    if not is_contrast_word(word, language):
        return False
    before = text[sentence_start : match.start()]
    stripped = before.rstrip()
    opens = not stripped or stripped.endswith(",")
    if word in _AFTER_COMMA_ONLY and not opens:
        return False
    if word == "but":
        previous = _PREVIOUS_WORD.search(before)
        if previous is not None and fold(previous.group(1)) in _EXCEPT_BEFORE_BUT:
            return False
        following = _NEXT_WORD.match(text, match.end())
        if following is not None and fold(following.group(1)) == "also":
            return False
    return True


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    """Return `start`, `end` moved inward past spaces and commas."""
    while start < end and (text[start].isspace() or text[start] in ",:"):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in ",:"):
        end -= 1
    return start, end


def _sentences(text: str) -> list[tuple[int, int]]:
    spans = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        spans.append((start, match.start()))
        start = match.end()
    spans.append((start, len(text)))
    return spans


# A piece of a sentence: (start, end, the contrast word that opens it or "").
_Piece = tuple[int, int, str]


def _pieces(text: str, start: int, end: int, language: str | None) -> list[_Piece]:
    """Return the sentence text[start:end] cut at its contrast words."""
    pieces: list[_Piece] = []
    cut, opened_by = start, ""
    for match in _CONTRAST.finditer(text, start, end):
        if _is_contrast_here(text, start, match, language):
            pieces.append((cut, match.start(), opened_by))
            cut, opened_by = match.end(), _normal(match.group(1))
    pieces.append((cut, end, opened_by))
    return _split_concessions(text, pieces)


def _split_concessions(text: str, pieces: list[_Piece]) -> list[_Piece]:
    """Cut a piece opened by "although" / "aunque" at its first comma when nothing came before.

    "Although X, Y": X is the concession, Y the verdict, so the piece after the comma counts
    as after the contrast and X as overridden.
    """
    result: list[_Piece] = []
    for index, (start, end, word) in enumerate(pieces):
        comma = text.find(",", start, end)
        leading = index == 1 and not text[pieces[0][0] : pieces[0][1]].strip()
        if word in _CONCESSIVE and leading and comma != -1:
            result.append((start, comma, ""))
            result.append((comma + 1, end, word))
        else:
            result.append((start, end, word))
    return result


def _overrides(word: str, starts_sentence: bool) -> bool:
    """Return whether a clause opened by `word` overrides the clauses before it.

    "Y although X" in mid-sentence concedes X to the verdict Y, so neither side outweighs the
    other; "but", "pero", "sin embargo" and a leading "Although X, Y" put the verdict after.
    """
    return bool(word) and (word not in _CONCESSIVE or starts_sentence)


def split_clauses(text: str, language: str | None = None) -> list[Clause]:
    """Return the clauses of `text`, cut at sentence punctuation and contrast words.

    `language` ("en" / "es") limits the contrast words to that language; None uses both, as
    answers often mix them. Empty clauses are dropped; an answer with no words gives [].
    """
    clauses: list[Clause] = []
    previous_sentence = 0  # index in `clauses` where the previous sentence starts
    for sentence_start, sentence_end in _sentences(text):
        kept = _kept_pieces(text, sentence_start, sentence_end, language)
        if kept and kept[0][3]:
            # "The tech was kind. However, I still have no signal.": the contrast overrides
            # the sentence before it too.
            for index in range(previous_sentence, len(clauses)):
                clauses[index] = replace(clauses[index], weight=BEFORE_CONTRAST)
        if kept:
            previous_sentence = len(clauses)
        for position, (start, end, word, strong) in enumerate(kept):
            weight = AFTER_CONTRAST if strong else 1.0
            if any(later for *_, later in kept[position + 1 :]):
                weight = BEFORE_CONTRAST
            clauses.append(Clause(text[start:end], start, end, weight, bool(word)))
    return clauses


def _kept_pieces(
    text: str, start: int, end: int, language: str | None
) -> list[tuple[int, int, str, bool]]:
    """Return the non-empty pieces of one sentence: (start, end, contrast word, overrides?)."""
    pieces = _pieces(text, start, end, language)
    leading = bool(pieces) and not text[pieces[0][0] : pieces[0][1]].strip()
    kept: list[tuple[int, int, str, bool]] = []
    for piece_start, piece_end, word in pieces:
        strong = _overrides(word, leading)
        piece_start, piece_end = _trimmed(text, piece_start, piece_end)
        if piece_start < piece_end:
            kept.append((piece_start, piece_end, word, strong))
    return kept


__all__ = [
    "AFTER_CONTRAST",
    "BEFORE_CONTRAST",
    "CONTRAST_WORDS",
    "Clause",
    "fold",
    "is_contrast_word",
    "split_clauses",
]
