"""The friends list's order as an index, so its first page is an index scan at 1 M friends.

PostgreSQL only: the order puts friends without a follow time last (``DESC NULLS LAST``), which
SQLite cannot index; SQLite's small databases sort without it.
"""

from django.db import migrations

INDEX = "friend_list_order_idx"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON segments_friend (account_id, "
            "last_followed_at DESC NULLS LAST, last_interaction_at DESC NULLS LAST, id)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("segments", "0002_crm"),
    ]

    operations = [migrations.RunPython(create, drop)]
