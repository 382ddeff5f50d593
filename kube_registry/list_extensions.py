"""Columns, filters and sort orders other apps add to the group list, without `groups` importing them.

An app registers a `KubeListExtension` in `AppConfig.ready()`; the group list (its
filter, view, template and the export of the filtered list) uses every registered
extension, in order. This keeps the dependencies pointing one way, like the profile
panels of `kube_registry.sections`.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet


@dataclass(frozen=True)
class KubeListExtension:
    key: str
    # queryset -> the same groups, annotated with what the columns, filters and sorts
    # read. Subqueries only: the page stays one query whatever its length. Values only
    # a filter or a sort reads are best added with `.alias()`, so they are not selected.
    annotate: Callable[[QuerySet], QuerySet]
    # Renders the extra columns: with `part` "head" the <th> cells, with `part` "cell"
    # the <td> cells of the row's `kube`.
    template: str
    # name -> a django-filter Filter over the annotations (copied for each list).
    filters: Mapping[str, Any] = field(default_factory=dict)
    # sort parameter -> (annotation or field name, label); groups without a value
    # come last in both directions.
    ordering: Mapping[str, tuple[str, Any]] = field(default_factory=dict)
    # The page's groups -> None: sets what the template shows from the annotated
    # values (labels, tooltips), without queries.
    decorate: Callable[[list], None] | None = None
    order: int = 100


_extensions: dict[str, KubeListExtension] = {}


def register_kube_list_extension(extension: KubeListExtension) -> None:
    """Called from an app's `ready()`; registering again under the same key replaces it."""
    _extensions[extension.key] = extension


def unregister_kube_list_extension(key: str) -> None:
    """Undo `register_kube_list_extension` (for tests)."""
    _extensions.pop(key, None)


def kube_list_extensions() -> list[KubeListExtension]:
    return sorted(_extensions.values(), key=lambda e: (e.order, e.key))


def decorate_kube_list(rows: list) -> None:
    """Let every registered extension finish the page's groups for the template."""
    for extension in kube_list_extensions():
        if extension.decorate is not None:
            extension.decorate(rows)


def annotate_kube_list(queryset: QuerySet) -> QuerySet:
    """`queryset` with every registered extension's annotations."""
    for extension in kube_list_extensions():
        queryset = extension.annotate(queryset)
    return queryset
