from django.apps import AppConfig

from oa_console.activity.registry import FROM_BEGINNING, register


class InsightsConfig(AppConfig):
    name = "insights"

    def ready(self) -> None:
        # The broadcast composer and the demo's simulated LINE read LINE's target reach.
        from insights.selectors import target_reach_latest
        from segments.follower_panel import register_target_reach

        register_target_reach(lambda account: target_reach_latest(account=account))

        # Personal-data requests: import rows that name a friend.
        from insights.personal_data import PROVIDER
        from segments.personal_data.registry import register_provider

        register_provider(PROVIDER)
        # The audit log names an import's report type in the reader's language.
        from django.utils.translation import gettext_lazy as _

        from insights.services.kinds import kind_choices
        from oa_console.audit.display import register_detail

        register_detail(
            "report",
            _("Report"),
            lambda code: str(dict(kind_choices()).get(code, code)) if code else _("Detected"),
        )

        # The activity hub: friends' webhook activity refreshes the rollups of its days.
        from insights.metrics import refresh

        register(
            refresh.SUBSCRIBER, refresh.KINDS, refresh.metrics_refresh_react, start=FROM_BEGINNING
        )
