"""Pure-Python analysis for Heard: scores, intervals, verdicts and text signals.

Import the module you need (``from analysis import nps``). Nothing is imported here, so
``import analysis`` stays fast and the text modules' heavier dependencies load only when used.
Nothing in this package may import Flask, SQLAlchemy or Plotly: callers aggregate in SQL and
hand over counts and plain values, and get frozen dataclasses back.
"""
