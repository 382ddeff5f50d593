"""Rupiah, months and report statuses as the finance pages show them."""

from django import template

from finances.periods import period_label
from kube_registry.values import format_rupiah

register = template.Library()

STATUS_BADGES = {
    "draft": "text-bg-secondary",
    "submitted": "text-bg-primary",
    "returned": "text-bg-warning",
    "verified": "text-bg-success",
}


@register.filter
def rupiah(amount) -> str:
    """1416000 -> `Rp 1.416.000`; nothing for None."""
    if amount is None or amount == "":
        return "—"
    return format_rupiah(int(amount))


@register.filter
def month(period) -> str:
    """A report month: `November 2025`."""
    return period_label(period) if period else ""


@register.filter
def status_badge(status: str) -> str:
    return STATUS_BADGES.get(status, "text-bg-light border")


@register.filter
def percent(value) -> str:
    return "—" if value is None else f"{value}%"
