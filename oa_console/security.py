"""The Content-Security-Policy middleware and the pages allowed a wider image policy.

The policy itself is ``CONTENT_SECURITY_POLICY`` in the settings (django-csp 4's dict form):
scripts only from the console's own static files, nothing framed, forms posted only to the
console. One thing a page may widen: a broadcast's chat preview shows the marketer's images,
which LINE requires on any public https host, so the broadcast pages allow ``https:`` images.
The app that owns such a page registers its URL names here in its ``AppConfig.ready()``
(oa_console imports no feature app), instead of every one of its views decorating itself.
"""

from __future__ import annotations

from csp.middleware import CSPMiddleware, PolicyParts
from django.http import HttpRequest, HttpResponseBase

_REMOTE_IMAGE_PAGES: set[str] = set()


def allow_remote_images(*url_names: str) -> None:
    """Let the pages of these URL names show images from any https host (not http, not
    other schemes); every other directive stays as the settings say."""
    _REMOTE_IMAGE_PAGES.update(url_names)


def remote_image_pages() -> frozenset[str]:
    return frozenset(_REMOTE_IMAGE_PAGES)


class ConsoleCSPMiddleware(CSPMiddleware):
    """django-csp's middleware, plus the registered pages' ``img-src https:``."""

    def get_policy_parts(
        self, request: HttpRequest, response: HttpResponseBase, report_only: bool = False
    ) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        match = getattr(request, "resolver_match", None)
        if match is not None and match.url_name in _REMOTE_IMAGE_PAGES:
            parts.update = {**(parts.update or {}), "img-src": ["https:"]}
        return parts
