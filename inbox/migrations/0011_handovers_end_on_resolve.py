"""A rule's handover now ends when a team member resolves the conversation (it was ended when
the friend's next message was answered, which relied on the auto-replies reading that message
before the inbox reopened the conversation). The handovers of conversations already resolved
end here, so those friends are answered again as before."""

from django.db import migrations


def end_resolved_handovers(apps, schema_editor):
    handover = apps.get_model("inbox", "AutoReplyHandover")
    handover.objects.filter(conversation__status="resolved").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("inbox", "0010_coupon_message_type"),
    ]

    operations = [
        migrations.RunPython(end_resolved_handovers, migrations.RunPython.noop, elidable=True),
    ]
