"""The category-and-score chart as a pure function: no database."""

import datetime as dt
import json
from dataclasses import dataclass
from decimal import Decimal

from assessments.charts import CATEGORY_STEPS, category_score_figure


@dataclass(frozen=True)
class Point:
    as_of: dt.date
    score: Decimal
    computed_category: str
    final_category: str


def points(*overrides: str) -> list[Point]:
    """Three year ends, newest first as the selector returns them; `overrides` sets 2017's final category."""
    final_2017 = overrides[0] if overrides else "berkembang"
    return [
        Point(dt.date(2017, 12, 31), Decimal("80.0"), "berkembang", final_2017),
        Point(dt.date(2016, 12, 31), Decimal("85.0"), "berkembang", "berkembang"),
        Point(dt.date(2014, 12, 31), Decimal("42.5"), "tumbuh", "tumbuh"),
    ]


def test_chart_draws_score_and_final_category_oldest_first():
    figure = category_score_figure(points())
    score, final = figure["data"]
    assert score["name"] == "Skor"
    assert score["x"] == ["2014-12-31", "2016-12-31", "2017-12-31"]
    assert score["y"] == [42.5, 85.0, 80.0]
    assert final["name"] == "Kategori akhir"
    assert final["y"] == [1, 2, 2]
    assert final["yaxis"] == "y2" and final["line"]["shape"] == "hv"
    assert [label for _day, label in final["customdata"]] == ["Tumbuh", "Berkembang", "Berkembang"]
    json.dumps(figure)  # ready for json_script


def test_chart_category_axis_names_the_three_categories():
    layout = category_score_figure(points())["layout"]
    assert layout["yaxis2"]["tickvals"] == [1, 2, 3]
    assert layout["yaxis2"]["ticktext"] == ["Tumbuh", "Berkembang", "Mandiri"]
    assert layout["yaxis"]["range"] == [0, 100]
    assert CATEGORY_STEPS == {"tumbuh": 1, "berkembang": 2, "mandiri": 3}


def test_chart_shows_the_computed_category_apart_only_where_an_officer_overrode_it():
    assert len(category_score_figure(points())["data"]) == 2
    _score, final, computed = category_score_figure(points("mandiri"))["data"]
    assert final["y"] == [1, 2, 3]
    assert computed["name"] == "Kategori hasil rubrik"
    assert computed["y"] == [1, 2, 2]
    assert computed["line"]["dash"] == "dot"
