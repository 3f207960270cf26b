"""Plotly figures built on the server from binned figures, small enough to embed in a page.

Every text that reaches a figure is HTML-escaped first: Plotly reads a few HTML tags in labels
(``<a href>``, ``<br>``), so an agent's name or a theme must never be able to write markup.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from html import escape
from typing import Any, Final

import plotly.graph_objects as go

#: A figure's JSON stays under this (the issue's ceiling); tests check every page's figures.
MAX_FIGURE_BYTES: Final = 50_000

INK: Final = "#1d2430"
ACCENT: Final = "#0b5cad"
BAND: Final = "rgba(11, 92, 173, 0.18)"
DANGER: Final = "#a4161a"
OK: Final = "#1e6b3a"
MUTED: Final = "#4f5b6b"


@dataclass(frozen=True)
class Estimate:
    """One labelled value with its interval (a dot and a whisker)."""

    label: str
    value: float
    low: float
    high: float
    n: int
    #: shown greyed out: too few answers to read
    faint: bool = False


def _layout(title: str, x_title: str = "", y_title: str = "", height: int = 320) -> go.Layout:
    return go.Layout(
        template=go.layout.Template(),  # the default template alone is ~9 KB of JSON
        title={"text": escape(title), "font": {"size": 15, "color": INK}},
        font={"family": "system-ui, sans-serif", "size": 12, "color": INK},
        margin={"l": 12, "r": 12, "t": 44, "b": 40, "pad": 2},
        height=height,
        paper_bgcolor="#ffffff",
        plot_bgcolor="#ffffff",
        showlegend=False,
        xaxis={"title": {"text": escape(x_title)}, "automargin": True, "gridcolor": "#e3e7ec"},
        yaxis={"title": {"text": escape(y_title)}, "automargin": True, "gridcolor": "#e3e7ec"},
    )


def as_json(figure: go.Figure) -> dict[str, Any]:
    """Return the figure as plain JSON data; refuse one over MAX_FIGURE_BYTES."""
    data: dict[str, Any] = json.loads(figure.to_json())
    size = len(json.dumps(data, separators=(",", ":")))
    if size > MAX_FIGURE_BYTES:
        raise ValueError(f"figure JSON is {size} bytes; bin the data (at most {MAX_FIGURE_BYTES})")
    return data


def trend_figure(
    weeks: Sequence[date],
    scores: Sequence[float | None],
    lows: Sequence[float | None],
    highs: Sequence[float | None],
    flagged: Sequence[bool],
    *,
    title: str,
    y_title: str,
    flag_label: str,
    week_labels: Sequence[str] = (),
) -> dict[str, Any]:
    """Return the weekly NPS line with its 95 % band and the control chart's flags."""
    x = [week.isoformat() for week in weeks]
    # Plotly names months in English; the page's own date labels keep the axis in its language.
    labels = [escape(label) for label in week_labels] or x
    figure = go.Figure(layout=_layout(title, y_title=y_title))
    figure.add_trace(
        go.Scatter(x=x, y=list(highs), mode="lines", line={"width": 0}, hoverinfo="skip")
    )
    figure.add_trace(
        go.Scatter(
            x=x,
            y=list(lows),
            mode="lines",
            line={"width": 0},
            fill="tonexty",
            fillcolor=BAND,
            hoverinfo="skip",
        )
    )
    figure.add_trace(
        go.Scatter(
            x=x,
            y=list(scores),
            mode="lines+markers",
            line={"color": ACCENT, "width": 2},
            connectgaps=False,
            name="NPS",
            text=labels,
            hovertemplate="%{text}: %{y:.0f}<extra></extra>",
        )
    )
    flags = [(week, score) for week, score, flag in zip(x, scores, flagged, strict=True) if flag]
    if flags:
        figure.add_trace(
            go.Scatter(
                x=[week for week, _ in flags],
                y=[score for _, score in flags],
                mode="markers",
                marker={"symbol": "diamond", "size": 13, "color": DANGER},
                name=escape(flag_label),
            )
        )
    figure.update_yaxes(range=[-100, 100])
    step = max(1, math.ceil(len(x) / 8))  # at most eight dates under the axis
    figure.update_xaxes(tickvals=x[::step], ticktext=labels[::step])
    return as_json(figure)


def dot_whisker(
    estimates: Sequence[Estimate], *, title: str, x_title: str, x_range: tuple[float, float]
) -> dict[str, Any]:
    """Return one dot per row with its interval as a whisker (no ranking implied: given order)."""
    labels = [escape(row.label) for row in estimates]
    figure = go.Figure(layout=_layout(title, x_title=x_title, height=110 + 34 * len(estimates)))
    figure.add_trace(
        go.Scatter(
            x=[row.value for row in estimates],
            y=labels,
            mode="markers",
            marker={
                "size": 11,
                "color": [MUTED if row.faint else ACCENT for row in estimates],
            },
            error_x={
                "type": "data",
                "symmetric": False,
                "array": [row.high - row.value for row in estimates],
                "arrayminus": [row.value - row.low for row in estimates],
                "color": INK,
                "thickness": 1.5,
                "width": 4,
            },
            customdata=[row.n for row in estimates],
            hovertemplate="%{y}: %{x:.0f} (n=%{customdata})<extra></extra>",
        )
    )
    figure.update_xaxes(range=list(x_range), zeroline=True, zerolinecolor=MUTED)
    figure.update_yaxes(autorange="reversed", automargin=True)
    return as_json(figure)


def bars(
    labels: Sequence[str],
    values: Sequence[float],
    colours: Sequence[str],
    *,
    title: str,
    x_title: str,
) -> dict[str, Any]:
    """Return horizontal bars (theme counts), in the order given."""
    figure = go.Figure(layout=_layout(title, x_title=x_title, height=110 + 28 * len(labels)))
    figure.add_trace(
        go.Bar(
            x=list(values),
            y=[escape(label) for label in labels],
            orientation="h",
            marker={"color": list(colours)},
            hovertemplate="%{y}: %{x}<extra></extra>",
        )
    )
    figure.update_yaxes(autorange="reversed", automargin=True)
    return as_json(figure)


def polarity_colour(polarity: float) -> str:
    """Return the bar colour of a mean polarity: red for negative, green for positive."""
    if polarity <= -0.05:
        return DANGER
    if polarity >= 0.05:
        return OK
    return MUTED
