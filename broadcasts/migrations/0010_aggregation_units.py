"""LINE aggregation units: the OA's opt-in, the units a broadcast was sent with (and why not),
the unit each batch's body carries. SQLite rebuilds a table to add a NOT NULL column, which it
refuses while the ``broadcasts_delivery`` view (0009) reads that table: the view is dropped
around the batch columns there and created again unchanged."""

import importlib

from django.db import migrations, models

_VIEW = importlib.import_module("broadcasts.migrations.0009_recipients_on_batches").VIEW


def drop_view_on_sqlite(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP VIEW IF EXISTS broadcasts_delivery")


def create_view_on_sqlite(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(_VIEW["sqlite"])


class Migration(migrations.Migration):

    dependencies = [
        ('broadcasts', '0009_recipients_on_batches'),
    ]

    operations = [
        migrations.AddField(
            model_name='broadcast',
            name='aggregation_note',
            field=models.TextField(blank=True),
        ),
        migrations.AddField(
            model_name='broadcast',
            name='aggregation_units',
            field=models.JSONField(blank=True, null=True),
        ),
        migrations.RunPython(drop_view_on_sqlite, create_view_on_sqlite),
        migrations.AddField(
            model_name='broadcastbatch',
            name='aggregation_unit',
            field=models.CharField(blank=True, db_default='', default='', max_length=30),
        ),
        migrations.AddField(
            model_name='broadcastbatch',
            name='refused_unit',
            field=models.CharField(blank=True, db_default='', default='', max_length=30),
        ),
        migrations.RunPython(create_view_on_sqlite, drop_view_on_sqlite),
        migrations.AddField(
            model_name='sendingrules',
            name='use_aggregation_units',
            field=models.BooleanField(default=False, help_text='LINE then reports unique impressions and clicks for broadcasts sent by multicast or push. LINE allows this only for accounts that applied for it, and limits the number of units used per month; when LINE refuses a unit, the broadcast is sent without one.', verbose_name='Count multicast and push sends with LINE aggregation units'),
        ),
    ]
