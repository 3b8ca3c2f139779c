"""A GIN index on custom events' properties, so "who viewed item X" is an index lookup.

Journeys' item events (``price_dropped`` for product X) enrol the friends whose view events
carry that product: ``properties @> {"sku": "X"}``. Without the index PostgreSQL scans every
event of the OA (240 ms at 1 M events, against 10.6 ms with it). PostgreSQL only: SQLite has
no GIN indexes and its small demo databases scan quickly.
"""

from django.db import migrations

INDEX = "custom_event_properties_gin"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON segments_customevent "
            "USING gin (properties jsonb_path_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("segments", "0012_sending_rules_moved"),
    ]

    operations = [migrations.RunPython(create, drop)]
