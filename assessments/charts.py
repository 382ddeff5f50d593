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

from kube_registry import chart_text

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


MSG_SCORE_LEAD = "Skor dan kategori penilaian, %(span)s (%(count)s penilaian)"
MSG_SCORE_CHANGE = "skor dari %(first)s menjadi %(last)s"
MSG_LATEST_CATEGORY = "kategori akhir terakhir %(category)s"
MSG_OVERRIDDEN = "%(count)s kali kategori ditetapkan petugas"


def category_score_summary(points: Sequence[AssessmentPoint]) -> str:
    """The chart's text alternative: the dates, the score's first and last value, the latest category."""
    points = sorted(points, key=lambda p: p.as_of)
    if not points:
        return chart_text.sentence(_("Skor dan kategori penilaian"), [])
    labels = dict(Category.choices)
    shown = [date_format(p.as_of, "j M Y") for p in points]
    overridden = sum(1 for p in points if p.final_category != p.computed_category)
    return chart_text.sentence(
        _(MSG_SCORE_LEAD) % {"span": chart_text.span(shown), "count": len(points)},
        [
            _(MSG_SCORE_CHANGE)
            % {"first": chart_text.number(points[0].score, 1), "last": chart_text.number(points[-1].score, 1)},
            chart_text.extremes(_("Skor"), shown, [float(p.score) for p in points], lambda v: chart_text.number(v, 1)),
            _(MSG_LATEST_CATEGORY) % {"category": labels[points[-1].final_category]},
            _(MSG_OVERRIDDEN) % {"count": overridden} if overridden else "",
        ],
    )
