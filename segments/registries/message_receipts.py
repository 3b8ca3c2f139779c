"""The messages friends received, from every app that sends them: the frequency cap counts them.

An OA's cap ("at most N messages per D days") protects a friend from every sender of the
console together, so broadcasts' deliveries and journeys' sends are counted as one stream. Each
app that sends registers a source in its ``AppConfig.ready()`` (segments sits below them and may
not import them); ``segments.services.sending_rules`` unions them.

Imports no models, so an app's ``apps.py`` can import it at the top.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from oa_console.models import LineAccount

# The OA's messages received after ``since``: a queryset of ``.values("friend_id")``, one row
# per message a friend received (LINE accepted it), so counting rows per friend counts messages.
MessageReceipts = Callable[["LineAccount", datetime], "QuerySet"]

_sources: dict[str, MessageReceipts] = {}


def register_message_receipts(name: str, source: MessageReceipts) -> None:
    """An app registers its sent messages under its name; registering a name again replaces it
    (a test's fake source, a module reloaded)."""
    _sources[name] = source


def unregister_message_receipts(name: str) -> None:
    """Forget a source (tests that registered a fake one clean up with this)."""
    _sources.pop(name, None)


def message_receipts(account: LineAccount, since: datetime) -> list[QuerySet]:
    """One queryset per registered source, in registration order."""
    return [source(account, since) for source in _sources.values()]
