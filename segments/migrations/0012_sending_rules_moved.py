"""SendingRules moves here from broadcasts (which created its table in broadcasts 0001), so
journeys can apply the OA's frequency cap and quiet hours too. The table, its columns and its
check constraint stay as they are: this only tells Django's state that segments owns the model
now (broadcasts 0016, which depends on this one, removes it from broadcasts' state)."""

import datetime
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("oa_console", "0009_activity_account_no_separate_index"),
        ("segments", "0011_personal_data"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="SendingRules",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "cap_enabled",
                            models.BooleanField(default=True, verbose_name="frequency cap on"),
                        ),
                        (
                            "cap_messages",
                            models.PositiveSmallIntegerField(
                                default=2, verbose_name="at most this many messages"
                            ),
                        ),
                        (
                            "cap_days",
                            models.PositiveSmallIntegerField(
                                default=7, verbose_name="per this many days"
                            ),
                        ),
                        (
                            "quiet_enabled",
                            models.BooleanField(default=True, verbose_name="quiet hours on"),
                        ),
                        (
                            "quiet_start",
                            models.TimeField(
                                default=datetime.time(22, 0), verbose_name="quiet from"
                            ),
                        ),
                        (
                            "quiet_end",
                            models.TimeField(
                                default=datetime.time(8, 0), verbose_name="quiet until"
                            ),
                        ),
                        (
                            "use_aggregation_units",
                            models.BooleanField(
                                default=True,
                                help_text="LINE then reports unique impressions and clicks for broadcasts sent by multicast or push. LINE allows this only for accounts that applied for it, and limits the number of units used per month; when LINE refuses a unit, the broadcast is sent without one.",
                                verbose_name="Count multicast and push sends with LINE aggregation units",
                            ),
                        ),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                        (
                            "account",
                            models.OneToOneField(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="sending_rules",
                                to="oa_console.lineaccount",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "broadcasts_sendingrules",
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(("cap_days__gte", 1), ("cap_messages__gte", 1)),
                                name="sending_cap_valid",
                            )
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
