"""Run every ``benchmarks/bench_*.py`` module and print its figures beside their ceilings.

The figures are also merged into ``benchmarks/results.json`` and ``docs/performance.md``.

Each module exposes ``run() -> list[Figure]``. ``python -m benchmarks.run [name ...]`` runs
only the modules whose name contains one of the given words.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
import time

import benchmarks
from benchmarks.common import Figure, format_table
from benchmarks.report import record


def discover(selected: list[str]) -> list[str]:
    """Return the benchmark module names to run, in a stable order."""
    names = sorted(
        m.name for m in pkgutil.iter_modules(benchmarks.__path__) if m.name.startswith("bench_")
    )
    if selected:
        names = [n for n in names if any(word in n for word in selected)]
    return names


def main(argv: list[str] | None = None) -> int:
    """Run the selected benchmarks; exit 1 when a figure misses its target."""
    selected = list(sys.argv[1:] if argv is None else argv)
    figures: list[Figure] = []
    module_of: dict[str, str] = {}
    for name in discover(selected):
        module = importlib.import_module(f"benchmarks.{name}")
        started = time.perf_counter()
        print(f"== {name}", flush=True)
        produced = module.run()
        print(format_table(produced), flush=True)
        print(f"   ({time.perf_counter() - started:.0f} s)\n", flush=True)
        figures.extend(produced)
        module_of.update((figure.name, name) for figure in produced)
        # Written after each module, so a long run interrupted later keeps what it measured.
        record(produced, module_of)
    print("== all figures")
    print(format_table(figures))
    return 0 if all(f.verdict != "BELOW TARGET" for f in figures) else 1


if __name__ == "__main__":
    raise SystemExit(main())
