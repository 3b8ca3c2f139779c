from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "webhooks"

    def ready(self) -> None:
        # Personal-data requests read and erase the raw events that name a friend.
        from segments.personal_data.registry import register_provider
        from webhooks.personal_data import PROVIDER

        register_provider(PROVIDER)
