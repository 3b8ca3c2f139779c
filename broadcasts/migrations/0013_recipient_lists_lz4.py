"""Recipient lists compressed with lz4 instead of PostgreSQL's default pglz.

Planning a million recipients writes about 53 MB of JSON lists (2,000 batches of 500 ids);
pglz spent about a second of the planning transaction compressing them, lz4 a tenth of that,
and its output is smaller here (random user ids). Only the compression of newly written values
changes: existing rows are read as they are. Skipped on other databases and on a PostgreSQL
built without lz4 (``default_toast_compression`` then offers no ``lz4``).
"""

from django.db import migrations

COLUMNS = {
    "broadcasts_broadcastbatch": ("friend_ids", "line_user_ids"),
    "broadcasts_recipientchunk": ("friend_ids", "line_user_ids"),
}


def _lz4_available(schema_editor) -> bool:
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "SELECT 'lz4' = ANY(enumvals) FROM pg_settings"
            " WHERE name = 'default_toast_compression'"
        )
        row = cursor.fetchone()
    return bool(row and row[0])


def _set_compression(schema_editor, method: str) -> None:
    if schema_editor.connection.vendor != "postgresql" or not _lz4_available(schema_editor):
        return
    for table, columns in COLUMNS.items():
        changes = ", ".join(f"ALTER COLUMN {column} SET COMPRESSION {method}" for column in columns)
        schema_editor.execute(f"ALTER TABLE {table} {changes}")


def use_lz4(apps, schema_editor) -> None:
    _set_compression(schema_editor, "lz4")


def use_default(apps, schema_editor) -> None:
    _set_compression(schema_editor, "default")


class Migration(migrations.Migration):
    dependencies = [
        ("broadcasts", "0012_click_attribution"),
    ]

    operations = [migrations.RunPython(use_lz4, use_default)]
