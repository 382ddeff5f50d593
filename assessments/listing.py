"""The group list's assessment columns: latest category, score and flags, with filter and sorts.

Registered with `kube_registry.list_extensions` in `AssessmentsConfig.ready()`, so
`groups` shows them without importing this app. Each value is a subquery on the
group's assessment with the latest as-of date: the page stays one query.
"""

import django_filters
from django.db.models import Case, IntegerField, OuterRef, Subquery, Value, When
from django.utils.translation import gettext_lazy as _

from kube_registry.list_extensions import KubeListExtension, register_kube_list_extension

from .models import Assessment, Category

# Categories in their order of independence, for sorting by category.
CATEGORY_RANK = {Category.TUMBUH: 1, Category.BERKEMBANG: 2, Category.MANDIRI: 3}


def annotate_latest_assessment(queryset):
    """Each group with its latest assessment's final category, score, date and flags (None without one)."""
    latest = Assessment.objects.filter(kube=OuterRef("pk")).order_by("-as_of")
    queryset = queryset.annotate(
        **{
            f"latest_{name}": Subquery(latest.values(name)[:1])
            for name in ("final_category", "score", "as_of", "is_inactive", "is_at_risk")
        }
    )
    # Read only when sorting by category: not selected otherwise.
    return queryset.alias(
        latest_category_rank=Case(
            *(When(latest_final_category=category, then=Value(rank)) for category, rank in CATEGORY_RANK.items()),
            output_field=IntegerField(),
        )
    )


def register() -> None:
    register_kube_list_extension(
        KubeListExtension(
            key="assessments",
            annotate=annotate_latest_assessment,
            template="assessments/listing_columns.html",
            filters={
                "kategori": django_filters.ChoiceFilter(
                    label=_("Kategori"),
                    field_name="latest_final_category",
                    choices=Category.choices,
                    empty_label=_("Semua kategori"),
                    help_text=_("Kategori akhir penilaian terakhir"),
                ),
            },
            ordering={
                "score": ("latest_score", _("Skor penilaian")),
                "category": ("latest_category_rank", _("Kategori")),
            },
        )
    )
