"""Keep ``docs/performance.md`` true to the last measurement of every figure.

Each run of ``make bench`` (or of one benchmark) merges its figures into
``benchmarks/results.json`` by name, stamped with the machine and the date, and the page is
rendered again from that file. A partial rerun therefore updates its own rows and leaves the
others as they were measured, with their own dates.
"""

from __future__ import annotations

import json
import os
import platform
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from benchmarks.common import Figure

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results.json"
PAGE = ROOT / "docs" / "performance.md"

INTRO = """# Performance

Every figure below is produced by `make bench` (`python -m benchmarks.run [name …]` reruns one
benchmark) on the machine named in its row. Each figure is measured beside a **ceiling**: the
same work done by the simplest code that could do it (bare Flask, bare smtplib, bare TextBlob,
a bare SQL `GROUP BY`, …), in the same run on the same machine, so the **ratio** does not depend
on how fast the machine happens to be. Ratio 1.0 means "as good as the ceiling"; for times and
memory the ratio is ceiling ÷ Heard, so higher is always better. A figure with a target fails
`make bench` when its ratio falls below it.

This page is written by `benchmarks/report.py` from `benchmarks/results.json`; do not edit it
by hand.
"""


def machine() -> str:
    """Describe this machine in a few words: cores, memory and Python."""
    try:
        pages = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
        memory = f"{pages / 2**30:.0f} GiB"
    except (ValueError, OSError, AttributeError):
        memory = "? GiB"
    python = platform.python_version()
    return f"{os.cpu_count()} cores, {memory}, {platform.machine()}, Python {python}"


def _load() -> dict[str, dict[str, Any]]:
    if not RESULTS.exists():
        return {}
    loaded: dict[str, dict[str, Any]] = json.loads(RESULTS.read_text(encoding="utf-8"))
    return loaded


def record(figures: list[Figure], module_of: dict[str, str]) -> None:
    """Merge these figures into the results file and rewrite the performance page."""
    results = _load()
    stamp = datetime.now(UTC).strftime("%Y-%m-%d")
    where = machine()
    for figure in figures:
        results[figure.name] = {
            "benchmark": module_of.get(figure.name, ""),
            "unit": figure.unit,
            "heard": figure.heard,
            "ceiling": figure.ceiling,
            "ceiling_label": figure.ceiling_label,
            "higher_is_better": figure.higher_is_better,
            "target": figure.target,
            "machine": where,
            "date": stamp,
        }
    RESULTS.write_text(json.dumps(results, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    PAGE.write_text(render(results), encoding="utf-8")


def _number(value: float, unit: str) -> str:
    return f"{value:,.2f} {unit}" if abs(value) < 10 else f"{value:,.0f} {unit}"


def render(results: dict[str, dict[str, Any]]) -> str:
    """Return the performance page: one table per benchmark module."""
    by_module: dict[str, list[tuple[str, dict[str, Any]]]] = {}
    for name, row in sorted(results.items()):
        by_module.setdefault(row.get("benchmark") or "other", []).append((name, row))
    lines = [INTRO]
    for module in sorted(by_module):
        lines += [
            f"\n## {module}\n",
            "| figure | Heard | ceiling | ceiling is | ratio | target | verdict | machine | date |",
            "|---|---|---|---|---|---|---|---|---|",
        ]
        for name, row in by_module[module]:
            figure = Figure(
                name=name,
                unit=row["unit"],
                heard=row["heard"],
                ceiling=row["ceiling"],
                ceiling_label=row["ceiling_label"],
                higher_is_better=row["higher_is_better"],
                target=row["target"],
            )
            target = "" if figure.target is None else f"≥ {figure.target:.2f}"
            lines.append(
                f"| {name} | {_number(figure.heard, figure.unit)} | "
                f"{_number(figure.ceiling, figure.unit)} | {figure.ceiling_label} | "
                f"{figure.ratio:.2f} | {target} | {figure.verdict} | {row['machine']} | "
                f"{row['date']} |"
            )
    return "\n".join(lines) + "\n"
