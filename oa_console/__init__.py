"""Cross-cutting code: settings, tenancy (workspaces, OA channels, memberships, API keys),
authentication pages, the base layout, the API foundation and the Celery application."""

from oa_console.celery import app as celery_app

__all__ = ["celery_app"]
