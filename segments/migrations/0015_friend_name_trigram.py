"""A trigram index on friends' names (PostgreSQL): the inbox's and the friends list's name
search (``display_name__icontains``, Django's ``UPPER(...) LIKE UPPER(...)``) reads it instead
of every friend of the OA (a million of them: 150-300 ms a search, bench/inbox.py). The
expression is the one Django's lookup writes, so the planner matches it. SQLite scans."""

from django.db import migrations

INDEX = "friend_name_trigram"


def index_create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        # pg_trgm is a trusted extension (PostgreSQL 13+): the database's owner may create it.
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON segments_friend "
            "USING gin ((UPPER(display_name::text)) gin_trgm_ops)"
        )


def index_drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("segments", "0014_quiet_hours_callable_defaults")]

    operations = [migrations.RunPython(index_create, index_drop)]
