"""Themes: time to extract the themes of 200,000 answers, import time and peak memory.

Answers: 200,000 distinct short answers (1-20 words, half English, half Spanish) cut from the
shared labelled files' sentences, as in bench_sentiment; without the shared data, survey-like
answers recombined from a few service phrases. Each answer gets a seeded random NPS score.

Figures, each beside a ceiling measured in the same run:

- extraction time of `analysis.themes.extract` (clauses, phrases, the sentiment of every clause
  that mentions a theme, the detractor/promoter test), against a bare regex tokenise-and-count
  of the same texts (the least any extractor must do), and against the 30 s budget;
- the CPU time of that extraction, all processes included: wall time on a machine that other
  work shares grows with its load, CPU time much less;
- the same with each answer's polarity given, as the app stores it: only the clauses of
  answers of more than one clause are scored;
- wall time of a fresh process that imports `analysis.themes` and loads its word lists and
  stemmers, against a fresh bare interpreter;
- peak resident memory (VmHWM) of a process that extracts the themes, against one that only
  reads the texts and runs the bare count (worker processes are not included).
"""

from __future__ import annotations

import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from benchmarks.common import Figure

REPO = Path(__file__).resolve().parents[1]
ANSWERS = 200_000
BUDGET_SECONDS = 30.0
_TOKEN = re.compile(r"\w+")


def answers(count: int = ANSWERS, seed: int = 11) -> list[tuple[str, str]]:
    """Return `count` (text, language) answers, half English and half Spanish."""
    from benchmarks.bench_sentiment import load_labeled, shared_data_dir, short_answers

    files = load_labeled(shared_data_dir())
    try:
        texts = short_answers(files, count, seed)
    except FileNotFoundError:
        return _recombined(count, seed)
    # short_answers alternates the languages, English first (sorted).
    languages = sorted({f.language for f in files if f.name + ".csv" in _short_files()})
    return [(text, languages[i % len(languages)]) for i, text in enumerate(texts)]


def _short_files() -> tuple[str, ...]:
    from benchmarks.bench_sentiment import SHORT_FILES

    return SHORT_FILES


def _recombined(count: int, seed: int) -> list[tuple[str, str]]:
    rng = random.Random(seed)
    english = ["I waited on hold for an hour", "the agent was rude", "lost luggage", "quick refund"]
    spanish = ["el tiempo de espera fue eterno", "me cancelaron el vuelo", "personal amable"]
    out = []
    for i in range(count):
        pool, language = (english, "en") if i % 2 == 0 else (spanish, "es")
        out.append((f"{rng.choice(pool)}, {rng.choice(pool)} ({i})", language))
    return out


def bare_count(texts: list[str]) -> Counter[str]:
    """The ceiling: lowercase, regex-tokenise and count words once per answer."""
    counts: Counter[str] = Counter()
    for text in texts:
        counts.update(set(_TOKEN.findall(text.lower())))
    return counts


def _split(data: list[tuple[str, str]]) -> dict[str, list[str]]:
    by_language: dict[str, list[str]] = {}
    for text, language in data:
        by_language.setdefault(language, []).append(text)
    return by_language


def _extract_all(by_language: dict[str, list[str]], with_sentiment: bool) -> tuple[float, float]:
    """Extract each language's themes; return (wall seconds, CPU seconds of all processes).

    with_sentiment=False gives each answer's polarity, as the app stores it.
    """
    from analysis.themes import extract

    rng = random.Random(3)
    before = os.times()
    started = time.perf_counter()
    for language, texts in by_language.items():
        scores: list[int | None] = [rng.randint(0, 10) for _ in texts]
        polarities = None if with_sentiment else [0.0] * len(texts)
        extract(texts, language, scores, polarities=polarities)
    wall = time.perf_counter() - started
    after = os.times()
    # Worker processes are reaped when their pool closes, so their time is in children_*.
    cpu = sum(
        getattr(after, name) - getattr(before, name)
        for name in ("user", "system", "children_user", "children_system")
    )
    return wall, cpu


def _child(code: str, *args: str) -> dict[str, float]:
    """Run `code` in a fresh interpreter at the repository root; return its printed JSON."""
    done = subprocess.run(
        [sys.executable, "-c", code, *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


_PEAK = """
import json, sys
sys.path.insert(0, ".")
from benchmarks.bench_themes import _split, bare_count, _extract_all
data = json.load(open(sys.argv[1], encoding="utf-8"))
by_language = _split([tuple(pair) for pair in data])
if sys.argv[2] == "themes":
    _extract_all(by_language, with_sentiment=True)
else:
    for texts in by_language.values():
        bare_count(texts)
# ru_maxrss would include the parent's memory before exec; VmHWM is this process's own peak.
status = open("/proc/self/status", encoding="ascii").read()
peak_kb = int(status.split("VmHWM:")[1].split()[0])
print(json.dumps({"mb": peak_kb / 1024}))
"""


def _best_start(code: str, rounds: int = 3) -> float:
    """Return the best wall time, in seconds, of a fresh interpreter running `code`."""
    best = float("inf")
    for _ in range(rounds):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], cwd=REPO, check=True)
        best = min(best, time.perf_counter() - started)
    return best


def run() -> list[Figure]:
    """Time theme extraction on 200,000 answers; measure import time and peak memory."""
    from analysis.sentiment import warm_up
    from analysis.themes import phrases

    data = answers()
    by_language = _split(data)
    warm_up()
    for language in by_language:
        phrases("warm up", language)  # loads the word lists and stemmers before timing
    started, cpu_started = time.perf_counter(), time.process_time()
    for texts in by_language.values():
        bare_count(texts)
    ceiling = time.perf_counter() - started
    ceiling_cpu = time.process_time() - cpu_started
    given, _ = _extract_all(by_language, with_sentiment=False)
    full, full_cpu = _extract_all(by_language, with_sentiment=True)
    cores = os.cpu_count() or 1
    print(
        f"   {len(data):,} answers: themes {full:.1f} s, {full_cpu:.1f} CPU s over {cores} "
        f"cores (answer polarities given {given:.1f} s); bare regex count {ceiling:.2f} s; "
        f"load average {os.getloadavg()[0]:.1f}",
        flush=True,
    )
    imported = _best_start(
        "import analysis.themes as t\nt.phrases('warm up', 'en')\nt.phrases('hola', 'es')"
    )
    interpreter = _best_start("pass")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "answers.json"
        path.write_text(json.dumps(data), encoding="utf-8")
        peak = _child(_PEAK, str(path), "themes")["mb"]
        peak_ceiling = _child(_PEAK, str(path), "bare")["mb"]
    print(
        f"   import {imported * 1000:.0f} ms (interpreter {interpreter * 1000:.0f} ms); "
        f"peak RSS {peak:.0f} MB (bare count {peak_ceiling:.0f} MB)",
        flush=True,
    )
    return [
        Figure(
            name=f"themes of {len(data):,} answers",
            unit="s",
            heard=full,
            ceiling=ceiling,
            ceiling_label="bare regex tokenise+count",
            higher_is_better=False,
        ),
        Figure(
            name=f"themes of {len(data):,} answers, budget",
            unit="s",
            heard=full,
            ceiling=BUDGET_SECONDS,
            ceiling_label="30 s budget",
            higher_is_better=False,
            target=1.0,
        ),
        Figure(
            name=f"themes of {len(data):,} answers, CPU",
            unit="CPU s",
            heard=full_cpu,
            ceiling=ceiling_cpu,
            ceiling_label="bare regex tokenise+count",
            higher_is_better=False,
        ),
        Figure(
            name="themes, answer polarities given",
            unit="s",
            heard=given,
            ceiling=ceiling,
            ceiling_label="bare regex tokenise+count",
            higher_is_better=False,
        ),
        Figure(
            name="start + import analysis.themes",
            unit="ms",
            heard=imported * 1000,
            ceiling=interpreter * 1000,
            ceiling_label="bare interpreter",
            higher_is_better=False,
        ),
        Figure(
            name="themes peak memory",
            unit="MB",
            heard=peak,
            ceiling=peak_ceiling,
            ceiling_label="read texts + bare count",
            higher_is_better=False,
        ),
    ]
