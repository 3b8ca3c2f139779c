from django.apps import AppConfig

from oa_console.demo import register_demo_step
from oa_console.fast_paths import register_wsgi_fast_path


class WebhooksConfig(AppConfig):
    name = "webhooks"

    def ready(self) -> None:
        # Personal-data requests read and erase the raw events that name a friend.
        from segments.personal_data.registry import register_provider
        from webhooks.personal_data import PROVIDER

        register_provider(PROVIDER)

        # The demo: webhook traffic first, every later step builds on its friends (seed_demo).
        from webhooks.demo import seed_webhook_activity

        register_demo_step(10, seed_webhook_activity)

        # LINE's webhook POSTs are answered before Django's request machinery (webhooks/wsgi.py).
        from webhooks.wsgi import WebhookFastPath

        register_wsgi_fast_path(WebhookFastPath)
