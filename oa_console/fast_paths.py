"""WSGI fast paths: apps that answer one hot URL before Django's request machinery.

``oa_console.wsgi`` wraps Django's WSGI application with every fast path registered here; the
core imports no app, so each app registers its own in its ``AppConfig.ready()`` (which runs in
``get_wsgi_application()``'s ``django.setup()``, before the wrapping). The webhooks app answers
LINE's webhook POSTs this way (``webhooks.wsgi.WebhookFastPath``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

WsgiApplication = Callable[[dict, Callable[..., object]], Iterable[bytes]]
# Takes the application to fall back to (Django, or an inner fast path) and returns one that
# answers its own URL and hands every other request to the fallback unchanged.
FastPath = Callable[[WsgiApplication], WsgiApplication]

_FAST_PATHS: list[FastPath] = []


def register_wsgi_fast_path(fast_path: FastPath) -> None:
    """Put ``fast_path`` in front of Django (registering it again changes nothing)."""
    if fast_path not in _FAST_PATHS:
        _FAST_PATHS.append(fast_path)


def with_fast_paths(django_application: WsgiApplication) -> WsgiApplication:
    """``django_application`` behind every registered fast path (the first registered is
    asked first)."""
    application = django_application
    for fast_path in reversed(_FAST_PATHS):
        application = fast_path(application)
    return application
