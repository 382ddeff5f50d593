"""Chart figures as plain data: pure functions over selector output, no database.

The page passes a figure with `json_script` and `static/js/charts.js` draws
it with the plotly.js file served by the app itself; a table of the same numbers
sits beside every chart, so nothing is lost without JavaScript.
"""

import json
from collections.abc import Sequence
from typing import Any, Protocol

import plotly.graph_objects as go
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from kube_registry import chart_text
from kube_registry.values import format_rupiah

INCOME_COLOUR = "#198754"  # Bootstrap success
EXPENSES_COLOUR = "#fd7e14"  # Bootstrap orange
PROFIT_COLOUR = "#0d6efd"


class MonthFigures(Protocol):
    period: Any
    income: int
    expenses: int


def income_expenses_figure(points: Sequence[MonthFigures]) -> dict:
    """Monthly income and expenses as bars, profit as a line; a JSON-ready dict."""
    labels = [date_format(p.period, "M Y") for p in points]
    income = [int(p.income) for p in points]
    expenses = [int(p.expenses) for p in points]
    profit = [i - e for i, e in zip(income, expenses, strict=True)]
    hover = "%{x}: Rp %{y:,.0f}<extra>%{fullData.name}</extra>"
    figure = go.Figure(
        data=[
            go.Bar(name=_("Pendapatan"), x=labels, y=income, marker_color=INCOME_COLOUR, hovertemplate=hover),
            go.Bar(name=_("Pengeluaran"), x=labels, y=expenses, marker_color=EXPENSES_COLOUR, hovertemplate=hover),
            go.Scatter(
                name=_("Laba"),
                x=labels,
                y=profit,
                mode="lines+markers",
                line={"color": PROFIT_COLOUR},
                hovertemplate=hover,
            ),
        ],
        layout=go.Layout(
            template="none",  # the default template adds ~6 kB of styling per figure
            barmode="group",
            separators=",.",  # Indonesian: comma for decimals, dot for thousands
            margin={"l": 70, "r": 10, "t": 10, "b": 40},
            height=320,
            legend={"orientation": "h", "y": -0.2},
            yaxis={"tickformat": ",.0f", "tickprefix": "Rp ", "rangemode": "tozero", "automargin": True},
            xaxis={"type": "category", "automargin": True},
            hovermode="x unified",
        ),
    )
    return json.loads(figure.to_json())


MSG_INCOME_LEAD = "Pendapatan dan pengeluaran per bulan, %(span)s (%(count)s bulan)"
MSG_PROFIT_TOTAL = "jumlah laba %(total)s"


def income_expenses_summary(points: Sequence[MonthFigures]) -> str:
    """The chart's text alternative: its months, each series' highest and lowest month, the total profit."""
    labels = [date_format(p.period, "M Y") for p in points]
    income = [int(p.income) for p in points]
    expenses = [int(p.expenses) for p in points]
    if not points:
        return chart_text.sentence(_("Pendapatan dan pengeluaran per bulan"), [])
    return chart_text.sentence(
        _(MSG_INCOME_LEAD) % {"span": chart_text.span(labels), "count": len(points)},
        [
            chart_text.extremes(_("Pendapatan"), labels, income),
            chart_text.extremes(_("Pengeluaran"), labels, expenses),
            _(MSG_PROFIT_TOTAL) % {"total": format_rupiah(sum(income) - sum(expenses))},
        ],
    )
