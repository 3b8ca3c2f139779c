from django.apps import AppConfig

from oa_console.demo import register_demo_step


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

        # The demo: Insight exports after the webhook traffic, the dashboards' rollups last
        # (of everything the other steps seeded).
        from insights.demo import seed_insight_imports
        from insights.metrics.demo import seed_metrics

        register_demo_step(20, seed_insight_imports)
        register_demo_step(70, seed_metrics)
