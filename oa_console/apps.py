from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OaConsoleConfig(AppConfig):
    name = "oa_console"
    verbose_name = _("OA Console")

    def ready(self) -> None:
        # The demo's audit log, after every step that acts through an audited service.
        from oa_console.audit.demo import seed_audit_log
        from oa_console.demo import register_demo_step

        register_demo_step(68, seed_audit_log)
