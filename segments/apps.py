from django.apps import AppConfig

from oa_console.demo import register_demo_step


class SegmentsConfig(AppConfig):
    name = "segments"

    def ready(self) -> None:
        # A newly connected OA reads LINE's follower list at once.
        from oa_console.services.line_accounts import on_account_connected
        from segments.followers import follower_sync_on_connect

        on_account_connected(follower_sync_on_connect)

        # Personal-data requests: segments' own part (the friend row goes last).
        from segments.personal_data.registry import register_provider
        from segments.personal_data.segments_provider import PROVIDER

        register_provider(PROVIDER)

        # The demo: the CRM after the imports, and every follower of LINE's list (as many as
        # the Insights target reach) after the broadcasts.
        from segments.demo import seed_crm
        from segments.demo_followers import seed_follower_sync

        register_demo_step(30, seed_crm)
        register_demo_step(50, seed_follower_sync)
