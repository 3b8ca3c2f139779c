"""line-bot-sdk v3 clients for one LINE Official Account (its channel's access token).

Every call to LINE goes through a client made here, so ``LINE_API_HOST`` (unset in production,
the fake LINE server in tests and the demo) redirects all of them, blob calls included. The SDK
is imported inside each factory: it is large, and a process that never calls LINE (the web
server's first request, most tests) should not pay for loading it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from django.conf import settings

if TYPE_CHECKING:
    from oa_console.models import LineAccount

# Connect and read timeouts for every LINE call: a hung LINE must not hang a worker.
REQUEST_TIMEOUT = (5, 15)

# The embedded demo's simulated LINE (broadcasts/simulated_line.py) lives at this path of the
# console itself.
SIMULATED_LINE_PATH = "/simulated-line"


def sdk_preload() -> None:
    """Import the SDK modules the send path uses (hundreds of generated models) now: the
    Celery worker's main process calls this before forking, so its children share them
    instead of each importing them in the middle of its first send."""
    import linebot.v3.audience
    import linebot.v3.messaging  # noqa: F401


def simulated_host() -> str | None:
    """The simulated LINE's host when the embedded demo runs it (``BROADCASTS_SIMULATED_LINE``,
    only with ``DEBUG``), else ``None``: callers pass it as ``host`` so the demo's calls that
    the simulator answers never go to the real LINE with its fake tokens."""
    if getattr(settings, "BROADCASTS_SIMULATED_LINE", False) and settings.DEBUG:
        return settings.PUBLIC_BASE_URL + SIMULATED_LINE_PATH
    return None


def _host(default_host: str) -> str:
    return settings.LINE_API_HOST.rstrip("/") if settings.LINE_API_HOST else default_host


def _no_retries():
    """urllib3 would otherwise retry a 429 by sleeping for its Retry-After inside the worker;
    retries belong to the Celery task (re-enqueued with a countdown), so the client tries once."""
    from urllib3.util import Retry

    return Retry(total=0, redirect=0, respect_retry_after_header=False, raise_on_status=False)


@contextmanager
def _client(module, account: LineAccount, default_host: str, host: str | None = None) -> Iterator:
    configuration = module.Configuration(
        access_token=account.access_token, host=host or _host(default_host)
    )
    configuration.retries = _no_retries()
    with module.ApiClient(configuration) as api_client:
        yield api_client


@contextmanager
def messaging_api(account: LineAccount, *, host: str | None = None) -> Iterator:
    """``MessagingApi`` for one OA (push, multicast, narrowcast, broadcast, profiles, quota).
    ``host`` overrides ``LINE_API_HOST`` (the demo's simulated LINE for broadcasts)."""
    from linebot.v3 import messaging

    with _client(messaging, account, "https://api.line.me", host) as api_client:
        yield messaging.MessagingApi(api_client)


@contextmanager
def messaging_blob_api(account: LineAccount, *, host: str | None = None) -> Iterator:
    """``MessagingApiBlob`` (content and rich-menu images live on LINE's data host). ``host``
    overrides ``LINE_API_HOST`` (the demo's simulated LINE answers chat media)."""
    from linebot.v3 import messaging

    with _client(messaging, account, "https://api-data.line.me", host) as api_client:
        yield messaging.MessagingApiBlob(api_client)


@contextmanager
def insight_api(account: LineAccount, *, host: str | None = None) -> Iterator:
    """``Insight`` for one OA. ``host`` overrides ``LINE_API_HOST`` (the demo's simulated LINE
    answers the statistics of the broadcasts it received)."""
    from linebot.v3 import insight

    with _client(insight, account, "https://api.line.me", host) as api_client:
        yield insight.Insight(api_client)


@contextmanager
def audience_api(account: LineAccount, *, host: str | None = None) -> Iterator:
    """``ManageAudience`` (narrowcast audiences uploaded as user-id lists)."""
    from linebot.v3 import audience

    with _client(audience, account, "https://api.line.me", host) as api_client:
        yield audience.ManageAudience(api_client)


@contextmanager
def audience_blob_api(account: LineAccount) -> Iterator:
    """``ManageAudienceBlob`` (audience files go to LINE's data host)."""
    from linebot.v3 import audience

    with _client(audience, account, "https://api-data.line.me") as api_client:
        yield audience.ManageAudienceBlob(api_client)
