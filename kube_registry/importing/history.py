"""django-simple-history's rows, written by the bulk writer as the library would write them.

A history row holds the tracked fields, the original pk, then when, who, why and the
kind of change (`+` created, `~` changed). The bulk writer (`importing.bulk`) builds
these rows beside the rows it writes; a database that cannot return new ids from a
multi-row insert uses the library's own `bulk_create_with_history` instead.
"""

from typing import Any

from simple_history.exceptions import NotHistoricalModelError
from simple_history.utils import bulk_create_with_history, get_history_model_for_model


def history_layout(ctx, table, history, kind: str, now):
    """How a history row is made from its row's values: the columns, and a builder.

    A history row holds the tracked fields, the original pk, then when, who, why and
    the kind of change (`+` created, `~` changed), as django-simple-history writes it.
    """
    extras = {
        "history_date": history.adapt("history_date", now),
        "history_type": kind,
        "history_user_id": getattr(ctx.actor, "pk", None),
        "history_change_reason": ctx.change_reason or None,
    }
    tracked = [i for i, name in enumerate(table.attnames) if name in history.columns]
    pk_name = table.pk.attname
    rest = [name for name in history.attnames if name not in table.attnames and name != pk_name]
    constants = [extras[name] if name in extras else history.values({})[history.attnames.index(name)] for name in rest]
    columns = [history.columns[table.attnames[i]] for i in tracked] + [history.columns[pk_name]]
    columns += [history.columns[name] for name in rest]
    if len(tracked) == len(table.attnames):
        return columns, lambda values, pk: [*values, pk, *constants]
    return columns, lambda values, pk: [*(values[i] for i in tracked), pk, *constants]


def history_model(model):
    """The model's django-simple-history table, or None for a model without history."""
    try:
        return get_history_model_for_model(model)
    except NotHistoricalModelError:
        return None


def insert_with_simple_history(ctx, model, rows: list[dict[str, Any]]) -> list[int]:
    """For a database that cannot return ids from a multi-row insert: the library's own helper."""
    objs = [model(**row) for row in rows]
    if history_model(model) is None:
        return [obj.pk for obj in model._default_manager.bulk_create(objs)]
    saved = bulk_create_with_history(objs, model, default_user=ctx.actor, default_change_reason=ctx.change_reason)
    return [obj.pk for obj in saved]
