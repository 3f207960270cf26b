"""Write analysis/data/near_miss_guard.txt.gz: real words one edit away from a sentiment word.

`analysis.spelling` corrects "terible" to "terrible", but must leave "later" (one edit from
"hater") or "casado" (one edit from "cansado") alone. This lists every English and Spanish word
form in simplemma's dictionaries (MIT) that is one edit away (doubled letters also written
once) from a word of Heard's sentiment lexicons (TextBlob's, VADER's, the English service
lexicon and the Spanish lexicon, every valence), accents folded. Rebuild it after adding
words to a lexicon::

    .venv/bin/python scripts/build_near_miss_guard.py
"""

from __future__ import annotations

import gzip
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from analysis import english_sentiment, spanish_lexicon  # noqa: E402
from analysis.clauses import fold  # noqa: E402
from analysis.spelling import GUARD_FILE, MIN_LENGTH, collapse_doubles, near  # noqa: E402


def _deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def sentiment_words() -> set[str]:
    """Return every single word the lexicons know, folded."""
    words = set(english_sentiment.lexicon_words()) | set(spanish_lexicon.lexicon())
    return {fold(w) for w in words if " " not in w and fold(w).isalpha()}


def dictionary_words() -> set[str]:
    """Return every English and Spanish form and lemma in simplemma's dictionaries, folded."""
    from simplemma.strategies.dictionaries.dictionary_factory import DefaultDictionaryFactory

    factory = DefaultDictionaryFactory()
    words: set[str] = set()
    for language in ("en", "es"):
        for form, lemma in factory.get_dictionary(language).items():
            for word in (form, lemma):
                text = word.decode() if isinstance(word, bytes) else word
                folded = fold(text)
                if len(folded) >= MIN_LENGTH and folded.isalpha():
                    words.add(folded)
    return words


def main() -> None:
    """Build and write the guard list."""
    targets = {w for w in sentiment_words() if len(w) >= MIN_LENGTH - 1}
    index: dict[str, set[str]] = {}
    for word in targets:
        collapsed = collapse_doubles(word)
        for key in {word, collapsed, *_deletions(word), *_deletions(collapsed)}:
            index.setdefault(key, set()).add(word)
    guard = set()
    for word in dictionary_words() - targets:
        collapsed = collapse_doubles(word)
        found = index.get(word, set()) | index.get(collapsed, set())
        for key in _deletions(word) | _deletions(collapsed):
            found |= index.get(key, set())
        if any(near(word, target) for target in found):
            guard.add(word)
    with gzip.open(GUARD_FILE, "wt", encoding="utf-8") as handle:
        handle.write("\n".join(sorted(guard)) + "\n")
    print(f"{len(guard)} guarded words written to {GUARD_FILE}")


if __name__ == "__main__":
    main()
