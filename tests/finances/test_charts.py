"""The chart figures are pure: built from plain values, no database."""

import datetime as dt
import json
from dataclasses import dataclass

from django.utils import translation

from finances.charts import income_expenses_figure


@dataclass
class Point:
    period: dt.date
    income: int
    expenses: int


POINTS = [
    Point(dt.date(2015, 11, 1), 1_416_000, 400_000),
    Point(dt.date(2015, 12, 1), 300_000, 450_000),
]


def test_income_expenses_figure_has_bars_and_profit_line():
    with translation.override("id"):
        figure = income_expenses_figure(POINTS)
    income, expenses, profit = figure["data"]
    assert (income["type"], income["name"], income["y"]) == ("bar", "Pendapatan", [1_416_000, 300_000])
    assert (expenses["type"], expenses["name"], expenses["y"]) == ("bar", "Pengeluaran", [400_000, 450_000])
    assert (profit["type"], profit["name"], profit["y"]) == ("scatter", "Laba", [1_016_000, -150_000])
    assert income["x"] == ["Nov 2015", "Des 2015"]


def test_income_expenses_figure_speaks_rupiah_and_stays_small():
    figure = income_expenses_figure(POINTS)
    layout = figure["layout"]
    assert layout["separators"] == ",."
    assert layout["yaxis"]["tickprefix"] == "Rp "
    assert layout["barmode"] == "group"
    # JSON-ready (json_script) and without plotly's 6 kB default template.
    text = json.dumps(figure)
    assert len(text) < 2_000
    assert "colorscale" not in text


def test_income_expenses_figure_of_no_months_is_empty():
    figure = income_expenses_figure([])
    assert [trace["y"] for trace in figure["data"]] == [[], [], []]


def test_income_expenses_figure_uses_whole_rupiah():
    figure = income_expenses_figure([Point(dt.date(2024, 1, 1), 1_500_000, 0)])
    assert all(isinstance(v, int) for trace in figure["data"] for v in trace["y"])
