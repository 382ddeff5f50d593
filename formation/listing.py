"""The group list's program stage: a column, a filter and a sort order.

The parts `pages/group_list.py` puts together. The current stage is a subquery on the
stage the group began last: the page stays one query.
"""

import django_filters
from django.db.models import Case, IntegerField, Value, When
from django.utils.translation import gettext_lazy as _

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


COLUMNS_TEMPLATE = "formation/includes/listing_columns.html"


def stage_filter() -> django_filters.ChoiceFilter:
    """`tahap`: the stage the group began last."""
    return django_filters.ChoiceFilter(
        label=_("Tahap program"),
        field_name="current_stage",
        choices=Stage.choices,
        empty_label=_("Semua tahap"),
    )


# annotation -> (sort parameter, label)
SORTS = {"current_stage_position": ("stage", _("Tahap program"))}
