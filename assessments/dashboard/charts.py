"""The dashboard's figures as plain plotly dicts: pure functions of the selectors' rows.

No database, no plotly import at request time: a figure is the JSON plotly.js draws
(`{"data": [...], "layout": {...}}`), passed to the page with `json_script` and drawn
by static/js/charts.js. The table beside each chart carries the same numbers.
"""

from collections.abc import Sequence

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from kube_registry import chart_text

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


def coverage_figure(rows: Sequence) -> dict:
    """Visit coverage of the active groups per kecamatan (monitoring.selectors.CoverageRow), as horizontal bars."""
    return {
        "data": [
            {
                "type": "bar",
                "orientation": "h",
                "name": _("Cakupan kunjungan"),
                "x": [row.percent for row in rows],
                "y": [row.label for row in rows],
                "marker": {"color": CATEGORY_COLOURS["mandiri"]},
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


# --- Text alternatives: one sentence per figure, read after the block's title ---------------------

MSG_CATEGORY_CHANGE = "%(category)s %(before)s menjadi %(now)s"
MSG_COMPARED = "%(before)s dibanding %(now)s"
MSG_TOTAL_PER_CATEGORY = "jumlah %(counts)s"
MSG_MOST_GROUPS = "terbanyak %(label)s (%(count)s KUBE)"
MSG_MOVEMENT = "naik kategori %(up)s KUBE, turun %(down)s KUBE, tetap %(same)s KUBE"
MSG_LATEST_COMPLETENESS = "terakhir %(month)s: lengkap %(completeness)s, tepat waktu %(timeliness)s"
MSG_COUNT_OF = "%(label)s %(count)s"


def category_change_summary(now: dict[str, int], before: dict[str, int], labels: dict[str, str], *, titles) -> str:
    before_title, now_title = titles
    return chart_text.sentence(
        _(MSG_COMPARED) % {"before": before_title, "now": now_title},
        [
            _(MSG_CATEGORY_CHANGE) % {"category": labels[c], "before": before.get(c, 0), "now": now.get(c, 0)}
            for c in CATEGORIES
        ],
    )


def stacked_categories_summary(rows: Sequence[CategoryRow], labels: dict[str, str]) -> str:
    if not rows:
        return chart_text.sentence(_("KUBE per kategori"), [])
    totals = {c: sum(row.counts[c] for row in rows) for c in CATEGORIES}
    busiest = max(rows, key=lambda row: sum(row.counts[c] for c in CATEGORIES))
    counts = ", ".join(_(MSG_COUNT_OF) % {"label": labels[c], "count": totals[c]} for c in CATEGORIES)
    return chart_text.sentence(
        chart_text.span([row.label for row in rows]),
        [
            _(MSG_TOTAL_PER_CATEGORY) % {"counts": counts},
            _(MSG_MOST_GROUPS) % {"label": busiest.label, "count": sum(busiest.counts[c] for c in CATEGORIES)},
        ],
    )


def movement_summary(matrix: dict[tuple[str, str], int]) -> str:
    rank = {c: i for i, c in enumerate(CATEGORIES)}
    moved = {"up": 0, "down": 0, "same": 0}
    for (start, end), count in matrix.items():
        if start not in rank or end not in rank:
            continue
        key = "up" if rank[end] > rank[start] else "down" if rank[end] < rank[start] else "same"
        moved[key] += count
    return chart_text.sentence(_("Perpindahan kategori"), [_(MSG_MOVEMENT) % moved])


def money_summary(rows: Sequence[MonthMoney]) -> str:
    months = [date_format(row.period, "M Y") for row in rows]
    return chart_text.sentence(
        chart_text.span(months) or _("Pendapatan dan IKS terkumpul"),
        [
            chart_text.extremes(_("Pendapatan"), months, [int(row.income) for row in rows]),
            chart_text.extremes(_("IKS terkumpul"), months, [int(row.iks) for row in rows]),
        ],
    )


def completeness_trend_summary(rows: Sequence) -> str:
    months = [date_format(row.period, "M Y") for row in rows]
    latest = rows[-1] if rows else None
    return chart_text.sentence(
        chart_text.span(months) or _("Kelengkapan laporan"),
        [
            _(MSG_LATEST_COMPLETENESS)
            % {
                "month": months[-1],
                "completeness": chart_text.percent(latest.completeness),
                "timeliness": chart_text.percent(latest.timeliness),
            }
            if latest
            else "",
            chart_text.extremes(_("Kelengkapan"), months, [row.completeness for row in rows], chart_text.percent),
        ],
    )


def completeness_facilitator_summary(rows: Sequence, *, no_facilitator: str) -> str:
    names = [row.facilitator_name if row.facilitator_id else no_facilitator for row in rows]
    return chart_text.sentence(
        _("Kelengkapan per pendamping"),
        [chart_text.extremes(_("Kelengkapan"), names, [row.completeness for row in rows], chart_text.percent)],
    )


def coverage_summary(rows: Sequence) -> str:
    return chart_text.sentence(
        _("Cakupan kunjungan per kecamatan"),
        [
            chart_text.extremes(
                _("Cakupan"), [row.label for row in rows], [row.percent for row in rows], chart_text.percent
            )
        ],
    )
