"""Past rows that tag rules' backfills read but other apps store, registered by those apps in
their ``AppConfig.ready()`` (segments sits below them and may not import them).

Imports no models, so an app's ``apps.py`` can import it at the top.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from oa_console.models import LineAccount

# The OA's stored link clicks of known friends: a queryset with ``friend_id`` and ``url``.
PastLinkClicks = Callable[["LineAccount"], "QuerySet"]

_past_link_clicks: list[PastLinkClicks] = []


def register_past_link_clicks(source: PastLinkClicks) -> None:
    """Broadcasts (which stores clicks) registers this; registering again replaces it."""
    _past_link_clicks[:] = [source]


def past_link_clicks(account: LineAccount) -> QuerySet:
    if not _past_link_clicks:
        raise LookupError("no app registered the past link clicks (broadcasts' ready())")
    return _past_link_clicks[0](account)
