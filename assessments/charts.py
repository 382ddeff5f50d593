"""A group's category and score over time, as plain figure data: pure, no database.

The history page passes the figure with `json_script`; `static/js/charts.js`
draws every figure on a page with the plotly.js the app serves. The table of the same
assessments sits beside the chart, so nothing is lost without JavaScript.
"""

import json
from collections.abc import Sequence
from typing import Any, Protocol

import plotly.graph_objects as go
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from . import rubric
from .models import Category

SCORE_COLOUR = "#0d6efd"  # Bootstrap primary
FINAL_COLOUR = "#198754"  # Bootstrap success
COMPUTED_COLOUR = "#6c757d"  # Bootstrap secondary

# Categories on the right axis, in their order.
CATEGORY_STEPS = {category: step for step, category in enumerate(rubric.CATEGORIES, start=1)}


class AssessmentPoint(Protocol):
    as_of: Any
    score: Any
    computed_category: str
    final_category: str


def category_score_figure(points: Sequence[AssessmentPoint]) -> dict:
    """Score (0-100, left axis) and category (right axis) per as-of date; a JSON-ready dict.

    The final category is a step line; the rubric's own category is drawn apart, dotted,
    only where an officer set another one, so both stay visible.
    """
    points = sorted(points, key=lambda p: p.as_of)
    labels = dict(Category.choices)
    dates = [p.as_of.isoformat() for p in points]
    shown = [date_format(p.as_of, "j M Y") for p in points]
    traces = [
        go.Scatter(
            name=_("Skor"),
            x=dates,
            y=[float(p.score) for p in points],
            customdata=shown,
            mode="lines+markers",
            line={"color": SCORE_COLOUR},
            hovertemplate="%{customdata}: %{y:.1f}<extra>%{fullData.name}</extra>",
        ),
        _category_trace(_("Kategori akhir"), points, "final_category", dates, shown, labels, FINAL_COLOUR, "solid"),
    ]
    if any(p.final_category != p.computed_category for p in points):
        traces.append(
            _category_trace(
                _("Kategori hasil rubrik"), points, "computed_category", dates, shown, labels, COMPUTED_COLOUR, "dot"
            )
        )
    figure = go.Figure(
        data=traces,
        layout=go.Layout(
            template="none",  # the default template adds ~6 kB of styling per figure
            separators=",.",  # Indonesian: comma for decimals, dot for thousands
            margin={"l": 50, "r": 90, "t": 10, "b": 40},
            height=320,
            legend={"orientation": "h", "y": -0.2},
            xaxis={"type": "date", "automargin": True},
            yaxis={"title": {"text": _("Skor")}, "range": [0, 100], "automargin": True},
            yaxis2={
                "overlaying": "y",
                "side": "right",
                "range": [0.5, len(CATEGORY_STEPS) + 0.5],
                "tickvals": list(CATEGORY_STEPS.values()),
                "ticktext": [str(labels[c]) for c in CATEGORY_STEPS],
                "showgrid": False,
                "automargin": True,
            },
            hovermode="x unified",
        ),
    )
    return json.loads(figure.to_json())


def _category_trace(name, points, attribute, dates, shown, labels, colour, dash) -> go.Scatter:
    categories = [getattr(p, attribute) for p in points]
    return go.Scatter(
        name=name,
        x=dates,
        y=[CATEGORY_STEPS[c] for c in categories],
        customdata=[[day, str(labels[c])] for day, c in zip(shown, categories, strict=True)],
        yaxis="y2",
        mode="lines+markers",
        line={"color": colour, "shape": "hv", "dash": dash},
        hovertemplate="%{customdata[0]}: %{customdata[1]}<extra>%{fullData.name}</extra>",
    )
