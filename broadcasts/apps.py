from django.apps import AppConfig


class BroadcastsConfig(AppConfig):
    name = "broadcasts"

    def ready(self) -> None:
        # The audit log reads a broadcast entry's coded details in the reader's language.
        from django.utils.translation import gettext_lazy as _

        from broadcasts.models import Broadcast
        from oa_console.audit.display import register_detail

        audiences = dict(Broadcast.AudienceKind.choices)
        statuses = dict(Broadcast.Status.choices)
        register_detail("audience", _("Audience"), lambda code: str(audiences.get(code, code)))
        register_detail("outcome", _("Outcome"), lambda code: str(statuses.get(code, code)))
        register_detail("status", _("Status before"), lambda code: str(statuses.get(code, code)))
        register_detail("send_at", _("Scheduled for"))
