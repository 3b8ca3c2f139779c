from django.apps import AppConfig


class BroadcastsConfig(AppConfig):
    name = "broadcasts"

    def ready(self) -> None:
        # Personal-data requests: deliveries, held-back rows and clicks of a friend.
        from broadcasts.personal_data import PROVIDER
        from segments.personal_data.registry import register_provider

        register_provider(PROVIDER)
