"""The group list's assessment columns: latest category, score and flags, with filter and sorts.

The parts `pages/group_list.py` puts together: the annotation, the filter, the sort
orders, the columns' template and what it shows. Each value is a subquery on the
group's assessment with the latest as-of date: the page stays one query.
"""

from decimal import Decimal

import django_filters
from django.db.models import DecimalField, ExpressionWrapper, F
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from . import rubric
from .models import Category, category_rank, latest_assessment
from .thresholds import SPECS

LATEST = ("final_category", "score", "score_breakdown", "as_of", "is_inactive", "is_at_risk")


def annotate_latest_assessment(queryset):
    """Each group with its latest assessment's final category, score, date and flags (None without one)."""
    queryset = queryset.annotate(**{f"latest_{name}": latest_assessment(name) for name in LATEST})
    # Read only when sorting by category (then by score within it): not selected otherwise.
    return queryset.alias(
        latest_category_rank=ExpressionWrapper(
            category_rank("latest_final_category") * 1000 + F("latest_score"),
            output_field=DecimalField(max_digits=6, decimal_places=1),
        )
    )


CATEGORY_LABELS = dict(Category.choices)


def describe_scores(kubes: list) -> None:
    """Each group's category label, and its score breakdown in words for the score's tooltip:
    "Administrasi 15 · Organisasi 7,5 · …"."""
    for kube in kubes:
        kube.latest_category_label = CATEGORY_LABELS.get(kube.latest_final_category, "")
        breakdown = kube.latest_score_breakdown or {}
        kube.latest_score_text = " · ".join(
            f"{SPECS[f'weight_{key}'].label} {number_format(Decimal(breakdown[key]))}"
            for key in rubric.SCORED_INDICATORS
            if key in breakdown
        )


COLUMNS_TEMPLATE = "assessments/listing_columns.html"


def category_filter() -> django_filters.ChoiceFilter:
    """`kategori`: the latest assessment's final category."""
    return django_filters.ChoiceFilter(
        label=_("Kategori"),
        field_name="latest_final_category",
        choices=Category.choices,
        empty_label=_("Semua kategori"),
        help_text=_("Kategori akhir penilaian terakhir"),
    )


# annotation -> (sort parameter, label)
SORTS = {
    "latest_score": ("score", _("Skor penilaian")),
    "latest_category_rank": ("category", _("Kategori")),
}
