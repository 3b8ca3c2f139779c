from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OaConsoleConfig(AppConfig):
    name = "oa_console"
    verbose_name = _("OA Console")
