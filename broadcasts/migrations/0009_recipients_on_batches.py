"""Recipients move from one delivery row per friend onto their batch (``friend_ids`` and
``line_user_ids``, parallel JSON lists), and ``broadcasts_delivery`` becomes a read-only view
over them: planning a million recipients writes 2,000 rows instead of a million (whose
deferred foreign-key checks alone took most of the planning time). A/B variants are stored per
batch (``variant``; variants went by push, one delivery per batch) and the view exposes each
delivery's variant as the table did. Existing deliveries and their variants are copied onto
their batches first. One view per database (PostgreSQL, SQLite)."""

import django.db.models.deletion
from django.db import migrations, models

VIEW = {
    "postgresql": """
        CREATE VIEW broadcasts_delivery AS
        SELECT b.id * 100000000 + r.n AS id, b.account_id, b.broadcast_id, b.id AS batch_id,
               r.friend_id::bigint AS friend_id, r.line_user_id::varchar(40) AS line_user_id,
               b.variant_id
        FROM broadcasts_broadcastbatch b
        CROSS JOIN LATERAL ROWS FROM (
            jsonb_array_elements_text(b.friend_ids), jsonb_array_elements_text(b.line_user_ids)
        ) WITH ORDINALITY AS r(friend_id, line_user_id, n)
    """,
    "sqlite": """
        CREATE VIEW broadcasts_delivery AS
        SELECT b.id * 100000000 + f.key + 1 AS id, b.account_id AS account_id,
               b.broadcast_id AS broadcast_id, b.id AS batch_id, f.value AS friend_id,
               u.value AS line_user_id, b.variant_id AS variant_id
        FROM broadcasts_broadcastbatch b
        JOIN json_each(b.friend_ids) f
        JOIN json_each(b.line_user_ids) u ON u.key = f.key
    """,
}

COPY = {
    "postgresql": """
        UPDATE broadcasts_broadcastbatch b
        SET friend_ids = d.friend_ids, line_user_ids = d.line_user_ids, variant_id = d.variant_id
        FROM (
            SELECT batch_id, jsonb_agg(friend_id ORDER BY id) AS friend_ids,
                   jsonb_agg(line_user_id ORDER BY id) AS line_user_ids,
                   MIN(variant_id) AS variant_id
            FROM broadcasts_delivery GROUP BY batch_id
        ) d
        WHERE d.batch_id = b.id
    """,
    "sqlite": """
        UPDATE broadcasts_broadcastbatch
        SET friend_ids = (
                SELECT json_group_array(friend_id) FROM (
                    SELECT friend_id FROM broadcasts_delivery d
                    WHERE d.batch_id = broadcasts_broadcastbatch.id ORDER BY d.id
                )
            ),
            line_user_ids = (
                SELECT json_group_array(line_user_id) FROM (
                    SELECT line_user_id FROM broadcasts_delivery d
                    WHERE d.batch_id = broadcasts_broadcastbatch.id ORDER BY d.id
                )
            ),
            variant_id = (
                SELECT MIN(variant_id) FROM broadcasts_delivery d
                WHERE d.batch_id = broadcasts_broadcastbatch.id
            )
        WHERE id IN (SELECT batch_id FROM broadcasts_delivery)
    """,
}


# A batch whose deliveries got different variants cannot carry one variant. Planning never made
# one (variants forced a push, one delivery per batch); refuse rather than lose the arms.
MIXED_VARIANTS = """
    SELECT batch_id FROM broadcasts_delivery
    GROUP BY batch_id HAVING COUNT(DISTINCT COALESCE(variant_id, 0)) > 1
"""


def deliveries_to_view(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor not in VIEW:
        raise RuntimeError(f"broadcasts 0009 has no delivery view for {vendor}")
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(MIXED_VARIANTS)
        mixed = [batch_id for (batch_id,) in cursor.fetchall()]
    if mixed:
        raise RuntimeError(f"broadcasts 0009: batches {mixed} hold deliveries of several variants")
    schema_editor.execute(COPY[vendor])
    schema_editor.execute("DROP TABLE broadcasts_delivery")
    schema_editor.execute(VIEW[vendor])


class Migration(migrations.Migration):
    dependencies = [
        ("broadcasts", "0008_quiet_hours_pause"),
        ("oa_console", "0001_initial"),
        ("segments", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="broadcastbatch",
            name="friend_ids",
            field=models.JSONField(blank=True, default=list),
        ),
        migrations.AddField(
            model_name="broadcastbatch",
            name="line_user_ids",
            field=models.JSONField(blank=True, default=list),
        ),
        migrations.AddField(
            model_name="broadcastbatch",
            name="variant",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.RESTRICT,
                related_name="+",
                to="broadcasts.broadcastvariant",
            ),
        ),
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(deliveries_to_view)],
            state_operations=[
                migrations.DeleteModel(name="Delivery"),
                migrations.CreateModel(
                    name="Delivery",
                    fields=[
                        ("id", models.BigIntegerField(primary_key=True, serialize=False)),
                        ("line_user_id", models.CharField(max_length=40)),
                        (
                            "account",
                            models.ForeignKey(
                                db_constraint=False,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                related_name="+",
                                to="oa_console.lineaccount",
                            ),
                        ),
                        (
                            "batch",
                            models.ForeignKey(
                                db_constraint=False,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                related_name="deliveries",
                                to="broadcasts.broadcastbatch",
                            ),
                        ),
                        (
                            "broadcast",
                            models.ForeignKey(
                                db_constraint=False,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                related_name="deliveries",
                                to="broadcasts.broadcast",
                            ),
                        ),
                        (
                            "friend",
                            models.ForeignKey(
                                db_constraint=False,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                related_name="+",
                                to="segments.friend",
                            ),
                        ),
                        (
                            "variant",
                            models.ForeignKey(
                                blank=True,
                                db_constraint=False,
                                null=True,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                related_name="+",
                                to="broadcasts.broadcastvariant",
                            ),
                        ),
                    ],
                    options={"db_table": "broadcasts_delivery", "managed": False},
                ),
            ],
        ),
    ]
