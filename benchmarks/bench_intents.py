"""Statements (intents): precision and recall on labelled answers, and throughput.

Accuracy: tests/analysis/data/intents_{en,es}.csv, per statement and language, measured on

- the held-out half of the first set (the rules were tuned on the other half, by someone who
  had written both): each figure carries the issue's target, precision >= 0.9, recall >= 0.75,
  as a ratio to a perfect score of 100 %;
- the blind batch (104 answers per language), written after the rules froze and never tuned
  on: the same figures without a target, because they are what the rules do on wording they
  have not seen, not a goal the rules were fitted to. They miss the targets (see
  docs/analysis.md), and saying so is the point of measuring them.

Precision counts every answer of the split in that language (a churn answer flagged as praise
is a false positive of praise).

Throughput: ``detect_many`` on the same distinct short answers that bench_sentiment uses (cut
from the public labelled sentences; the labelled intents answers repeated when those are
missing), with each answer's language given and with none given, beside bare
``TextBlob(text).sentiment`` on the same answers as the ceiling, one process each, best of
``ROUNDS`` interleaved rounds.

The table is written into docs/analysis.md between the bench:intents markers.
"""

from __future__ import annotations

import csv
import datetime as dt
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from benchmarks.common import Figure

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "tests" / "analysis" / "data"
DOCS = REPO / "docs" / "analysis.md"
START_MARK = "<!-- bench:intents:start -->"
END_MARK = "<!-- bench:intents:end -->"
LANGUAGES = ("en", "es")
MIN_PRECISION = 0.9
MIN_RECALL = 0.75
THROUGHPUT_TEXTS = 40_000
ROUNDS = 3


@dataclass(frozen=True)
class Score:
    split: str
    language: str
    intent: str
    answers: int
    positives: int
    precision: float
    recall: float


def load(language: str) -> list[dict[str, str]]:
    """Read the labelled answers of one language."""
    path = DATA / f"intents_{language}.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def measure(split: str) -> list[Score]:
    """Return precision and recall per language and statement on one split."""
    from analysis.intents import Intent, detect_many

    scores = []
    for language in LANGUAGES:
        rows = [row for row in load(language) if row["split"] == split]
        found = detect_many([row["text"] for row in rows], [language] * len(rows))
        for intent in Intent:
            truth = [intent.value in row["intents"].split(";") for row in rows]
            said = [intent in got for got in found]
            hits = sum(s and t for s, t in zip(said, truth, strict=True))
            flagged, positives = sum(said), sum(truth)
            scores.append(
                Score(
                    split=split,
                    language=language,
                    intent=intent.value,
                    answers=len(rows),
                    positives=positives,
                    precision=hits / flagged if flagged else 0.0,
                    recall=hits / positives if positives else 0.0,
                )
            )
    return scores


@dataclass(frozen=True)
class Throughput:
    texts: int
    with_language: float
    without_language: float
    textblob: float


def _rate(score: Callable[[list[str]], object], texts: list[str]) -> float:
    started = time.perf_counter()
    score(texts)
    return len(texts) / (time.perf_counter() - started)


def throughput_texts() -> tuple[list[str], list[str | None]]:
    """Return distinct short answers and their languages (as bench_sentiment builds them)."""
    from benchmarks.bench_sentiment import SHORT_FILES, load_labeled, short_answers

    files = [f for f in load_labeled() if f.name + ".csv" in SHORT_FILES]
    if files:
        texts = short_answers(files, THROUGHPUT_TEXTS)
        # short_answers alternates languages in sorted order: en, es, en, ...
        languages = sorted({f.language for f in files})
        return texts, [languages[i % len(languages)] for i in range(len(texts))]
    rows = [row for language in LANGUAGES for row in load(language)]
    repeat = THROUGHPUT_TEXTS // len(rows) + 1
    texts = [f"{row['text']} ({n})" for n in range(repeat) for row in rows][:THROUGHPUT_TEXTS]
    codes: list[str | None] = [row["language"] for _ in range(repeat) for row in rows]
    return texts, codes[:THROUGHPUT_TEXTS]


def measure_throughput() -> Throughput:
    """Time detect_many (with and without languages) and bare TextBlob on the same answers."""
    from textblob import TextBlob

    from analysis.intents import detect_many, warm_up

    texts, languages = throughput_texts()
    warm_up()
    TextBlob("warm up").sentiment  # noqa: B018 - loads TextBlob's lexicon before timing
    scorers: dict[str, Callable[[list[str]], object]] = {
        "textblob": lambda xs: [TextBlob(x).sentiment for x in xs],
        "with": lambda xs: detect_many(xs, languages),
        "without": lambda xs: detect_many(xs),
    }
    best = dict.fromkeys(scorers, 0.0)
    for _ in range(ROUNDS):
        for name, score in scorers.items():
            best[name] = max(best[name], _rate(score, texts))
    return Throughput(len(texts), best["with"], best["without"], best["textblob"])


def figures(held_out: Sequence[Score], blind: Sequence[Score], speed: Throughput) -> list[Figure]:
    """Turn the measurements into Figures."""
    out = []
    for scores, targeted in ((held_out, True), (blind, False)):
        for s in scores:
            label = f"{s.intent} {s.language} ({s.split})"
            out += [
                Figure(
                    name=f"precision {label}",
                    unit="%",
                    heard=100 * s.precision,
                    ceiling=100.0,
                    ceiling_label="perfect",
                    target=MIN_PRECISION if targeted else None,
                ),
                Figure(
                    name=f"recall {label}",
                    unit="%",
                    heard=100 * s.recall,
                    ceiling=100.0,
                    ceiling_label="perfect",
                    target=MIN_RECALL if targeted else None,
                ),
            ]
    out += [
        Figure(
            name="intents detect_many, languages given",
            unit="texts/s",
            heard=speed.with_language,
            ceiling=speed.textblob,
            ceiling_label="bare TextBlob sentiment",
            target=1.0,
        ),
        Figure(
            name="intents detect_many, no language (both rule sets)",
            unit="texts/s",
            heard=speed.without_language,
            ceiling=speed.textblob,
            ceiling_label="bare TextBlob sentiment",
            target=1.0,
        ),
    ]
    return out


def markdown(held_out: Sequence[Score], blind: Sequence[Score], speed: Throughput) -> str:
    """Render the measured numbers as the docs/analysis.md block."""
    lines = [
        f"Measured by `make bench` on {dt.date.today().isoformat()} (benchmarks/bench_intents.py).",
        "",
        "| statement | language | held-out precision | held-out recall | blind precision "
        "| blind recall | blind answers saying it |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for h, b in zip(held_out, blind, strict=True):
        lines.append(
            f"| {h.intent} | {h.language} | {h.precision:.2f} | {h.recall:.2f} "
            f"| {b.precision:.2f} | {b.recall:.2f} | {b.positives} of {b.answers} |"
        )
    lines += [
        "",
        f"Held-out: {held_out[0].answers} answers per language; blind: {blind[0].answers}.",
        "",
        f"Throughput on {speed.texts:,} distinct short answers, one process, best of {ROUNDS}:",
        "",
        "| scorer | texts/s | against TextBlob |",
        "|---|---:|---:|",
        f"| bare TextBlob sentiment | {speed.textblob:,.0f} | 1.00 |",
        f"| detect_many, languages given | {speed.with_language:,.0f} "
        f"| {speed.with_language / speed.textblob:.2f} |",
        f"| detect_many, no language | {speed.without_language:,.0f} "
        f"| {speed.without_language / speed.textblob:.2f} |",
    ]
    return "\n".join(lines)


def write_docs_block(block: str, path: Path = DOCS) -> bool:
    """Replace the text between the bench:intents markers; return False if they are missing."""
    if not path.exists():
        return False
    text = path.read_text(encoding="utf-8")
    start, end = text.find(START_MARK), text.find(END_MARK)
    if start < 0 or end < start:
        return False
    path.write_text(
        text[: start + len(START_MARK)] + "\n" + block + "\n" + text[end:], encoding="utf-8"
    )
    return True


def run() -> list[Figure]:
    """Measure precision, recall and throughput; update docs/analysis.md."""
    held_out, blind = measure("held_out"), measure("blind")
    speed = measure_throughput()
    block = markdown(held_out, blind, speed)
    print(block)
    if not write_docs_block(block):
        print(f"   {DOCS} has no {START_MARK} block: not updated")
    return figures(held_out, blind, speed)
