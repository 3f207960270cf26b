"""`make bench` keeps docs/performance.md: partial reruns merge by figure name."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks import report
from benchmarks.common import Figure


@pytest.fixture
def paths(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    results, page = tmp_path / "results.json", tmp_path / "performance.md"
    monkeypatch.setattr(report, "RESULTS", results)
    monkeypatch.setattr(report, "PAGE", page)
    return results, page


def test_rerun_of_one_benchmark_keeps_the_others(paths: tuple[Path, Path]) -> None:
    _, page = paths
    fast = Figure("mail sent", "msg/s", 500.0, 1000.0, "bare smtplib", target=0.4)
    slow = Figure(
        "page time", "ms", 40.0, 10.0, "bare GROUP BY", higher_is_better=False, target=0.5
    )
    report.record([fast, slow], {"mail sent": "bench_mail", "page time": "bench_pages"})
    report.record(
        [Figure("mail sent", "msg/s", 300.0, 1000.0, "bare smtplib", target=0.4)],
        {"mail sent": "bench_mail"},
    )
    text = page.read_text()
    assert (
        "| mail sent | 300 msg/s | 1,000 msg/s | bare smtplib | 0.30 | ≥ 0.40 | BELOW TARGET |"
        in text
    )
    # The other benchmark's row stays as it was measured; lower-is-better ratio is ceiling/heard.
    assert "| page time | 40 ms | 10 ms | bare GROUP BY | 0.25 | ≥ 0.50 | BELOW TARGET |" in text
    assert "## bench_mail" in text
    assert "## bench_pages" in text
