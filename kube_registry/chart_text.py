"""A chart's text alternative: the sentence a screen reader reads for a figure.

Pure helpers over plain values (no database), used by every app's `charts.py` to write
each chart's one-sentence summary beside its figure; the page puts it on the chart
(`role="img"`, `aria-label`) and points at the table of the same numbers.
"""

from collections.abc import Callable, Sequence
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from kube_registry.values import format_rupiah

MSG_NO_DATA = "Belum ada data."
MSG_SPAN = "%(first)s–%(last)s"
MSG_EXTREMES = "%(name)s tertinggi %(high)s (%(high_at)s), terendah %(low)s (%(low_at)s)"


def number(value: Any, decimals: int = 0) -> str:
    """1234.5 -> `1.234,5` in Indonesian (the page's locale)."""
    return number_format(value, decimal_pos=decimals, use_l10n=True, force_grouping=True)


def percent(value: Any) -> str:
    return "—" if value is None else f"{number(value)}%"


def span(labels: Sequence[str]) -> str:
    """The first and last label joined by a dash (`Jan 2024` to `Des 2024`), or the one label."""
    if not labels:
        return ""
    if len(labels) == 1:
        return str(labels[0])
    return _(MSG_SPAN) % {"first": labels[0], "last": labels[-1]}


def extremes(name: str, labels: Sequence[str], values: Sequence, fmt: Callable[[Any], str] = format_rupiah) -> str:
    """`Pendapatan tertinggi Rp 2.400.000 (Mar 2024), terendah Rp 0 (Jan 2024)`; the first
    of equal values wins. Values that are None (no data that month) are left out."""
    known = [(value, label) for value, label in zip(values, labels, strict=True) if value is not None]
    if not known:
        return ""
    high = max(known, key=lambda pair: pair[0])  # max/min keep the first of equals
    low = min(known, key=lambda pair: pair[0])
    return _(MSG_EXTREMES) % {
        "name": name,
        "high": fmt(high[0]),
        "high_at": high[1],
        "low": fmt(low[0]),
        "low_at": low[1],
    }


def sentence(lead: str, parts: Sequence[str]) -> str:
    """`Lead: part; part.` — the parts that say something, or the lead and `Belum ada data.`"""
    said = [part for part in parts if part]
    if not said:
        return f"{lead}: {_(MSG_NO_DATA)}"
    return f"{lead}: {'; '.join(said)}."
