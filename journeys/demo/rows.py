"""Writing the demo's bulk rows (the journal and the sends) with one ``executemany`` per batch.

A journey's history is a dozen journal rows per enrolment; building a model instance per row
and letting ``bulk_create`` prepare each field made the demo's seed several times slower than
the insert itself. Values here arrive ready: foreign keys as ids, JSON as its text (cast to
``jsonb`` on PostgreSQL), times adapted once by the backend's own adapter.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connection
from django.db.models import JSONField, Model

BATCH = 2000


def rows_insert(model: type[Model], names: Sequence[str], rows: list[tuple]) -> None:
    """Insert ``rows`` (tuples in the order of the field ``names``) into ``model``'s table.
    JSON fields take JSON text; datetime fields aware datetimes."""
    meta = model._meta
    fields = [meta.get_field(name) for name in names]
    quote = connection.ops.quote_name
    json_cast = "%s::jsonb" if connection.vendor == "postgresql" else "%s"
    placeholders = [json_cast if isinstance(field, JSONField) else "%s" for field in fields]
    sql = "INSERT INTO {} ({}) VALUES ({})".format(
        quote(meta.db_table),
        ", ".join(quote(field.column) for field in fields),
        ", ".join(placeholders),
    )
    adapters = {
        index: _adapter(field)
        for index, field in enumerate(fields)
        if field.get_internal_type() in ("DateTimeField", "UUIDField")
    }
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH):
            batch = rows[start : start + BATCH]
            if adapters:
                batch = [_adapted(row, adapters) for row in batch]
            cursor.executemany(sql, batch)


def _adapter(field):
    if field.get_internal_type() == "DateTimeField":
        return connection.ops.adapt_datetimefield_value
    return lambda value: field.get_db_prep_value(value, connection)


def _adapted(row: tuple, adapters: dict) -> tuple:
    values = list(row)
    for index, adapt in adapters.items():
        if values[index] is not None:
            values[index] = adapt(values[index])
    return tuple(values)
