"""Past rows that tag rules' backfills read but other apps store, registered by those apps in
their ``AppConfig.ready()`` (segments sits below them and may not import them).

A "clicked a link" rule reacts live to every ``link_click`` activity on the hub, whichever app
published it (a broadcast's or a journey's tracked link); its backfill reads the clicks each of
those apps stores, so it tags the same friends for the past. The hub's own log is not read: it
is pruned after ``ACTIVITY_LOG_RETENTION_DAYS``, the apps' clicks are kept.

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

_sources: dict[str, PastLinkClicks] = {}


def register_past_link_clicks(name: str, source: PastLinkClicks) -> None:
    """An app that stores clicks registers them under its name; registering a name again
    replaces it (a test's fake source, a module reloaded)."""
    _sources[name] = source


def unregister_past_link_clicks(name: str) -> None:
    """Forget a source (tests that registered a fake one clean up with this)."""
    _sources.pop(name, None)


def past_link_clicks(account: LineAccount) -> list[QuerySet]:
    """One queryset per registered source, in registration order."""
    if not _sources:
        raise LookupError("no app registered past link clicks (broadcasts' or journeys' ready())")
    return [source(account) for source in _sources.values()]
