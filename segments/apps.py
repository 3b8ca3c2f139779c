from django.apps import AppConfig


class SegmentsConfig(AppConfig):
    name = "segments"

    def ready(self) -> None:
        # A newly connected OA reads LINE's follower list at once.
        from oa_console.services import on_account_connected
        from segments.followers import follower_sync_on_connect

        on_account_connected(follower_sync_on_connect)

        # Personal-data requests: segments' own part (the friend row goes last).
        from segments.personal_data.registry import register_provider
        from segments.personal_data.segments_provider import PROVIDER

        register_provider(PROVIDER)
