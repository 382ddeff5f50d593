"""The group list's program stage: a column, a filter and a sort order.

Registered with `kube_registry.list_extensions` in `FormationConfig.ready()`, so
`groups` shows it without importing this app. The current stage is a subquery on the
stage the group began last: the page stays one query.
"""

import django_filters
from django.db.models import Case, IntegerField, Value, When
from django.utils.translation import gettext_lazy as _

from kube_registry.list_extensions import KubeListExtension, register_kube_list_extension

from .models import STAGE_ORDER, Stage
from .selectors import current_stage_subquery


def annotate_current_stage(queryset):
    queryset = queryset.annotate(current_stage=current_stage_subquery())
    # Read only when sorting by stage: not selected otherwise.
    return queryset.alias(
        current_stage_position=Case(
            *(When(current_stage=stage, then=Value(position)) for stage, position in STAGE_ORDER.items()),
            output_field=IntegerField(),
        )
    )


def register() -> None:
    register_kube_list_extension(
        KubeListExtension(
            key="formation",
            annotate=annotate_current_stage,
            template="formation/includes/listing_columns.html",
            filters={
                "tahap": django_filters.ChoiceFilter(
                    label=_("Tahap program"),
                    field_name="current_stage",
                    choices=Stage.choices,
                    empty_label=_("Semua tahap"),
                ),
            },
            ordering={"stage": ("current_stage_position", _("Tahap program"))},
            order=50,
        )
    )
