"""One UPDATE for many rows with different values, without Django's ``CASE WHEN`` per row.

``QuerySet.bulk_update`` writes, for every field, a ``CASE WHEN id = ... THEN ...`` of every
row, and resolves each as an expression in Python: for a thousand conversations and eleven
fields, 3.7 s of Python before PostgreSQL sees the statement (bench/inbox.py). On PostgreSQL
the rows are passed instead as one array per field and joined by primary key
(``UPDATE ... FROM unnest(...)``): the values are prepared by each field as ``save()`` would
(encrypted fields encrypt). Elsewhere (SQLite) ``bulk_update`` does the work.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connections
from django.db.models import Model


def rows_update(
    model: type[Model], objects: Sequence[Model], fields: Sequence[str], *, using: str = "default"
) -> int:
    """Write ``fields`` of ``objects`` (saved rows of ``model``) in one statement; the number
    of rows updated."""
    if not objects:
        return 0
    connection = connections[using]
    if connection.vendor != "postgresql":
        return model._base_manager.using(using).bulk_update(objects, fields)
    meta = model._meta
    pk = meta.pk
    columns = [meta.get_field(name) for name in fields]
    arrays = [[pk.get_db_prep_value(obj.pk, connection) for obj in objects]]
    for field in columns:
        arrays.append(
            [field.get_db_prep_save(getattr(obj, field.attname), connection) for obj in objects]
        )
    quote = connection.ops.quote_name
    selects = ", ".join(
        f"unnest(%s::{field.db_type(connection)}[]) AS {quote(field.column)}"
        for field in [pk, *columns]
    )
    assignments = ", ".join(f"{quote(field.column)} = v.{quote(field.column)}" for field in columns)
    sql = (
        f"UPDATE {quote(meta.db_table)} AS t SET {assignments} FROM (SELECT {selects}) AS v "
        f"WHERE t.{quote(pk.column)} = v.{quote(pk.column)}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, arrays)
        return cursor.rowcount
