"""Irony cues common in service complaints, as transparent rules, in English and Spanish.

    >>> opener("Genial, otra semana sin internet")
    Opener(rest='otra semana sin internet', repeated=True)

Lexicons read "Great, another week without internet" or "gracias por nada" as praise. Two kinds
of rule catch the ironic use (precision measured on the hand-written tricky set, see
docs/sentiment.md):

* set phrases that are never sincere: "thanks for nothing", "gracias por nada", "just what I
  needed", "yeah right", "lo que me faltaba";
* a praise word alone before a comma ("Great,", "Oh wonderful,", "Qué maravilla,", "Genial,")
  followed by the complaint. The caller decides: the rest is ironic when it scores negative, or
  when it speaks of repetition or waiting ("another", "again", "still", "2 hours", "otra vez",
  "sigo", "dos horas", "tampoco") and does not score positive. "Great, fixed in two days" stays
  praise.
"""

from __future__ import annotations

import re
from typing import Final, NamedTuple

from analysis.clauses import fold

_PRAISE = (
    r"great|wonderful|fantastic|brilliant|perfect|lovely|awesome|excellent|amazing|terrific|"
    r"super|nice|marvell?ous|splendid|fabulous|superb|cool|sweet|bravo|well done|good job|"
    r"genial|maravilla|maravilloso|maravillosa|estupendo|estupenda|fantastico|fantastica|"
    r"perfecto|perfecta|excelente|buenisimo|increible|eficiencia|rapidez|lujo|fenomenal|"
    r"de lujo|que bien|gracias|thanks|thank you"
)
_OPENER = re.compile(
    r"^\W*(?:(?:oh|wow|yeah|well|ah|ay|vaya|uy)\W+)?(?:que\s+|how\s+|what\s+(?:an?\s+)?)?"
    rf"(?:{_PRAISE})(?:\s+(?:service|job|work|support|stuff|servicio|atencion|trabajo|"
    r"gestion|noticia|news|por tanto|so much|a lot|a bunch|very much|muchas|mil))?"
    r"\s*[,!.…:;-]+\s*(?P<rest>\w.*)$",
    re.DOTALL,
)
_REPEATED = re.compile(
    r"\b(?:another|again|yet again|once more|still|same|third|fourth|fifth|"
    r"\d+\s*(?:minutes?|mins?|hours?|hrs?|days?|weeks?|months?)|"
    r"(?:two|three|four|five|six|several|many)\s+(?:minutes|hours|days|weeks|months)|"
    r"an hour|a week|a month|all day|"
    r"otra|otro|otras|otros|de nuevo|vuelto a|volvieron a|volver a|sigo|sigue|seguimos|"
    r"siguen|todavia|aun|tampoco|nunca|mismo|misma|"
    r"(?:\d+|dos|tres|cuatro|cinco|seis|varias|muchas|muchos|cuarenta|treinta|veinte)\s+"
    r"(?:minutos|horas|dias|semanas|meses|veces)|media hora|una hora|un mes|una semana|"
    r"todo el dia)\b"
)
_CONTRAST_START = re.compile(r"(?:but|however|though|although|pero|aunque|sin embargo)\b")
#: Phrases that are ironic wherever they appear.
_ALWAYS = re.compile(
    r"\b(?:thanks?(?: you)?(?: so much| a lot| very much)? for (?:nothing|wasting|ruining|"
    r"the runaround|making me wait|nada)|just what i (?:needed|wanted)|yeah,? right|"
    r"gracias por nada|(?:muchas |mil )?gracias por (?:hacerme|hacernos|dejarme|dejarnos)"
    r" (?:perder|esperar)|lo que (?:me )?faltaba|para variar|como no,? otra vez)\b"
)


class Opener(NamedTuple):
    """A praise word opening an answer, and what follows it."""

    #: the answer after the praise word and its comma
    rest: str
    #: whether the rest speaks of repetition or waiting ("another", "otra vez", "2 hours")
    repeated: bool


# The first five letters of the words one of the rules needs: an answer without any of them is
# not read further (most answers). A set lookup per word: a regex alternation was ten times slower.
_GATE_WORDS: Final = """
    great wonderful fantastic brilliant perfect lovely awesome excellent amazing terrific super
    nice marvellous marvelous splendid fabulous superb cool sweet bravo done job genial
    maravilla maravilloso estupendo excelente buenisimo increible fantastico
    eficiencia rapidez lujo fenomenal bien gracias thanks thank right needed wanted faltaba
    variar vez
"""
_GATE_PREFIXES: Final = frozenset(word[:5] for word in _GATE_WORDS.split())
_GATE_WORD = re.compile(r"[^\W\d_]+")

#: The polarity an ironic answer gets at most (it keeps a stronger negative score).
IRONIC_POLARITY: Final = -0.5


def may_be_ironic(text: str) -> bool:
    """Return False when `text` holds none of the words the irony rules need (a quick test)."""
    return any(word[:5] in _GATE_PREFIXES for word in _GATE_WORD.findall(fold(text)))


def always_ironic(text: str) -> bool:
    """Return whether `text` holds a phrase that is never sincere ("thanks for nothing")."""
    return _ALWAYS.search(fold(text)) is not None


def opener(text: str) -> Opener | None:
    """Return the praise opener of `text` ("Great, ...", "Qué maravilla, ..."), if any."""
    match = _OPENER.match(fold(text))
    if match is None:
        return None
    rest = match.group("rest").strip()
    if _CONTRAST_START.match(rest):
        return None  # "Great, but ...": a contrast, which the clauses weigh
    return Opener(rest=rest, repeated=_REPEATED.search(rest) is not None)


def ironic(text: str, rest_polarity: float | None, negative: float, positive: float) -> bool:
    """Return whether `text` is ironic praise, given the polarity of its rest after the opener.

    The rest is negative at or below `negative` and positive at or above `positive`.
    """
    if always_ironic(text):
        return True
    found = opener(text)
    if found is None or rest_polarity is None:
        return False
    return rest_polarity <= negative or (found.repeated and rest_polarity < positive)
