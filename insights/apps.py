from django.apps import AppConfig

from broadcasts import hooks
from oa_console.activity.registry import FROM_BEGINNING, register
from oa_console.demo import register_demo_step


class InsightsConfig(AppConfig):
    name = "insights"

    def ready(self) -> None:
        # LINE's statistics of a console broadcast/narrowcast are kept per request id: the
        # Insight sync fetches every id the sending announces, and is the one fetcher of the
        # statistics the broadcast page refreshes.
        from insights.sync.broadcasts import (
            broadcast_request_register,
            broadcast_statistics_fetch,
        )

        hooks.register_request_accepted(broadcast_request_register)
        hooks.register_statistics_fetcher(broadcast_statistics_fetch)

        # Member data and orders are import types of the pipeline, next to the LINE reports.
        from insights.imports.kinds import register_kind
        from insights.imports.members.importer import MemberDataKind
        from insights.imports.orders.importer import OrdersKind

        register_kind(MemberDataKind())
        register_kind(OrdersKind())

        # The broadcast composer and the demo's simulated LINE read LINE's target reach.
        from insights.selectors import target_reach_latest
        from segments.registries.target_reach import register_target_reach

        register_target_reach(lambda account: target_reach_latest(account=account))

        # Personal-data requests: import rows that name a friend.
        from insights.personal_data import PROVIDER
        from segments.personal_data.registry import register_provider

        register_provider(PROVIDER)
        # The audit log names an import's report type in the reader's language.
        from django.utils.translation import gettext_lazy as _

        from insights.imports.kinds import kind_choices
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

        # The activity hub: friends' webhook activity refreshes the rollups of its days.
        from insights.metrics import refresh

        register(
            refresh.SUBSCRIBER, refresh.KINDS, refresh.metrics_refresh_react, start=FROM_BEGINNING
        )
