"""The group list (`/kelompok/`) and its export: groups' own filters and columns, then each app's.

To add a column with its filter and sort: in your app's `listing.py` write the
annotation (a subquery: the page stays one query), the filter, the sort orders and a
template of the `<th>` (`part == "head"`) and `<td>` cells; then name them below, in
`annotate`, `KubeListFilter`, `SORTS` and `COLUMNS`.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.paginator import Paginator
from django_filters.views import FilterView

from assessments import listing as assessment_listing
from formation import listing as stage_listing
from groups.filters import ORDERING_FIELDS, ORDERING_LABELS, KubeFilter, ordering_filter
from groups.selectors import kube_queryset, member_count_warning
from kube_registry.roles import RoleRequiredMixin


def annotate(queryset):
    """What the extra columns, filters and sorts read, as annotations of each group."""
    return assessment_listing.annotate_latest_assessment(stage_listing.annotate_current_stage(queryset))


# Sorts beyond groups' own: annotation -> (sort parameter, label). Groups without a value
# come last in both directions.
SORTS = stage_listing.SORTS | assessment_listing.SORTS


class KubeListFilter(KubeFilter):
    """The list's filters: groups' own (`KubeFilter`), then the program stage and the category."""

    tahap = stage_listing.stage_filter()
    kategori = assessment_listing.category_filter()
    o = ordering_filter(
        fields=ORDERING_FIELDS | {field: param for field, (param, _label) in SORTS.items()},
        labels=ORDERING_LABELS | {field: label for field, (_param, label) in SORTS.items()},
        nulls_last=SORTS.keys(),
    )

    # Shown in the list's "more filters" row, in this order.
    extra_filters = ("tahap", "kategori")

    def __init__(self, data=None, queryset=None, **kwargs):
        super().__init__(data, queryset=None if queryset is None else annotate(queryset), **kwargs)


@dataclass(frozen=True)
class Columns:
    # Renders the `<th>` cells when `part` is "head", the row's `kube`'s `<td>` cells otherwise.
    template: str
    # The page's groups -> None: sets what the template shows from the annotations (labels,
    # tooltips), without queries.
    decorate: Callable[[list], None] | None = None


# After groups' own columns, in this order.
COLUMNS = [
    Columns(stage_listing.COLUMNS_TEMPLATE),
    Columns(assessment_listing.COLUMNS_TEMPLATE, decorate=assessment_listing.describe_scores),
]


class IdsFirstPaginator(Paginator):
    """Cuts a page on the groups' ids (in the list's order), then reads that page's groups with
    every annotation: PostgreSQL computes the annotations of the rows an OFFSET skips, so a
    deep page of a national list took seconds. Two queries for a later page; the first, which
    skips nothing, stays one."""

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        if bottom == 0:  # nothing skipped: the page in one query
            return self._get_page(self.object_list[bottom:top], number, self)
        ids = list(self.object_list.values_list("pk", flat=True)[bottom:top])
        rows = {kube.pk: kube for kube in self.object_list.filter(pk__in=ids)}
        return self._get_page([rows[pk] for pk in ids], number, self)


class KubeListView(RoleRequiredMixin, FilterView):
    permission_required = "groups.view_kube"
    filterset_class = KubeListFilter
    template_name = "groups/kube_list.html"
    paginate_by = 25
    paginator_class = IdsFirstPaginator
    strict = False

    def get_queryset(self):
        return kube_queryset(self.request.user).order_by("no_registrasi")

    def get_filterset_kwargs(self, filterset_class):
        return super().get_filterset_kwargs(filterset_class) | {"user": self.request.user}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows = context["object_list"]
        for kube in rows:
            kube.member_warning = member_count_warning(kube.active_member_count, kube.status)
        for columns in COLUMNS:
            if columns.decorate is not None:
                columns.decorate(rows)
        query = self.request.GET.copy()
        query.pop("page", None)
        context["query_without_page"] = query.urlencode()
        context["is_own_list"] = not self.request.user.has_perm("groups.view_all_kube")
        context["list_extensions"] = COLUMNS
        context["extension_filters"] = [context["filter"].form[name] for name in KubeListFilter.extra_filters]
        context["extension_filters_used"] = any(field.value() for field in context["extension_filters"])
        return context
