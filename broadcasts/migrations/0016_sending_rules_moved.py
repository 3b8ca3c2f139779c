"""SendingRules now belongs to segments (segments 0012), shared by broadcasts and journeys:
remove it from broadcasts' state only. The table ``broadcasts_sendingrules`` and its rows stay,
read from now on through ``segments.models.SendingRules``."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("broadcasts", "0015_planning_attempts"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="SendingRules")],
            database_operations=[],
        ),
    ]
