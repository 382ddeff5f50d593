"""Bulk writes with their history: multi-row INSERTs (COPY on PostgreSQL) and batched UPDATEs.

Django's bulk_create spends most of its time compiling each value (about 0.1 ms a
row with history); 150,000 members make 450,000 rows. These helpers write the same
rows, and the same django-simple-history entries its bulk helpers would (one `+` or
`~` entry per row, with the acting user and a change reason; see `importing.history`),
as multi-row INSERTs and executemany UPDATEs. Values arrive already clean from the sheets.
"""

import csv
import io
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from functools import partial
from typing import Any

from django.db import connections, models, router
from django.utils import timezone

from .history import history_layout, history_model, insert_with_simple_history
from .sheet import ImportContext


def _field_adapter(field, connection) -> Callable[[Any], Any] | None:
    if connection.vendor == "postgresql" and isinstance(field, models.DateField):
        # Text for COPY (and fine in parameters): ISO dates, and aware times with their offset.
        return lambda value: value.isoformat()
    if isinstance(field, models.DateTimeField):
        return connection.ops.adapt_datetimefield_value
    if isinstance(field, models.DateField):
        return connection.ops.adapt_datefield_value
    if isinstance(field, models.DecimalField):
        return lambda value: connection.ops.adapt_decimalfield_value(value, field.max_digits, field.decimal_places)
    if isinstance(field, models.CharField | models.TextField | models.BooleanField | models.IntegerField):
        return None
    if isinstance(field, models.ForeignKey):
        return None
    return lambda value: field.get_db_prep_save(value, connection)


class _Table:
    """Columns of a model's table with defaults and value adapters, for raw writes."""

    def __init__(self, model, connection):
        self.model = model
        self.connection = connection
        self.quote = connection.ops.quote_name
        self.quoted = self.quote(model._meta.db_table)
        self.pk = model._meta.pk
        self.fields = [
            f
            for f in model._meta.concrete_fields
            if not (f.primary_key and f.auto_created) and not isinstance(f, models.AutoField)
        ]
        self.attnames = [f.attname for f in self.fields]
        self.columns = {f.attname: f.column for f in self.fields}
        self.auto_now = [f.attname for f in self.fields if getattr(f, "auto_now", False)]
        self.auto_now_add = [f.attname for f in self.fields if getattr(f, "auto_now_add", False)]
        # (attname, default, adapter, cache): dates and the write time repeat, so
        # each distinct value is adapted once.
        self.recipe = [(f.attname, f.get_default(), _field_adapter(f, connection), {}) for f in self.fields]

    def adapt(self, attname: str, value: Any) -> Any:
        for name, _default, adapter, _cache in self.recipe:
            if name == attname and adapter is not None and value is not None:
                return adapter(value)
        return value

    def values(self, row: dict[str, Any]) -> list[Any]:
        """The row's database values in `attnames` order, defaults for what it lacks."""
        out = []
        for name, default, adapter, cache in self.recipe:
            value = row.get(name, default)
            if adapter is not None and value is not None:
                adapted = cache.get(value)
                if adapted is None:
                    adapted = cache[value] = adapter(value)
                value = adapted
            out.append(value)
        return out


def _batch_rows(connection, columns: int) -> int:
    limit = getattr(connection.features, "max_query_params", None) or 65_535
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        getlimit = getattr(connection.connection, "getlimit", None)  # Python 3.11+
        if getlimit is not None:
            limit = getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    return max(1, min(1_000, limit // max(columns, 1)))


def _insert(table: _Table, columns: list[str], rows: list[list[Any]], *, returning: bool) -> list[int]:
    """Multi-row INSERTs of prepared values; with `returning`, the new primary keys in order."""
    connection = table.connection
    if connection.vendor == "postgresql":
        return _copy_postgresql(table, columns, rows, returning=returning)
    with connection.cursor() as cursor:
        return _insert_rows(table, columns, rows, returning=returning, cursor=cursor)


def _insert_rows(table: _Table, columns: list[str], rows: list[list[Any]], *, returning: bool, cursor) -> list[int]:
    connection = table.connection
    column_sql = ", ".join(table.quote(column) for column in columns)
    placeholder = "(" + ", ".join(["%s"] * len(columns)) + ")"
    suffix = f" RETURNING {table.quote(table.pk.column)}" if returning else ""
    sqlite = connection.vendor == "sqlite"
    if sqlite:
        placeholder = placeholder.replace("%s", "?")
    # Django's SQLite cursor rewrites every %s with a regular expression, a noticeable
    # cost on statements of a thousand rows: SQLite gets its own marks directly.
    execute = partial(sqlite3.Cursor.execute, cursor.cursor) if sqlite else cursor.execute
    ids: list[int] = []
    for batch in chunked(rows, _batch_rows(connection, len(columns))):
        params = [value for row in batch for value in row]
        sql = f"INSERT INTO {table.quoted} ({column_sql}) VALUES {', '.join([placeholder] * len(batch))}{suffix}"
        execute(sql, params)
        if returning:
            ids.extend(row[0] for row in cursor.fetchall())
    return ids


_COPY_NULL = "\\N"


def _copy_postgresql(table: _Table, columns: list[str], rows: list[list[Any]], *, returning: bool) -> list[int]:
    """PostgreSQL's COPY, several times faster than INSERT here; new ids are drawn from the sequence first."""
    connection = table.connection
    ids: list[int] = []
    with connection.cursor() as cursor:
        raw = cursor.cursor
        if not hasattr(raw, "copy_expert"):  # psycopg 3 has another COPY interface
            return _insert_rows(table, columns, rows, returning=returning, cursor=cursor)
        if returning:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [table.model._meta.db_table, table.pk.column, len(rows)],
            )
            ids = [row[0] for row in cursor.fetchall()]
            columns = [table.pk.column, *columns]
            rows = ([pk, *row] for pk, row in zip(ids, rows, strict=True))
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        null = _COPY_NULL
        writer.writerows([null if value is None else value for value in row] for row in rows)
        buffer.seek(0)
        column_sql = ", ".join(table.quote(column) for column in columns)
        raw.copy_expert(f"COPY {table.quoted} ({column_sql}) FROM STDIN WITH (FORMAT csv, NULL '{null}')", buffer)
    return ids


def insert_with_history(ctx: ImportContext, model, rows: list[dict[str, Any]]) -> list[int]:
    """Insert rows (attname -> value; defaults fill the rest) and their `+` history; returns the new pks."""
    if not rows:
        return []
    connection = connections[router.db_for_write(model)]
    now = timezone.now()
    table = _Table(model, connection)
    for row in rows:
        for name in (*table.auto_now, *table.auto_now_add):
            row[name] = now
    if not connection.features.can_return_rows_from_bulk_insert:
        return insert_with_simple_history(ctx, model, rows)
    values = [table.values(row) for row in rows]
    ids = _insert(table, [table.columns[name] for name in table.attnames], values, returning=True)
    tracked = history_model(model)
    if tracked is None:
        return ids
    history = _Table(tracked, connection)
    columns, build = history_layout(ctx, table, history, "+", now)
    _insert(history, columns, [build(row, pk) for row, pk in zip(values, ids, strict=True)], returning=False)
    return ids


def update_with_history(ctx: ImportContext, model, changes: dict[int, dict[str, Any]], *, history=True) -> None:
    """Apply {pk: {attname: value}}; with `history`, one `~` entry per row holding its new state."""
    if not changes:
        return
    connection = connections[router.db_for_write(model)]
    now = timezone.now()
    table = _Table(model, connection)
    groups: dict[tuple[str, ...], list[int]] = {}
    for pk, values in changes.items():
        if history:
            for name in table.auto_now:
                values[name] = now
        groups.setdefault(tuple(sorted(values)), []).append(pk)
    # A versioned row (kube_registry.versioning) goes up one version, unless the resource
    # sets it: an edit form read before the import is then stale.
    bump = "version" in table.columns
    with connection.cursor() as cursor:
        for attnames, pks in groups.items():
            assignments = ", ".join(f"{table.quote(table.columns[name])} = %s" for name in attnames)
            if bump and "version" not in attnames:
                version = table.quote(table.columns["version"])
                assignments += f", {version} = {version} + 1"
            sql = f"UPDATE {table.quoted} SET {assignments} WHERE {table.quote(table.pk.column)} = %s"
            params = [[table.adapt(name, changes[pk][name]) for name in attnames] + [pk] for pk in pks]
            cursor.executemany(sql, params)
    tracked = history_model(model)
    if not history or tracked is None:
        return
    history_table = _Table(tracked, connection)
    columns, build = history_layout(ctx, table, history_table, "~", now)
    pk_name = table.pk.attname
    for block in chunked(list(changes), 2_000):
        rows = model._default_manager.filter(pk__in=block).values(pk_name, *table.attnames)
        _insert(history_table, columns, [build(table.values(row), row[pk_name]) for row in rows], returning=False)


def chunked(items: Iterable, size: int) -> Iterator[list]:
    batch: list = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch
