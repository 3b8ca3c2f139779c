"""An explicit "every OA" flag on memberships and invitations.

Before, an empty "limited to OAs" set meant every OA, so deleting the only OA of a client login
widened it to the whole workspace. The flag is off by default (a limit fails closed); rows that
had no limit keep seeing every OA, so nothing changes for anyone on upgrade.
"""

from django.db import migrations, models


def flag_unlimited_rows(apps, schema_editor):
    for model_name in ("Membership", "Invitation"):
        model = apps.get_model("oa_console", model_name)
        through = model.accounts.through
        owner_field = model._meta.model_name
        limited = through.objects.values(owner_field)
        model.objects.exclude(pk__in=limited).update(all_accounts=True)


class Migration(migrations.Migration):
    dependencies = [
        ("oa_console", "0005_two_factor"),
    ]

    operations = [
        migrations.AddField(
            model_name="invitation",
            name="all_accounts",
            field=models.BooleanField(default=False, verbose_name="every OA of the workspace"),
        ),
        migrations.AddField(
            model_name="membership",
            name="all_accounts",
            field=models.BooleanField(
                default=False,
                help_text="Off: access only to the OAs listed in “limited to OAs”.",
                verbose_name="every OA of the workspace",
            ),
        ),
        migrations.AlterField(
            model_name="membership",
            name="accounts",
            field=models.ManyToManyField(
                blank=True,
                help_text="Used only when the membership is not for every OA of the workspace.",
                related_name="limited_memberships",
                to="oa_console.lineaccount",
                verbose_name="limited to OAs",
            ),
        ),
        migrations.RunPython(flag_unlimited_rows, migrations.RunPython.noop),
    ]
