"""The dashboard's figures as plain plotly dicts: pure functions of the selectors' rows.

No database, no plotly import at request time: a figure is the JSON plotly.js draws
(`{"data": [...], "layout": {...}}`), passed to the page with `json_script` and drawn
by static/js/charts.js. The table beside each chart carries the same numbers.
"""

from collections.abc import Sequence

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from .selectors import CATEGORIES, CategoryRow, MonthMoney

# One colour per category, everywhere: tumbuh amber, berkembang blue, mandiri green.
CATEGORY_COLOURS = {"tumbuh": "#f0ad4e", "berkembang": "#0d6efd", "mandiri": "#198754"}
MUTED = "#adb5bd"
IKS_COLOUR = "#6f42c1"
INCOME_COLOUR = "#198754"


def _layout(**extra) -> dict:
    layout = {
        "separators": ",.",  # Indonesian: comma for decimals, dot for thousands
        "margin": {"l": 50, "r": 10, "t": 10, "b": 40},
        "height": 300,
        "legend": {"orientation": "h", "y": -0.18},
        "hovermode": "x unified",
        "font": {"size": 12},
        "xaxis": {"type": "category", "automargin": True},
        "yaxis": {"rangemode": "tozero", "automargin": True, "tickformat": ",d"},
    }
    layout.update(extra)
    return layout


def category_change_figure(now: dict[str, int], before: dict[str, int], labels: dict[str, str], *, titles) -> dict:
    """Groups per category a year before and now, side by side."""
    names = [labels[c] for c in CATEGORIES]
    before_title, now_title = titles
    return {
        "data": [
            {
                "type": "bar",
                "name": before_title,
                "x": names,
                "y": [before.get(c, 0) for c in CATEGORIES],
                "marker": {"color": MUTED},
            },
            {
                "type": "bar",
                "name": now_title,
                "x": names,
                "y": [now.get(c, 0) for c in CATEGORIES],
                "marker": {"color": [CATEGORY_COLOURS[c] for c in CATEGORIES]},
            },
        ],
        "layout": _layout(barmode="group"),
    }


def stacked_categories_figure(rows: Sequence[CategoryRow], labels: dict[str, str], *, horizontal=False) -> dict:
    """Groups per category for each slice (kecamatan, business field, year), stacked."""
    slices = [row.label for row in rows]
    data = []
    for category in CATEGORIES:
        values = [row.counts[category] for row in rows]
        trace = {"type": "bar", "name": labels[category], "marker": {"color": CATEGORY_COLOURS[category]}}
        trace.update({"x": values, "y": slices, "orientation": "h"} if horizontal else {"x": slices, "y": values})
        data.append(trace)
    layout = _layout(barmode="stack")
    if horizontal:
        layout.update(
            xaxis={"rangemode": "tozero", "automargin": True, "tickformat": ",d"},
            yaxis={"type": "category", "automargin": True, "autorange": "reversed"},
            hovermode="y unified",
            legend={"orientation": "h", "y": -0.18, "traceorder": "normal"},
            height=max(220, 60 + 34 * len(rows)),
        )
    return {"data": data, "layout": layout}


def movement_figure(matrix: dict[tuple[str, str], int], labels: dict[str, str]) -> dict:
    """Where the groups of each starting category ended: stacked bars, one per starting category."""
    starts = [labels[c] for c in CATEGORIES]
    data = [
        {
            "type": "bar",
            "name": _("menjadi %(category)s") % {"category": labels[end]},
            "x": starts,
            "y": [matrix.get((start, end), 0) for start in CATEGORIES],
            "marker": {"color": CATEGORY_COLOURS[end]},
        }
        for end in CATEGORIES
    ]
    return {"data": data, "layout": _layout(barmode="stack")}


def money_figure(rows: Sequence[MonthMoney]) -> dict:
    """Income (bars, left axis) and IKS collected (line, right axis) per month."""
    months = [date_format(row.period, "M Y") for row in rows]
    hover = "%{x}: Rp %{y:,.0f}<extra>%{fullData.name}</extra>"
    return {
        "data": [
            {
                "type": "bar",
                "name": _("Pendapatan"),
                "x": months,
                "y": [int(row.income) for row in rows],
                "marker": {"color": INCOME_COLOUR},
                "hovertemplate": hover,
            },
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": _("IKS terkumpul"),
                "x": months,
                "y": [int(row.iks) for row in rows],
                "yaxis": "y2",
                "line": {"color": IKS_COLOUR},
                "hovertemplate": hover,
            },
        ],
        "layout": _layout(
            margin={"l": 70, "r": 70, "t": 10, "b": 40},
            yaxis={"rangemode": "tozero", "automargin": True, "tickformat": ",.0f", "tickprefix": "Rp "},
            yaxis2={
                "overlaying": "y",
                "side": "right",
                "rangemode": "tozero",
                "automargin": True,
                "tickformat": ",.0f",
                "showgrid": False,
            },
        ),
    }


def completeness_trend_figure(rows: Sequence) -> dict:
    """Share of expected reports received (and on time) per month, in percent."""
    months = [date_format(row.period, "M Y") for row in rows]
    return {
        "data": [
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": _("Kelengkapan"),
                "x": months,
                "y": [row.completeness for row in rows],
                "line": {"color": CATEGORY_COLOURS["berkembang"]},
            },
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": _("Tepat waktu"),
                "x": months,
                "y": [row.timeliness for row in rows],
                "line": {"color": CATEGORY_COLOURS["tumbuh"], "dash": "dot"},
            },
        ],
        "layout": _layout(yaxis={"range": [0, 105], "ticksuffix": "%", "automargin": True}),
    }


def completeness_facilitator_figure(rows: Sequence, *, no_facilitator: str) -> dict:
    """Completeness per facilitator for the month, as horizontal bars."""
    names = [row.facilitator_name if row.facilitator_id else no_facilitator for row in rows]
    return {
        "data": [
            {
                "type": "bar",
                "orientation": "h",
                "name": _("Kelengkapan"),
                "x": [row.completeness for row in rows],
                "y": names,
                "marker": {"color": CATEGORY_COLOURS["berkembang"]},
                "hovertemplate": "%{y}: %{x}%<extra></extra>",
            }
        ],
        "layout": _layout(
            xaxis={"range": [0, 105], "ticksuffix": "%", "automargin": True},
            yaxis={"type": "category", "automargin": True, "autorange": "reversed"},
            hovermode="closest",
            showlegend=False,
            height=max(220, 60 + 26 * len(rows)),
        ),
    }
