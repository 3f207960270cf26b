"""Shared shape of a benchmark figure and how `make bench` prints it."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass


@dataclass(frozen=True)
class Figure:
    """One measured figure: Heard's number beside a ceiling measured in the same run.

    ``ratio`` is heard / ceiling when higher is better (throughput), and ceiling / heard
    when lower is better (latency, memory), so that 1.0 always means "as good as the ceiling".
    """

    name: str
    unit: str
    heard: float
    ceiling: float
    ceiling_label: str
    higher_is_better: bool = True
    target: float | None = None

    @property
    def ratio(self) -> float:
        if self.heard == 0 or self.ceiling == 0:
            return 0.0
        return self.heard / self.ceiling if self.higher_is_better else self.ceiling / self.heard

    @property
    def verdict(self) -> str:
        if self.target is None:
            return ""
        return "ok" if self.ratio >= self.target else "BELOW TARGET"


def format_table(figures: list[Figure]) -> str:
    """Render figures as an aligned plain-text table."""
    header = ("figure", "heard", "ceiling", "ceiling is", "ratio", "target", "")
    rows = [header]
    for f in figures:
        rows.append(
            (
                f.name,
                f"{f.heard:,.1f} {f.unit}",
                f"{f.ceiling:,.1f} {f.unit}",
                f.ceiling_label,
                f"{f.ratio:.2f}",
                "" if f.target is None else f"≥ {f.target:.2f}",
                f.verdict,
            )
        )
    widths = [max(len(r[i]) for r in rows) for i in range(len(header))]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in rows)


@contextmanager
def postgres_database(prefix: str = "heard_bench") -> Iterator[str | None]:
    """Create a scratch PostgreSQL database for one benchmark and drop it afterwards.

    The server comes from BENCH_DATABASE_URL or TEST_DATABASE_URL; without either, yield None
    (the benchmark then measures SQLite only).
    """
    server = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("TEST_DATABASE_URL")
    if not server:
        yield None
        return
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    server = server.replace("postgresql://", "postgresql+psycopg://", 1)
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    engine = create_engine(server, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(server).set(database=name).render_as_string(hide_password=False)
    finally:
        with engine.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()
