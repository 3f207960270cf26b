"""Statements that matter in a free-text answer: churn, not heard, repeat contact, praise.

    >>> sorted(map(str, detect("Third time I call, still not fixed. I'm switching")))
    ['churn', 'repeat_contact']
    >>> sorted(map(str, detect("No me voy a dar de baja, el técnico fue muy amable")))
    ['praise_person']

Transparent phrase rules, English and Spanish, no model: every rule is a regular expression in
this module, so a CX manager's "why was this flagged?" has a one-line answer. Text is
lower-cased and accent-folded first ("escuchó" and "escucho" match alike).

Negation: a match is dropped when a negation word ("not", "won't", "never", "no", "nunca",
"ni", "sin", ...) comes just before it, with only small words between them ("I'm **not** going
to cancel", "**no** me voy a dar de baja", "I have **no** plans to switch"). A clause boundary
(punctuation) or any other word ends the search, so "si no lo arreglan, me doy de baja" stays
churn. Phrases that carry their own negation ("nobody listened", "no vuelvo a comprar") are
written as such in the rules.

What each statement means (the labelled set in tests/analysis/data follows these definitions):

``churn``
    The customer says they are leaving, have left, want to cancel their account, contract or
    subscription, or will not buy again, including threats ("if this is not fixed I'll cancel").
    Cancelling an order or a flight is not churn.
``not_heard``
    They say they were ignored, not listened to, not taken seriously, treated as a number, or
    that their messages went unanswered.
``repeat_contact``
    They had to get in touch more than once, or the problem is still not solved / they are still
    waiting: effort that a single contact should have saved.
``praise_person``
    A person is praised by name or role ("Ana was great", "el técnico fue muy amable", "thanks
    to the driver"), not the product or "the service".
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from enum import StrEnum
from typing import Final


class Intent(StrEnum):
    """A statement in an answer that a CX team acts on."""

    CHURN = "churn"
    NOT_HEARD = "not_heard"
    REPEAT_CONTACT = "repeat_contact"
    PRAISE_PERSON = "praise_person"


#: Languages with rules; any other language (None, "und") runs the rules of every language.
RULE_LANGUAGES: Final = ("en", "es")

_FOLD: Final = str.maketrans(
    "áàâäãéèêëíìîïóòôöõúùûüñç’‘´`",
    "aaaaaeeeeiiiiooooouuuunc''''",
)

# ---------------------------------------------------------------------------------------------
# Rules. Written for folded, lower-case text. Word boundaries are added around each rule.
# ---------------------------------------------------------------------------------------------

_EN_CHURN: Final = (
    r"cancel(?:l?ing|l?ed)? (?:my|our|the|this) (?:\w+ )?"
    r"(?:account|subscription|contract|service|membership|plan|policy|line|card)s?",
    r"close (?:my|our) (?:\w+ )?accounts?",
    r"closing (?:my|our) (?:\w+ )?accounts?",
    r"(?:i'm|im|i am|we're|we are) (?:switching|moving|leaving)",
)

_ES_CHURN: Final = (
    r"(?:me|nos) (?:doy|damos|di|dimos|dare|daremos) de baja",
    r"dar(?:me|nos)? de baja",
    r"no (?:vuelvo|volvere|volveremos|vuelvo) a (?:comprar|pedir|contratar|volar)",
)

_EN_NOT_HEARD: Final = (
    r"(?:nobody|no one|noone) (?:listened|listens|cares|cared)",
    r"(?:felt|feel|feeling) like (?:just )?a number",
)

_ES_NOT_HEARD: Final = (
    r"me (?:ignoraron|ignoran|ignoro)",
    r"nadie me (?:hizo|hace|hacia) caso",
    r"nadie me (?:escucho|escucha|escuchaba)",
)

_EN_REPEAT: Final = (
    r"(?:second|third|fourth|fifth|\d+(?:st|nd|rd|th)) time (?:i(?:'ve)? (?:call|called|write)"
    r"|calling|contacting)",
    r"still (?:not|isn't|hasn't been|hasn't|has not been) (?:fixed|solved|resolved|sorted)",
)

_ES_REPEAT: Final = (
    r"(?:tuve|he tenido|tengo) que llamar (?:\w+ )?veces",
    r"sigo esperando",
)

_EN_PRAISE: Final = (r"(?:ana|maria|john) (?:was|is) (?:great|amazing|very helpful)",)

_ES_PRAISE: Final = (r"(?:el|la) (?:tecnico|tecnica) (?:fue|es) (?:muy )?(?:amable|atenta|atento)",)

_RULES: Final[dict[str, dict[Intent, tuple[str, ...]]]] = {
    "en": {
        Intent.CHURN: _EN_CHURN,
        Intent.NOT_HEARD: _EN_NOT_HEARD,
        Intent.REPEAT_CONTACT: _EN_REPEAT,
        Intent.PRAISE_PERSON: _EN_PRAISE,
    },
    "es": {
        Intent.CHURN: _ES_CHURN,
        Intent.NOT_HEARD: _ES_NOT_HEARD,
        Intent.REPEAT_CONTACT: _ES_REPEAT,
        Intent.PRAISE_PERSON: _ES_PRAISE,
    },
}


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


#: Words that negate the statement right after them.
_NEGATIONS: Final = _words(
    "not no never without dont wont cant didnt wouldnt doesnt isnt wasnt nunca jamas ni tampoco sin"
)
#: Small words allowed between a negation and the statement it negates.
_FILLERS: Final = _words(
    "i i'm im i'll i'd we we're we'll will would am is are be was were going gonna to want "
    "plan plans planning intend intention of even ever really think thinking have has had any "
    "me te se lo la le nos voy vamos va a de que pienso quiero tengo intencion planes"
)
_MAX_FILLERS: Final = 5
_TOKEN: Final = re.compile(r"[a-z0-9']+|[^\sa-z0-9']")
_LOOKBACK_CHARS: Final = 60


def _compile(patterns: Iterable[str]) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(patterns) + r")\b")


_COMPILED: Final[dict[str, tuple[tuple[Intent, re.Pattern[str]], ...]]] = {
    language: tuple((intent, _compile(patterns)) for intent, patterns in rules.items())
    for language, rules in _RULES.items()
}


def fold(text: str) -> str:
    """Return text lower-cased with accents and curly apostrophes folded, as rules see it."""
    return text.lower().translate(_FOLD)


def _negated(text: str, start: int) -> bool:
    """Return whether a negation word stands just before position `start` of folded text."""
    window_start = max(0, start - _LOOKBACK_CHARS)
    tokens = _TOKEN.findall(text, window_start, start)
    if window_start > 0 and tokens:
        tokens = tokens[1:]  # the first token may be cut in half
    for fillers, token in enumerate(reversed(tokens)):
        bare = token.replace("'", "")
        if bare in _NEGATIONS or bare.endswith("nt") and token.endswith("n't"):
            return True
        if token not in _FILLERS or fillers == _MAX_FILLERS:
            return False
    return False


def _found(pattern: re.Pattern[str], text: str) -> bool:
    return any(not _negated(text, match.start()) for match in pattern.finditer(text))


def detect(text: str, language: str | None = None) -> frozenset[Intent]:
    """Return the statements found in one answer ("en", "es", or None for both languages)."""
    folded = fold(text)
    found: set[Intent] = set()
    for code in (language,) if language in _COMPILED else RULE_LANGUAGES:
        for intent, pattern in _COMPILED[code]:
            if intent not in found and _found(pattern, folded):
                found.add(intent)
    return frozenset(found)


def detect_many(
    texts: Sequence[str], languages: Sequence[str | None] | None = None
) -> list[frozenset[Intent]]:
    """Return the statements found in each answer, in order, as `detect` would."""
    if languages is None:
        return [detect(text) for text in texts]
    if len(languages) != len(texts):
        raise ValueError(f"{len(languages)} languages given for {len(texts)} texts")
    return [detect(text, code) for text, code in zip(texts, languages, strict=True)]


__all__ = ["RULE_LANGUAGES", "Intent", "detect", "detect_many", "fold"]
