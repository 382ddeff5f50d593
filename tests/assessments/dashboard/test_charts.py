"""The figure builders: pure functions of the selectors' rows, valid plotly figures."""

import datetime as dt
import json

import plotly.graph_objects as go
import pytest

from assessments.dashboard import charts
from assessments.dashboard.selectors import CategoryRow, MonthMoney
from finances.selectors import Completeness

LABELS = {"tumbuh": "Tumbuh", "berkembang": "Berkembang", "mandiri": "Mandiri"}


def valid(figure: dict) -> dict:
    json.dumps(figure)  # what json_script writes
    go.Figure(figure)  # plotly validates every attribute
    return figure


def row(label, tumbuh, berkembang, mandiri):
    result = CategoryRow(key=label, label=label)
    result.counts.update(tumbuh=tumbuh, berkembang=berkembang, mandiri=mandiri)
    return result


def test_category_change_puts_the_year_before_beside_now():
    figure = valid(
        charts.category_change_figure(
            {"tumbuh": 5, "berkembang": 3, "mandiri": 1, "": 2},
            {"tumbuh": 6, "berkembang": 2, "mandiri": 0, "": 0},
            LABELS,
            titles=("Per 31 Des 2023", "Per 31 Des 2024"),
        )
    )
    before, now = figure["data"]
    assert before["name"] == "Per 31 Des 2023" and before["y"] == [6, 2, 0]
    assert now["x"] == ["Tumbuh", "Berkembang", "Mandiri"] and now["y"] == [5, 3, 1]
    assert figure["layout"]["separators"] == ",."


@pytest.mark.parametrize("horizontal", [False, True])
def test_stacked_categories(horizontal):
    rows = [row("Bontang Utara", 4, 2, 1), row("Bontang Barat", 0, 1, 0)]
    figure = valid(charts.stacked_categories_figure(rows, LABELS, horizontal=horizontal))
    assert [trace["name"] for trace in figure["data"]] == ["Tumbuh", "Berkembang", "Mandiri"]
    values, slices = ("x", "y") if horizontal else ("y", "x")
    assert figure["data"][0][values] == [4, 0] and figure["data"][1][slices] == ["Bontang Utara", "Bontang Barat"]
    assert figure["layout"]["barmode"] == "stack"


def test_movement_figure_stacks_where_each_category_ended():
    matrix = {("tumbuh", "berkembang"): 3, ("tumbuh", "tumbuh"): 5, ("mandiri", "berkembang"): 1}
    figure = valid(charts.movement_figure(matrix, LABELS))
    to_berkembang = figure["data"][1]
    assert to_berkembang["x"] == ["Tumbuh", "Berkembang", "Mandiri"] and to_berkembang["y"] == [3, 0, 1]


def test_money_figure_has_income_bars_and_iks_on_a_second_axis():
    rows = [MonthMoney(dt.date(2024, m, 1), 2, 1_000_000 * m, 10_000 * m) for m in (1, 2)]
    figure = valid(charts.money_figure(rows))
    income, iks = figure["data"]
    assert income["type"] == "bar" and income["y"] == [1_000_000, 2_000_000]
    assert iks["yaxis"] == "y2" and iks["y"] == [10_000, 20_000]
    assert len(income["x"]) == 2


def test_completeness_figures():
    months = [Completeness(expected=4, submitted=3, on_time=2, period=dt.date(2024, 11, 1))]
    figure = valid(charts.completeness_trend_figure(months))
    assert figure["data"][0]["y"] == [75] and figure["data"][1]["y"] == [50]
    people = [
        Completeness(expected=4, submitted=2, facilitator_id=1, facilitator_name="Siti"),
        Completeness(expected=2, submitted=2, facilitator_id=None),
    ]
    figure = valid(charts.completeness_facilitator_figure(people, no_facilitator="Tanpa pendamping"))
    assert figure["data"][0]["y"] == ["Siti", "Tanpa pendamping"] and figure["data"][0]["x"] == [50, 100]
