"""The Celery application; tasks live in each app's tasks.py."""

import os

from celery import Celery
from celery.signals import beat_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oa_console.settings")

app = Celery("oa_console")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@beat_init.connect
def announce_beat_start(sender, **kwargs) -> None:
    """Record a heartbeat as soon as beat starts, not one interval later, so /healthz shows
    beat alive right after a deploy or `make run`."""
    app.send_task("oa_console.tasks.record_heartbeat", args=["beat"])
