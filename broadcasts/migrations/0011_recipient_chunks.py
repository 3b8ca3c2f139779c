"""A narrowcast's audience moves off its batch row into ``RecipientChunk`` rows of 10,000
(one JSON list of millions of ids could outgrow PostgreSQL's limit on a value, and uploading
it in chunks re-read the whole list each time). The ``broadcasts_delivery`` view reads the
chunks as well, each recipient under the chunk's batch. Batches planned before keep their
lists and are read as before."""

import django.db.models.deletion
from django.db import migrations, models

# The 0009 view (recipients on batch rows), then the recipients of chunks, numbered apart.
BATCH_ROWS = {
    "postgresql": """
        SELECT b.id * 100000000 + r.n AS id, b.account_id, b.broadcast_id, b.id AS batch_id,
               r.friend_id::bigint AS friend_id, r.line_user_id::varchar(40) AS line_user_id,
               b.variant_id
        FROM broadcasts_broadcastbatch b
        CROSS JOIN LATERAL ROWS FROM (
            jsonb_array_elements_text(b.friend_ids), jsonb_array_elements_text(b.line_user_ids)
        ) WITH ORDINALITY AS r(friend_id, line_user_id, n)
    """,
    "sqlite": """
        SELECT b.id * 100000000 + f.key + 1 AS id, b.account_id AS account_id,
               b.broadcast_id AS broadcast_id, b.id AS batch_id, f.value AS friend_id,
               u.value AS line_user_id, b.variant_id AS variant_id
        FROM broadcasts_broadcastbatch b
        JOIN json_each(b.friend_ids) f
        JOIN json_each(b.line_user_ids) u ON u.key = f.key
    """,
}
CHUNK_ROWS = {
    "postgresql": """
        SELECT 5000000000000000000 + c.id * 100000 + r.n AS id, c.account_id, c.broadcast_id,
               c.batch_id, r.friend_id::bigint AS friend_id,
               r.line_user_id::varchar(40) AS line_user_id, b.variant_id
        FROM broadcasts_recipientchunk c
        JOIN broadcasts_broadcastbatch b ON b.id = c.batch_id
        CROSS JOIN LATERAL ROWS FROM (
            jsonb_array_elements_text(c.friend_ids), jsonb_array_elements_text(c.line_user_ids)
        ) WITH ORDINALITY AS r(friend_id, line_user_id, n)
    """,
    "sqlite": """
        SELECT 5000000000000000000 + c.id * 100000 + f.key + 1 AS id,
               c.account_id AS account_id, c.broadcast_id AS broadcast_id,
               c.batch_id AS batch_id, f.value AS friend_id, u.value AS line_user_id,
               b.variant_id AS variant_id
        FROM broadcasts_recipientchunk c
        JOIN broadcasts_broadcastbatch b ON b.id = c.batch_id
        JOIN json_each(c.friend_ids) f
        JOIN json_each(c.line_user_ids) u ON u.key = f.key
    """,
}


def view_with_chunks(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    schema_editor.execute("DROP VIEW IF EXISTS broadcasts_delivery")
    schema_editor.execute(
        "CREATE VIEW broadcasts_delivery AS "
        + BATCH_ROWS[vendor]
        + " UNION ALL "
        + CHUNK_ROWS[vendor]
    )


def view_without_chunks(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    schema_editor.execute("DROP VIEW IF EXISTS broadcasts_delivery")
    schema_editor.execute("CREATE VIEW broadcasts_delivery AS " + BATCH_ROWS[vendor])


class Migration(migrations.Migration):

    dependencies = [
        ('broadcasts', '0010_aggregation_units'),
        ('oa_console', '0001_initial'),
    ]

    operations = [
        migrations.CreateModel(
            name='RecipientChunk',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('sequence', models.PositiveIntegerField()),
                ('size', models.PositiveIntegerField()),
                ('friend_ids', models.JSONField(default=list)),
                ('line_user_ids', models.JSONField(default=list)),
                ('account', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='oa_console.lineaccount')),
                ('batch', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='recipient_chunks', to='broadcasts.broadcastbatch')),
                ('broadcast', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='recipient_chunks', to='broadcasts.broadcast')),
            ],
            options={
                'ordering': ['batch', 'sequence'],
                'constraints': [models.UniqueConstraint(fields=('batch', 'sequence'), name='uniq_chunk_sequence')],
            },
        ),
        migrations.RunPython(view_with_chunks, view_without_chunks),
    ]
